import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { DF_BUCKETS, HashingEmbeddings } from '../embed/hashingEmbeddings.js';
import { KnowledgeBase, type RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex } from '../retrieve/lexicalIndex.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { checksumFiles, checksumMismatch } from './checksum.js';
import { FILES, chunkIdsMatch, decodeChunks, decodeDocuments, decodeIdf, encodeChunks, encodeDocuments, encodeIdf } from './generationFiles.js';
import { isManifest, type StoreManifest } from './manifest.js';
import { readPointVectors } from './pointVectors.js';
import { readIndex, wrapIndex } from './vectorIndex.js';

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
  if (!gen) return null;
  try {
    const manifest: unknown = JSON.parse(await fs.readFile(path.join(gen, FILES.manifest), 'utf8'));
    return isManifest(manifest) ? manifest : null;
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
    fs.writeFile(path.join(dir, FILES.documents), encodeDocuments(kb.documents)),
    fs.writeFile(path.join(dir, FILES.chunks), encodeChunks(kb.chunks, kb.documents, kb.pointOf)),
    idf ? encodeIdf(idf).then((bytes) => fs.writeFile(path.join(dir, FILES.idf), bytes)) : null,
    writeParts(path.join(dir, FILES.lexical), kb.lexical.serializeParts()),
  ]);
  const saved = { ...manifest, files: await checksumFiles(dir, (await fs.readdir(dir)).sort()) };
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
  if (!manifest.files || typeof manifest.files !== 'object') throw new Error('manifest lists no file checksums');
  const damaged = await checksumMismatch(dir, manifest.files);
  if (damaged) throw new Error(damaged);
  return manifest;
}

/**
 * Loads the generation in `dir`: the text comes from the store itself (never from the seed files), chunk text is
 * sliced from it. Throws if anything is missing or inconsistent.
 */
export async function loadGeneration(
  dir: string,
  embeddings: Embeddings,
  options: RetrievalOptions,
  { justWritten = false }: { justWritten?: boolean } = {},
): Promise<{ kb: KnowledgeBase; manifest: StoreManifest }> {
  // A generation this process's build worker has just written and checksummed is not read twice for its checksums.
  const manifest = justWritten ? await readGenerationManifest(dir) : await verifiedManifest(dir);
  const read = (file: string) => fs.readFile(path.join(dir, file), 'utf8');
  const documents = decodeDocuments(await read(FILES.documents));
  const { chunks, pointOf } = decodeChunks(await read(FILES.chunks), documents);
  if (chunks.length !== manifest.chunkCount) throw new Error('chunk list does not match the manifest');
  if (!chunkIdsMatch(chunks)) throw new Error('chunk ids do not match their offsets');
  let model = embeddings;
  if (embeddings instanceof HashingEmbeddings) {
    model = new HashingEmbeddings({ dimensions: embeddings.dimensions, idf: await decodeIdf(await fs.readFile(path.join(dir, FILES.idf)), DF_BUCKETS) });
  }
  const lexical = LexicalIndex.deserialize(await fs.readFile(path.join(dir, FILES.lexical)), chunks.map((c) => c.source), options.lexical ?? DEFAULT_LEXICAL_OPTIONS);
  let index = null;
  let pointVectors = null;
  if (chunks.length > 0) {
    const indexFile = path.join(dir, FILES.index);
    index = await readIndex(indexFile, manifest.embedding.dimensions);
    const known = new Set(index.getIdsList());
    if (!pointOf.every((label) => known.has(label))) throw new Error('vector index does not match the chunk list');
    pointVectors = await readPointVectors(indexFile, manifest.embedding.dimensions, index.getCurrentCount());
    // Checked on a point in use (not one an incremental build marked deleted) against hnswlib itself: a layout
    // it does not recognise is never used.
    if (pointVectors && !sameVector(pointVectors.get(pointOf[0]), index.getPoint(pointOf[0]))) pointVectors = null;
  }
  const kb = new KnowledgeBase(documents, chunks, wrapIndex(index, model), model, options, pointOf, lexical);
  kb.usePointVectors(pointVectors);
  return { kb, manifest };
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
