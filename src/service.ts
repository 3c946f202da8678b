import type { CoreConfig } from './config.js';
import type { KnowledgeBase } from './retrieve/knowledgeBase.js';
import type { StoreManifest } from './store/manifest.js';
import { openKnowledgeBase, type OpenedKnowledgeBase, type OpenOptions } from './store/openKnowledgeBase.js';

export interface ReindexResult {
  rebuiltBecause: string | null;
  before: StoreManifest;
  after: StoreManifest;
  /** When this re-index built the store: whole or incremental, chunks embedded and reused, time per step. */
  build?: OpenedKnowledgeBase['build'];
}

type SwapListener = (current: { kb: KnowledgeBase; manifest: StoreManifest }) => void;

/**
 * The briefing as the interfaces (CLI, console, Discord) see it: the current knowledge base, swapped whole
 * on re-index so a question in flight keeps the one it started with. The build runs in a worker thread
 * (`store/runBuild.ts`), so questions keep being answered from the old store until the swap.
 */
export class BriefingService {
  private readonly listeners = new Set<SwapListener>();
  /** Re-indexes started and swapped in, in order: a slower, older one never replaces a newer store. */
  private started = 0;
  private swapped = 0;

  private constructor(
    readonly config: CoreConfig,
    private current: { kb: KnowledgeBase; manifest: StoreManifest },
  ) {}

  static async open(config: CoreConfig, options: OpenOptions = {}): Promise<BriefingService> {
    const opened = await openKnowledgeBase(config, options);
    return new BriefingService(config, opened);
  }

  get kb(): KnowledgeBase {
    return this.current.kb;
  }

  get manifest(): StoreManifest {
    return this.current.manifest;
  }

  /** Calls `listener` after every swap to a new store (e.g. to hand it to answer workers); returns the unsubscribe. */
  onSwap(listener: SwapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the seeds; rebuilds only if they (or the configuration) changed, incrementally when it can. */
  async reindex(options: OpenOptions = {}): Promise<ReindexResult> {
    const ticket = ++this.started;
    const before = this.current.manifest;
    const opened = await openKnowledgeBase(this.config, { loaded: this.current, ...options });
    if (ticket > this.swapped && opened.kb !== this.current.kb) {
      this.swapped = ticket;
      this.current = { kb: opened.kb, manifest: opened.manifest };
      for (const listener of this.listeners) {
        try {
          listener(this.current);
        } catch {
          // a listener's failure must not undo the swap
        }
      }
    }
    return { rebuiltBecause: opened.rebuiltBecause, before, after: opened.manifest, build: opened.build };
  }
}
