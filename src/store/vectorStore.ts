import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { DF_BUCKETS, HashingEmbeddings } from '../embed/hashingEmbeddings.js';
import { KnowledgeBase, type RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex } from '../retrieve/lexicalIndex.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { checksumFiles, checksumMismatch, readWhole, sizeMismatch, type FileChecksum } from './checksum.js';
import { decodeDocumentsFile, encodeDocumentsFile } from './documentsFile.js';
import { FILES, chunkIdsMatch, decodeChunksSliced, decodeIdf, encodeChunks, encodeIdf } from './generationFiles.js';
import { isManifest, type StoreManifest } from './manifest.js';
import { keepsPointVectors, parsePointVectors, pointVectorsOnDisk } from './pointVectors.js';
import { readIndex, wrapIndex } from './vectorIndex.js';
import { startVerifiedReads } from './verifiedReads.js';
import { structureChecksum } from './indexStructure.js';

/**
 * On disk, `vectorstore/` holds generations: `gen-*` folders, each a complete store (the hnswlib index, the
 * documents' text and chunk offsets, the BM25 index as `lexical.bin`, the manifest: see `generationFiles.ts`), and `CURRENT`, naming the one in
 * use. A build writes a new generation under a temporary name, renames it, then swaps `CURRENT` atomically: a
 * crash mid-build leaves the old store in use, and a reader never sees half a store. Rebuilds hold a
 * cross-process lock (`rebuildLock.ts`); pruning never removes the generation `CURRENT` names, nor one switched
 * away from (or written) less than `PRUNE_GRACE_MS` ago, which another process may still be loading.
 */
const CURRENT = 'CURRENT';
/** A generation stays at least this long after `CURRENT` stops naming it (its folder's mtime is set at the switch). */
export const PRUNE_GRACE_MS = 60_000;

export async function currentGeneration(storeDir: string): Promise<string | null> {
  try {
    const name = (await fs.readFile(path.join(storeDir, CURRENT), 'utf8')).trim();
    return /^gen-[\w-]+$/.test(name) ? path.join(storeDir, name) : null;
  } catch {
    return null;
  }
}

export async function readManifest(storeDir: string): Promise<StoreManifest | null> {
  const gen = await currentGeneration(storeDir);
  return gen ? generationManifest(gen) : null;
}

/** The manifest of the generation in `dir`, or null when it is missing or malformed. */
export async function generationManifest(dir: string): Promise<StoreManifest | null> {
  try {
    return await readGenerationManifest(dir);
  } catch {
    return null;
  }
}

/** Saves `kb` as a new generation and makes it current; returns the manifest as saved (with file checksums) and the folder. */
export async function saveStore(storeDir: string, kb: KnowledgeBase, manifest: StoreManifest): Promise<{ manifest: StoreManifest; dir: string }> {
  await fs.mkdir(storeDir, { recursive: true });
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const temp = path.join(storeDir, `.tmp-gen-${id}`);
  const final = path.join(storeDir, `gen-${id}`);
  try {
    await fs.mkdir(temp);
    manifest = await writeGeneration(temp, kb, manifest);
    await fs.rename(temp, final);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  // The generation being switched away from starts its grace period now: a process may be loading it.
  const previous = await currentGeneration(storeDir);
  if (previous) {
    const now = new Date();
    await fs.utimes(previous, now, now).catch(() => undefined);
  }
  try {
    await writeFileAtomic(path.join(storeDir, CURRENT), `gen-${id}\n`);
  } catch (error) {
    await fs.rm(final, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  await pruneGenerations(storeDir);
  return { manifest, dir: final };
}

/** Writes `kb`'s files into the empty folder `dir`, the manifest last, listing every other file with its checksum. */
export async function writeGeneration(dir: string, kb: KnowledgeBase, manifest: StoreManifest): Promise<StoreManifest> {
  const idf = kb.embeddings instanceof HashingEmbeddings ? kb.embeddings.idf : undefined;
  // Written side by side: hnswlib writes its index on a thread of its own meanwhile.
  await Promise.all([
    kb.size > 0 ? kb.vectors.index.writeIndex(path.join(dir, FILES.index)) : null,
    fs.writeFile(path.join(dir, FILES.documents), encodeDocumentsFile(kb.documents)),
    fs.writeFile(path.join(dir, FILES.chunks), encodeChunks(kb.chunks, kb.documents, kb.pointOf)),
    idf ? encodeIdf(idf).then((bytes) => fs.writeFile(path.join(dir, FILES.idf), bytes)) : null,
    writeParts(path.join(dir, FILES.lexical), kb.lexical.serializeParts()),
  ]);
  const files = await checksumFiles(dir, (await fs.readdir(dir)).sort());
  const structure = files[FILES.index] ? await structureChecksum(path.join(dir, FILES.index)) : null;
  if (structure) files[FILES.index].structure = structure;
  const saved = { ...manifest, files };
  await fs.writeFile(path.join(dir, FILES.manifest), JSON.stringify(saved, null, 2));
  return saved;
}

/**
 * Old generations and abandoned temporary builds. A process that loaded one keeps it in memory. `CURRENT` is
 * read here, not assumed: if another process switched it meanwhile, its generation is the one kept.
 */
export async function pruneGenerations(storeDir: string, graceMs = PRUNE_GRACE_MS): Promise<void> {
  const current = await currentGeneration(storeDir);
  if (!current) return; // without a readable CURRENT nothing is known to be unused
  const keep = path.basename(current);
  const entries = await fs.readdir(storeDir).catch(() => [] as string[]);
  for (const name of entries) {
    const isGen = name.startsWith('gen-') && name !== keep;
    const isTemp = name.startsWith('.tmp-gen-');
    if (!isGen && !isTemp) continue;
    // Another process may be building (temporaries: an hour) or loading (generations: the grace period) right now.
    const stat = await fs.stat(path.join(storeDir, name)).catch(() => null);
    if (!stat) continue;
    if (Date.now() - stat.mtimeMs < (isTemp ? 60 * 60 * 1000 : graceMs)) continue;
    // Checked again just before removing: never the generation CURRENT names.
    if (isGen && (await currentGeneration(storeDir)) === path.join(storeDir, name)) continue;
    await fs.rm(path.join(storeDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Loads the current generation. Throws if anything is missing or inconsistent. */
export async function loadStore(storeDir: string, embeddings: Embeddings, options: RetrievalOptions): Promise<{ kb: KnowledgeBase; manifest: StoreManifest }> {
  const gen = await currentGeneration(storeDir);
  if (!gen) throw new Error('no current store');
  return loadGeneration(gen, embeddings, options);
}

async function readGenerationManifest(dir: string): Promise<StoreManifest> {
  const manifest: unknown = JSON.parse(await fs.readFile(path.join(dir, FILES.manifest), 'utf8'));
  if (!isManifest(manifest)) throw new Error('manifest is malformed');
  return manifest;
}

/** The manifest of the generation in `dir`, after checking that every file it lists is there, whole and undamaged. */
export async function verifiedManifest(dir: string): Promise<StoreManifest> {
  const manifest = await readGenerationManifest(dir);
  // Before anything is parsed or handed to hnswlib: a damaged index file can crash the process natively.
  const damaged = await checksumMismatch(dir, listedFiles(manifest));
  if (damaged) throw new Error(damaged);
  return manifest;
}

/** What `loadGeneration` checks the files against: the manifest's list, which must name every file read. */
function listedFiles(manifest: StoreManifest): Record<string, FileChecksum> {
  if (!manifest.files || typeof manifest.files !== 'object') throw new Error('manifest lists no file checksums');
  return manifest.files;
}

export interface LoadOptions {
  /** Written and checksummed by this process's build worker a moment ago: not checksummed again. */
  justWritten?: boolean;
  /** The generation's manifest, already read by the caller: not read again. */
  manifest?: StoreManifest;
  /** Stops the load (it throws the signal's reason) at its next step once aborted: a load started ahead of need. */
  signal?: AbortSignal;
}

/**
 * Loads the generation in `dir`: the text comes from the store itself (never from the seed files), chunk text is
 * sliced from it. Throws if anything is missing or inconsistent.
 *
 * Each file is read once: its bytes are checked against the manifest and decoded from the same buffer. hnswlib
 * reads the index file itself (it takes no buffer), on its own thread, as soon as that file's checksum has
 * passed, while the other files are checked and decoded here; no file is parsed, nor handed to hnswlib (a damaged
 * index can crash the process natively), before its checksum has passed. Long decodes run in slices between
 * turns of the event loop.
 */
export async function loadGeneration(
  dir: string,
  embeddings: Embeddings,
  options: RetrievalOptions,
  { justWritten = false, manifest: known, signal }: LoadOptions = {},
): Promise<{ kb: KnowledgeBase; manifest: StoreManifest }> {
  const manifest = known ?? (await readGenerationManifest(dir));
  const hasIndex = manifest.chunkCount > 0;
  const wantsIdf = embeddings instanceof HashingEmbeddings;
  // In the order they are needed: the text first (decoded while the rest is checked), the index (which hnswlib
  // reads meanwhile) last.
  const names = [FILES.documents, FILES.chunks, ...(wantsIdf ? [FILES.idf] : []), FILES.lexical, ...(hasIndex ? [FILES.index] : [])];
  const files = readGenerationFiles(dir, names, justWritten ? null : listedFiles(manifest));
  signal?.addEventListener('abort', files.stop, { once: true });
  try {
    return await decodeGeneration(dir, manifest, files, embeddings, options, signal);
  } finally {
    files.stop();
  }
}

/** How `loadGeneration` gets each file's bytes: checked against the manifest, unless just written. */
interface GenerationFiles {
  /** The file's bytes; for the index, null when it is too large to keep (it is checked all the same). */
  bytes(name: string): Promise<Buffer | null>;
  /** Resolves once hnswlib may read the index file: its structure checked (or the whole file, for a manifest without that checksum). */
  indexReadable(): Promise<void>;
  stop(): void;
}

/**
 * Starts reading `names` of `dir`. With checksums (`files`), on the verified-reads thread, after a size check
 * that finds a truncated or replaced file without reading anything; without (a generation this process's build
 * worker has just written and checksummed), read here, unchecked.
 */
function readGenerationFiles(dir: string, names: string[], files: Record<string, FileChecksum> | null): GenerationFiles {
  const keep = (name: string, size: number) => name !== FILES.index || keepsPointVectors(size);
  if (!files) {
    const reads = new Map(
      names.map((name) => {
        return [name, settle(fs.stat(path.join(dir, name)).then(async ({ size }) => (keep(name, size) ? readWhole(path.join(dir, name), size) : null)))];
      }),
    );
    return { bytes: (name) => reads.get(name)!, indexReadable: async () => undefined, stop: () => undefined };
  }
  const wants = names.map((name) => {
    const want = files[name];
    if (!want) throw new Error(`manifest lists no checksum for ${name}`);
    // The text, chunk table and IDF table are decoded first and are small: read here, so their decoding starts
    // while the thread that checks the BM25 and vector files is still starting.
    return { name, want, keep: keep(name, want.bytes), here: name === FILES.documents || name === FILES.chunks || name === FILES.idf };
  });
  const sizes = sizeMismatch(dir, files).then((why) => {
    if (why) throw new Error(why);
  });
  const reads = startVerifiedReads(dir, wants);
  const kept = new Map(wants.map((w) => [w.name, w.keep]));
  const bytes = async (name: string) => {
    await sizes;
    const read = await reads.file(name);
    return kept.get(name) ? read : null;
  };
  const structure = files[FILES.index]?.structure;
  const indexStructure = structure
    ? settle(
        structureChecksum(path.join(dir, FILES.index)).then((actual) => {
          if (actual !== structure) throw new Error(`${FILES.index} structure checksum mismatch`);
        }),
      )
    : null;
  return {
    bytes,
    indexReadable: async () => {
      await sizes;
      await (indexStructure ?? bytes(FILES.index));
    },
    stop: reads.stop,
  };
}

async function decodeGeneration(
  dir: string,
  manifest: StoreManifest,
  files: GenerationFiles,
  embeddings: Embeddings,
  options: RetrievalOptions,
  signal: AbortSignal | undefined,
): Promise<{ kb: KnowledgeBase; manifest: StoreManifest }> {
  const dimensions = manifest.embedding.dimensions;
  const required = async (name: string): Promise<Buffer> => (await files.bytes(name)) ?? Buffer.alloc(0);
  // hnswlib reads the index as soon as it may (see `indexStructure.ts`); the index is used once the whole file
  // has passed its checksum too.
  const indexRead =
    manifest.chunkCount > 0
      ? settle(
          files.indexReadable().then(async () => {
            const [index, bytes] = await Promise.all([readIndex(path.join(dir, FILES.index), dimensions), files.bytes(FILES.index)]);
            return { index, bytes };
          }),
        )
      : null;
  const documentsBytes = settle(required(FILES.documents));
  const chunksBytes = settle(required(FILES.chunks));
  const idfBytes = embeddings instanceof HashingEmbeddings ? settle(required(FILES.idf)) : null;
  const lexicalBytes = settle(required(FILES.lexical));

  const documents = await decodeDocumentsFile(await documentsBytes, signal);
  const { chunks, pointOf } = await decodeChunksSliced((await chunksBytes).toString('utf8'), documents, signal);
  if (chunks.length !== manifest.chunkCount) throw new Error('chunk list does not match the manifest');
  if (!chunkIdsMatch(chunks)) throw new Error('chunk ids do not match their offsets');
  let model = embeddings;
  if (embeddings instanceof HashingEmbeddings && idfBytes) {
    model = new HashingEmbeddings({ dimensions: embeddings.dimensions, idf: await decodeIdf(await idfBytes, DF_BUCKETS) });
  }
  const lexicalFile = await lexicalBytes;
  signal?.throwIfAborted();
  const lexical = LexicalIndex.deserialize(lexicalFile, chunks.map((c) => c.source), options.lexical ?? DEFAULT_LEXICAL_OPTIONS);
  let index = null;
  let pointVectors = null;
  if (indexRead) {
    const opened = await indexRead;
    signal?.throwIfAborted();
    index = opened.index;
    const known = new Set(index.getIdsList());
    if (!pointOf.every((label) => known.has(label))) throw new Error('vector index does not match the chunk list');
    pointVectors = opened.bytes ? parsePointVectors(opened.bytes, dimensions) : null;
    // Checked on a point in use (not one an incremental build marked deleted) against hnswlib itself: a layout
    // it does not recognise is never used.
    if (pointVectors && !sameVector(pointVectors.get(pointOf[0]), index.getPoint(pointOf[0]))) pointVectors = null;
  }
  const kb = new KnowledgeBase(documents, chunks, wrapIndex(index), model, options, pointOf, lexical);
  kb.usePointVectors(pointVectors);
  if (index && !pointVectors) {
    // Over the memory budget: the vectors are read from the file when needed, once its labels are collected in
    // the background (until then, and if the file's layout is not recognised, search uses hnswlib's getPoint).
    const [live, hnsw] = [pointOf[0], index];
    kb.usePointVectorsWhenReady(
      pointVectorsOnDisk(path.join(dir, FILES.index), dimensions).then(
        (onDisk) => (onDisk && sameVector(onDisk.get(live), hnsw.getPoint(live)) ? onDisk : null),
        () => null,
      ),
    );
  }
  return { kb, manifest };
}

/** `promise`, with its rejection marked as handled: it is awaited later, and may fail before anyone does. */
function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function sameVector(a: Float32Array | undefined, b: number[]): boolean {
  return !!a && a.length === b.length && a.every((v, i) => v === Math.fround(b[i]));
}

/** Writes `parts` one after another into a new file (no second copy of a large index in memory). */
async function writeParts(file: string, parts: Uint8Array[]): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    for (const part of parts) {
      for (let at = 0; at < part.byteLength; ) {
        const { bytesWritten } = await handle.write(part, at, part.byteLength - at);
        at += bytesWritten;
      }
    }
  } finally {
    await handle.close();
  }
}
