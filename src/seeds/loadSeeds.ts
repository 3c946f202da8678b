import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fs, readSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { parseMetadata, type DocumentMetadata } from './metadata.js';
import { formatOf, UnreadableDocument, type SeedFormat } from './formats/index.js';
import { extractTextOffThread } from './formats/offThread.js';
import type { SeedHashCache } from './hashCache.js';
import { TimeSlice } from '../util/timeSlice.js';

export interface SeedDocument extends DocumentMetadata {
  /** Path relative to the project root, with forward slashes: "seeds/<file>". */
  source: string;
  content: string;
  sha256: string;
  bytes: number;
  /** Absent on documents made by hand (tests): plain text. */
  format?: SeedFormat;
  /** PDFs: offset in `content` where each page starts (page n at index n-1). */
  pageStarts?: number[];
}

export interface SkippedSeed {
  source: string;
  reason: string;
  /** Set when the file was read but refused (not UTF-8, corrupt PDF…): its bytes, so an unchanged bad file is not re-read as new. */
  sha256?: string;
}

/** Most pages a PDF may have when the caller does not say (SEED_MAX_PAGES's default). */
export const DEFAULT_MAX_PAGES = 1000;
/** A DOCX's text parts may expand to this many times SEED_MAX_BYTES; more is a zip bomb. */
export const ZIP_EXPANSION_FACTOR = 20;

export interface SeedScan {
  documents: SeedDocument[];
  skipped: SkippedSeed[];
  /** Files that are read, but with something the operator should hear about (malformed front matter). */
  notices: SkippedSeed[];
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** How a seed file is named everywhere ("seeds/x.pdf"): its path relative to the project root, with forward slashes. */
export function toSource(rootDir: string, file: string): string {
  return path.relative(rootDir, file).split(path.sep).join('/');
}

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/** Why a symlink can't be resolved, in words an operator recognises. */
function unresolvedLinkReason(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'broken symlink (its target does not exist)';
  return `unreadable symlink (${code})`;
}

/** `path.join(dir, name)` for a normalised `dir` and a name `readdir` listed (never `.`, `..` or containing a separator). */
function childPath(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/**
 * Every .txt/.md file under the seeds folder, each real file once. The real tree is walked first and symlinks
 * after it, so a link never shadows the file or folder it points to: the real path is kept and the link is
 * reported ("same file as …"). Symlinks are followed only when they stay inside the folder. A folder that can't
 * be read is reported by name and skipped, like a file.
 */
async function listSeedFiles(seedsDir: string, skipped: SkippedSeed[], rootDir: string): Promise<string[]> {
  const realRoot = await fs.realpath(seedsDir);
  const source = (file: string) => toSource(rootDir, file);
  /** Real path → the path it is read from; real folder → the path it was walked as. */
  const files = new Map<string, string>();
  const folders = new Map<string, string>();
  const links: string[] = [];

  async function walk(dir: string, realDir: string): Promise<void> {
    folders.set(realDir, dir);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ source: source(dir), reason: `unreadable folder (${errorCode(error)})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = childPath(dir, entry.name);
      if (entry.isSymbolicLink()) links.push(full);
      else if (entry.isDirectory()) await walk(full, childPath(realDir, entry.name));
      else if (entry.isFile() && formatOf(entry.name)) {
        files.set(childPath(realDir, entry.name), full);
      }
    }
  }

  async function follow(link: string): Promise<void> {
    let target: string;
    let stat;
    try {
      target = await fs.realpath(link);
      stat = await fs.stat(link);
    } catch (error) {
      skipped.push({ source: source(link), reason: unresolvedLinkReason(error) });
      return;
    }
    if (!isInside(realRoot, target)) {
      skipped.push({ source: source(link), reason: 'symlink points outside the seeds folder' });
      return;
    }
    if (stat.isDirectory()) {
      const realParent = await fs.realpath(path.dirname(link));
      const walkedAs = folders.get(target);
      if (isInside(target, realParent)) {
        skipped.push({ source: source(link), reason: `symlink loop (leads back to ${source(walkedAs ?? target)})` });
      } else if (walkedAs !== undefined) {
        skipped.push({ source: source(link), reason: `same folder as ${source(walkedAs)}, which is read instead` });
      } else {
        await walk(link, target);
      }
      return;
    }
    if (!stat.isFile() || !formatOf(link)) return;
    const readAs = files.get(target);
    if (readAs !== undefined) {
      skipped.push({ source: source(link), reason: `same file as ${source(readAs)}, which is read instead` });
      return;
    }
    files.set(target, link);
  }

  // Normalised once, so that joining a listed name to its folder is a concatenation (path.join normalises the
  // whole path again for each of thousands of files).
  await walk(path.normalize(seedsDir), realRoot);
  // Links found while walking linked folders are appended, and followed in turn.
  for (let i = 0; i < links.length; i++) await follow(links[i]);
  return [...files.values()];
}

/** A seed file found by `scanSeeds()`: where it is and what its bytes are, nothing parsed. */
export interface SeedFile {
  source: string;
  /** Path as read (the link's path when reached through an inside symlink). */
  file: string;
  sha256: string;
  bytes: number;
}

export interface SeedFileScan {
  files: SeedFile[];
  /** Files refused before parsing (empty, too large, symlink trouble, unreadable). */
  skipped: SkippedSeed[];
}

/** Why a file of `size` bytes is refused before it is read, or null. */
function sizeRefusal(size: number, maxBytes: number): string | null {
  if (size === 0) return EMPTY;
  if (size > maxBytes) return tooLarge(size, maxBytes);
  return null;
}

const EMPTY = 'empty file';
function tooLarge(size: number, maxBytes: number): string {
  return `larger than SEED_MAX_BYTES (${size} > ${maxBytes} bytes)`;
}

/** Reads one listed file if the cheap checks pass; a refusal goes to `skipped`. */
async function readChecked(file: string, source: string, maxBytes: number, skipped: SkippedSeed[]): Promise<Buffer | null> {
  try {
    const stat = await fs.stat(file);
    const refused = sizeRefusal(stat.size, maxBytes);
    if (refused) {
      skipped.push({ source, reason: refused });
      return null;
    }
    return await fs.readFile(file);
  } catch (error) {
    skipped.push({ source, reason: `unreadable (${errorCode(error)})` });
    return null;
  }
}

/** Seed files are read and hashed in pieces of this size, so a large one never holds the event loop for long. */
const HASH_PIECE_BYTES = 1024 * 1024;

type HashedSeed = { sha256: string; bytes: number; stat: Stats } | { reason: string };

/**
 * The sha256 of one listed file, or why it is refused (the reasons `readChecked` gives, in its order: size
 * first). Synchronous calls, in pieces, into `scratch`: `scanSeeds` runs them in time slices. Opened
 * non-blocking and checked with `fstat` on the open file, so a FIFO put in a file's place can't hang the read;
 * that `fstat` is the one the hash is remembered under, taken before the bytes are read (the cache's rule).
 */
function* hashSeedFile(file: string, maxBytes: number, scratch: Buffer): Generator<void, HashedSeed> {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { reason: statRefusal(file, maxBytes) ?? `unreadable (${errorCode(error)})` };
  }
  try {
    const stat = fstatSync(fd);
    const refused = sizeRefusal(stat.size, maxBytes);
    if (refused) return { reason: refused };
    if (!stat.isFile()) return { reason: 'unreadable (not a regular file)' };
    const hash = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const read = readSync(fd, scratch, 0, scratch.byteLength, null);
      if (read === 0) break;
      bytes += read;
      if (bytes > maxBytes) return { reason: tooLarge(bytes, maxBytes) };
      hash.update(scratch.subarray(0, read));
      // A short read of a regular file is its end: no second call to hear it (a file still growing is hashed as it was).
      if (read < scratch.byteLength && bytes === stat.size) break;
      yield;
    }
    if (bytes === 0) return { reason: EMPTY };
    return { sha256: hash.digest('hex'), bytes, stat };
  } catch (error) {
    return { reason: `unreadable (${errorCode(error)})` };
  } finally {
    closeSync(fd);
  }
}

/** The size refusal of a file that could not be opened, when `stat` can still see it (an unreadable empty file is "empty"). */
function statRefusal(file: string, maxBytes: number): string | null {
  try {
    return sizeRefusal(statSync(file).size, maxBytes);
  } catch {
    return null;
  }
}

/** Names seed files as `toSource` does, without `path.relative` for each of thousands of files under the seeds folder. */
function sourceNamer(rootDir: string, seedsDir: string): (file: string) => string {
  const prefix = seedsDir.endsWith(path.sep) ? seedsDir : seedsDir + path.sep;
  const base = toSource(rootDir, seedsDir);
  if (base === '' || base.startsWith('..') || path.isAbsolute(base)) return (file) => toSource(rootDir, file);
  const forward = path.sep === '/' ? (rest: string) => rest : (rest: string) => rest.split(path.sep).join('/');
  return (file) => (file.startsWith(prefix) ? `${base}/${forward(file.slice(prefix.length))}` : toSource(rootDir, file));
}

/**
 * The seed files with their sha256 and size, without parsing any of them: cheap enough to run at every start
 * to decide whether the saved store is still current. A file listed here may still be refused by
 * `loadSeeds()` (not valid UTF-8, a corrupt PDF), which then reports it in its own `skipped`.
 *
 * Each file is a `stat` (and, unless the hash cache knows it, a read), made synchronously in slices of a few
 * milliseconds with the event loop let run between them: 3,746 files cost ~10 ms of `stat` calls this way, ~50 ms
 * through libuv's thread pool, and ~45 ms read and hashed against ~270 ms.
 */
export async function scanSeeds(seedsDir: string, maxBytes: number, rootDir = process.cwd(), hashes?: SeedHashCache): Promise<SeedFileScan> {
  const skipped: SkippedSeed[] = [];
  const files: SeedFile[] = [];
  try {
    await fs.access(seedsDir);
  } catch {
    return { files, skipped: [{ source: toSource(rootDir, seedsDir), reason: 'seeds folder not found' }] };
  }
  const listed = await listSeedFiles(seedsDir, skipped, rootDir);
  const sourceOf = sourceNamer(rootDir, seedsDir);
  const scratch = Buffer.allocUnsafeSlow(HASH_PIECE_BYTES);
  const slice = new TimeSlice();
  for (const file of listed) {
    if (slice.due()) await slice.pause();
    const source = sourceOf(file);
    // A file the cache has never seen is opened straight away: its `fstat` is the one that counts.
    if (hashes?.knows(file)) {
      const stat = statOrNull(file);
      const known = stat?.isFile() && stat.size > 0 && stat.size <= maxBytes ? hashes.lookup(file, stat) : undefined;
      if (stat && known) {
        files.push({ source, file, sha256: known, bytes: stat.size });
        continue;
      }
    }
    const reading = hashSeedFile(file, maxBytes, scratch);
    let step = reading.next();
    for (; !step.done; step = reading.next()) {
      if (slice.due()) await slice.pause();
    }
    const read = step.value;
    if ('reason' in read) {
      skipped.push({ source, reason: read.reason });
      continue;
    }
    if (read.bytes === read.stat.size) hashes?.remember(file, read.stat, read.sha256);
    files.push({ source, file, sha256: read.sha256, bytes: read.bytes });
  }
  if (hashes) {
    hashes.keepOnly(new Set(listed));
    await hashes.save();
  }
  return { files, skipped };
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

/**
 * A seed whose bytes the caller already has the document of (the store being updated in place has its text,
 * metadata and sentences): listed in its place, not read or parsed again.
 */
export interface KeptSeed {
  source: string;
  sha256: string;
  kept: true;
}

export function isKeptSeed(document: SeedDocument | KeptSeed): document is KeptSeed {
  return 'kept' in document && document.kept === true;
}

/** Reads the briefing. A bad file is reported in `skipped` and never stops the rest. */
export async function loadSeeds(seedsDir: string, maxBytes: number, rootDir = process.cwd(), maxPages = DEFAULT_MAX_PAGES): Promise<SeedScan> {
  const scan = await loadSeedsKeeping(seedsDir, maxBytes, rootDir, maxPages, new Map());
  return { ...scan, documents: scan.documents.filter((d): d is SeedDocument => !isKeptSeed(d)) };
}

/**
 * `loadSeeds`, except that the files of `keep` (source → the sha256 a scan just found for it) are listed as
 * `KeptSeed`s in their place instead of being read: adding one document to a briefing of thousands reads one file.
 */
export async function loadSeedsKeeping(
  seedsDir: string,
  maxBytes: number,
  rootDir: string,
  maxPages: number,
  keep: ReadonlyMap<string, string>,
): Promise<Omit<SeedScan, 'documents'> & { documents: (SeedDocument | KeptSeed)[] }> {
  const skipped: SkippedSeed[] = [];
  const notices: SkippedSeed[] = [];
  const documents: (SeedDocument | KeptSeed)[] = [];
  try {
    await fs.access(seedsDir);
  } catch {
    return { documents, skipped: [{ source: toSource(rootDir, seedsDir), reason: 'seeds folder not found' }], notices };
  }
  const limits = { maxPages, maxExpandedBytes: maxBytes * ZIP_EXPANSION_FACTOR };
  for (const file of await listSeedFiles(seedsDir, skipped, rootDir)) {
    const source = toSource(rootDir, file);
    const kept = keep.get(source);
    if (kept) {
      documents.push({ source, sha256: kept, kept: true });
      continue;
    }
    const bytes = await readChecked(file, source, maxBytes, skipped);
    if (!bytes) continue;
    const hash = sha256(bytes);
    try {
      const doc = await readSeedDocument(bytes, path.basename(file));
      if (doc.notice) notices.push({ source, reason: doc.notice });
      delete doc.notice;
      documents.push({ ...doc, source, sha256: hash, bytes: bytes.length });
    } catch (error) {
      const reason = error instanceof UnreadableDocument ? error.message : `unreadable (${oneLineMessage(error)})`;
      skipped.push({ source, reason, sha256: hash });
    }
  }
  return { documents, skipped, notices };

  async function readSeedDocument(bytes: Uint8Array, fileName: string) {
    const extracted = await extractTextOffThread(bytes, fileName, limits);
    const metadata = parseMetadata(extracted.content, fileName);
    // The document's own metadata wins over what its first line looks like.
    if (extracted.title) metadata.title = extracted.title;
    if (extracted.date) metadata.date = extracted.date;
    return { ...metadata, content: extracted.content, format: extracted.format, ...(extracted.pageStarts ? { pageStarts: extracted.pageStarts } : {}) };
  }
}

function oneLineMessage(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n', 1)[0].slice(0, 160);
}
