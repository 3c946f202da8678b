import { promises as fs, type Stats } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite.js';

/**
 * Remembers each seed file's sha256 by what `stat` says of it (device, inode, size, modification and change
 * times, to the nanosecond where the filesystem keeps them), so opening a current store re-reads only files that
 * changed: hashing 1,943 files read every byte of the briefing at each start. Like git's index, an entry is
 * trusted only for a file that had been still for a while when it was hashed (a write in the same clock tick
 * as the hash would otherwise go unseen). A missing, damaged or foreign cache file only costs the hashing.
 */
const FORMAT = 1;
/** A file changed less than this before it was hashed is hashed again next time. */
export const SEED_SETTLE_MS = 2000;

interface Entry {
  key: string;
  sha256: string;
}

function statKey(stat: Stats): string {
  // The same text as `[…].join(':')` (the saved format), built without an array per file.
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

export class SeedHashCache {
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** The cache saved in `file` (null: in memory only). */
  static async open(file: string | null): Promise<SeedHashCache> {
    const entries = new Map<string, Entry>();
    if (file) {
      try {
        const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { format?: unknown; entries?: unknown };
        if (saved.format === FORMAT && saved.entries && typeof saved.entries === 'object') {
          for (const [path, entry] of Object.entries(saved.entries as Record<string, Entry>)) {
            if (typeof entry?.key === 'string' && typeof entry.sha256 === 'string' && /^[0-9a-f]{64}$/.test(entry.sha256)) entries.set(path, entry);
          }
        }
      } catch {
        // no cache yet, or unreadable: every file is hashed
      }
    }
    return new SeedHashCache(file, entries);
  }

  /** Whether anything is recorded for `path` (a scan need not `stat` a file the cache cannot answer for). */
  knows(path: string): boolean {
    return this.entries.has(path);
  }

  /** The sha256 recorded for `path` when it still is exactly as it was then. */
  lookup(path: string, stat: Stats): string | undefined {
    const entry = this.entries.get(path);
    return entry && entry.key === statKey(stat) ? entry.sha256 : undefined;
  }

  /** Records a hash just computed from the bytes of a file `stat` describes (read after that stat). */
  remember(path: string, stat: Stats, sha256: string, now = Date.now()): void {
    if (now - Math.max(stat.mtimeMs, stat.ctimeMs) < SEED_SETTLE_MS) {
      if (this.entries.delete(path)) this.dirty = true;
      return;
    }
    const key = statKey(stat);
    if (this.entries.get(path)?.key === key) return;
    this.entries.set(path, { key, sha256 });
    this.dirty = true;
  }

  /** Drops the files not seen in the last scan. */
  keepOnly(paths: Set<string>): void {
    for (const path of this.entries.keys()) {
      if (!paths.has(path)) {
        this.entries.delete(path);
        this.dirty = true;
      }
    }
  }

  /** Writes the cache if it changed; a read-only store folder only means hashing again next time. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    try {
      await writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.entries) }));
      this.dirty = false;
    } catch {
      // not saved: harmless
    }
  }
}
