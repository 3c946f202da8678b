import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseMetadata, type DocumentMetadata } from './metadata.js';

export interface SeedDocument extends DocumentMetadata {
  /** Path relative to the project root, with forward slashes: "seeds/<file>". */
  source: string;
  content: string;
  sha256: string;
  bytes: number;
}

export interface SkippedSeed {
  source: string;
  reason: string;
}

export interface SeedScan {
  documents: SeedDocument[];
  skipped: SkippedSeed[];
}

const SEED_EXTENSIONS = new Set(['.txt', '.md']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function toSource(rootDir: string, file: string): string {
  return path.relative(rootDir, file).split(path.sep).join('/');
}

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Every .txt/.md file under the seeds folder, sorted; symlinks followed only when they stay inside it. */
async function listSeedFiles(seedsDir: string, skipped: SkippedSeed[], rootDir: string): Promise<string[]> {
  const realRoot = await fs.realpath(seedsDir);
  const files: string[] = [];
  const visited = new Set<string>();
  async function walk(dir: string): Promise<void> {
    const real = await fs.realpath(dir);
    if (visited.has(real)) return; // symlink loops
    visited.add(real);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith('.')) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(full);
        } catch {
          skipped.push({ source: toSource(rootDir, full), reason: 'broken symlink' });
          continue;
        }
        if (!isInside(realRoot, target)) {
          skipped.push({ source: toSource(rootDir, full), reason: 'symlink points outside the seeds folder' });
          continue;
        }
        const stat = await fs.stat(full);
        isDir = stat.isDirectory();
        isFile = stat.isFile();
      }
      if (isDir) await walk(full);
      else if (isFile && SEED_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
    }
  }
  await walk(seedsDir);
  return files;
}

/** Reads the briefing. A bad file is reported in `skipped` and never stops the rest. */
export async function loadSeeds(seedsDir: string, maxBytes: number, rootDir = process.cwd()): Promise<SeedScan> {
  const skipped: SkippedSeed[] = [];
  const documents: SeedDocument[] = [];
  try {
    await fs.access(seedsDir);
  } catch {
    return { documents, skipped: [{ source: toSource(rootDir, seedsDir), reason: 'seeds folder not found' }] };
  }
  for (const file of await listSeedFiles(seedsDir, skipped, rootDir)) {
    const source = toSource(rootDir, file);
    try {
      const stat = await fs.stat(file);
      if (stat.size === 0) {
        skipped.push({ source, reason: 'empty file' });
        continue;
      }
      if (stat.size > maxBytes) {
        skipped.push({ source, reason: `larger than SEED_MAX_BYTES (${stat.size} > ${maxBytes} bytes)` });
        continue;
      }
      const bytes = await fs.readFile(file);
      let content: string;
      try {
        content = utf8.decode(bytes);
      } catch {
        skipped.push({ source, reason: 'not valid UTF-8' });
        continue;
      }
      if (!content.trim()) {
        skipped.push({ source, reason: 'no text (only whitespace)' });
        continue;
      }
      const metadata = parseMetadata(content, path.basename(file));
      documents.push({ ...metadata, source, content, sha256: sha256(bytes), bytes: bytes.length });
    } catch (error) {
      skipped.push({ source, reason: `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return { documents, skipped };
}
