import type { CoreConfig } from './config.js';
import type { KnowledgeBase } from './retrieve/knowledgeBase.js';
import type { StoreManifest } from './store/manifest.js';
import { openKnowledgeBase, type OpenOptions } from './store/openKnowledgeBase.js';

/**
 * The briefing as the interfaces (CLI, console, Discord) see it: the current knowledge base, swapped whole
 * on re-index so a question in flight keeps the one it started with.
 */
export class BriefingService {
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

  /** Re-reads the seeds; rebuilds only if they (or the configuration) changed. */
  async reindex(options: OpenOptions = {}): Promise<{ rebuiltBecause: string | null; before: StoreManifest; after: StoreManifest }> {
    const before = this.current.manifest;
    const opened = await openKnowledgeBase(this.config, options);
    this.current = { kb: opened.kb, manifest: opened.manifest };
    return { rebuiltBecause: opened.rebuiltBecause, before, after: opened.manifest };
  }
}
