import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { StoreManifest } from '../store/manifest.js';
import type { SummaryResult } from './types.js';
import type { SummaryStore } from '../state/types.js';

/** Bump when summaries would come out differently for the same store and request: old entries stop matching. */
export const SUMMARY_CACHE_VERSION = 1;

export interface SummaryCacheKey {
  manifest: StoreManifest;
  style: string;
  source?: string;
  topic?: string;
  lang?: string;
  /** "extractive", or the LLM provider/model: switching models must not return the other's summary. */
  engine: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hash of everything a summary depends on. The manifest changes on every rebuild (seeds, config, builtAt). */
export function summaryCacheKey(parts: SummaryCacheKey): string {
  return sha256(
    JSON.stringify({
      v: SUMMARY_CACHE_VERSION,
      manifest: sha256(JSON.stringify(parts.manifest)),
      style: parts.style,
      source: parts.source ?? null,
      topic: parts.topic ? parts.topic.toLowerCase().replace(/\s+/g, ' ').trim() : null,
      lang: parts.lang ?? null,
      engine: parts.engine,
    }),
  ).slice(0, 32);
}

export function isSummaryResult(value: unknown): value is SummaryResult {
  const r = value as SummaryResult;
  return (
    !!r && typeof r === 'object' && typeof r.style === 'string' && typeof r.summary === 'string' &&
    Array.isArray(r.citations) && (r.mode === 'extractive' || r.mode === 'llm') &&
    r.citations.every((c) => c && typeof c.quote === 'string' && typeof c.start === 'number' && typeof c.n === 'number')
  );
}

/**
 * Summaries on disk, one JSON file per key, written atomically. A file that is missing, unreadable, corrupt or
 * for another key counts as a miss (and is replaced on the next write). Bounded: past `maxEntries`, the least
 * recently used files are deleted (a hit refreshes its file's time).
 */
export class SummaryCache implements SummaryStore {
  constructor(
    readonly dir: string,
    readonly maxEntries: number,
  ) {}

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<SummaryResult | null> {
    if (!this.enabled) return null;
    let text: string;
    try {
      text = await fs.readFile(this.file(key), 'utf8');
    } catch {
      return null;
    }
    try {
      const entry = JSON.parse(text) as { key?: string; result?: unknown };
      if (entry.key !== key || !isSummaryResult(entry.result)) return null;
      const now = new Date();
      await fs.utimes(this.file(key), now, now).catch(() => undefined);
      return entry.result;
    } catch {
      return null;
    }
  }

  async set(key: string, result: SummaryResult): Promise<void> {
    if (!this.enabled) return;
    const entry = { key, savedAt: new Date().toISOString(), result: { ...result, cached: false } };
    await writeFileAtomic(this.file(key), JSON.stringify(entry));
    await this.evict();
  }

  /** Deletes the least recently used entries beyond the bound. */
  private async evict(): Promise<void> {
    const names = (await fs.readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    if (names.length <= this.maxEntries) return;
    const stats = await Promise.all(
      names.map(async (name) => ({ name, mtime: (await fs.stat(path.join(this.dir, name)).catch(() => null))?.mtimeMs ?? 0 })),
    );
    stats.sort((a, b) => a.mtime - b.mtime || (a.name < b.name ? -1 : 1));
    for (const { name } of stats.slice(0, stats.length - this.maxEntries)) {
      await fs.rm(path.join(this.dir, name), { force: true });
    }
  }
}
