import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { Chunk, IndexedDocument } from '../chunk/chunker.js';
import { HashingEmbeddings, deserializeIdf, serializeIdf } from '../embed/hashingEmbeddings.js';
import { KnowledgeBase, type RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex } from '../retrieve/lexicalIndex.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { checksumFiles, checksumMismatch } from './checksum.js';
import { isManifest, type StoreManifest } from './manifest.js';

/**
 * On disk, `vectorstore/` holds generations: `gen-*` folders, each a complete store (LangChain HNSWLib files,
 * our chunks and documents, the BM25 index as `lexical.bin`, the manifest), and `CURRENT`, naming the one in
 * use. A build writes a new generation under a temporary name, renames it, then swaps `CURRENT` atomically: a
 * crash mid-build leaves the old store in use, and a reader never sees half a store. Rebuilds hold a
 * cross-process lock (`rebuildLock.ts`); pruning never removes the generation `CURRENT` names, nor one switched
 * away from (or written) less than `PRUNE_GRACE_MS` ago, which another process may still be loading.
 */
const CURRENT = 'CURRENT';
/** A generation stays at least this long after `CURRENT` stops naming it (its folder's mtime is set at the switch). */
export const PRUNE_GRACE_MS = 60_000;
const FILES = { manifest: 'manifest.json', chunks: 'chunks.json', documents: 'documents.json', idf: 'idf.json', shared: 'shared-points.json', lexical: 'lexical.bin' };

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

/** Chunks that share another chunk's HNSW point, as [chunk, label] pairs (most briefings have none). */
function sharedPoints(kb: KnowledgeBase): [number, number][] {
  const pairs: [number, number][] = [];
  kb.pointOf.forEach((label, i) => {
    if (label !== i) pairs.push([i, label]);
  });
  return pairs;
}

/** Saves `kb` as a new generation and makes it current; returns the manifest as saved (with file checksums). */
export async function saveStore(storeDir: string, kb: KnowledgeBase, manifest: StoreManifest): Promise<StoreManifest> {
  await fs.mkdir(storeDir, { recursive: true });
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const temp = path.join(storeDir, `.tmp-gen-${id}`);
  const final = path.join(storeDir, `gen-${id}`);
  try {
    await fs.mkdir(temp);
    if (kb.size > 0) await kb.vectors.save(temp);
    // Documents are stored without their content: it is re-read from the seeds, which the manifest hashes.
    const documents = kb.documents.map(({ content: _content, ...rest }) => rest);
    await fs.writeFile(path.join(temp, FILES.chunks), JSON.stringify(kb.chunks));
    await fs.writeFile(path.join(temp, FILES.documents), JSON.stringify(documents));
    if (kb.embeddings instanceof HashingEmbeddings && kb.embeddings.idf) {
      await fs.writeFile(path.join(temp, FILES.idf), JSON.stringify(serializeIdf(kb.embeddings.idf)));
    }
    await fs.writeFile(path.join(temp, FILES.shared), JSON.stringify(sharedPoints(kb)));
    await writeParts(path.join(temp, FILES.lexical), kb.lexical.serializeParts());
    // The manifest is written last and lists every other file with its checksum.
    manifest = { ...manifest, files: await checksumFiles(temp, (await fs.readdir(temp)).sort()) };
    await fs.writeFile(path.join(temp, FILES.manifest), JSON.stringify(manifest, null, 2));
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
  return manifest;
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

/**
 * Loads the current generation. `contents` gives each document's text (from the seeds just read), so
 * offsets are checked against the real files. Throws if anything is missing or inconsistent.
 */
export async function loadStore(
  storeDir: string,
  embeddings: Embeddings,
  contents: Map<string, string>,
  options: RetrievalOptions,
): Promise<{ kb: KnowledgeBase; manifest: StoreManifest }> {
  const gen = await currentGeneration(storeDir);
  if (!gen) throw new Error('no current store');
  const read = async (file: string) => JSON.parse(await fs.readFile(path.join(gen, file), 'utf8')) as unknown;
  const manifest = await read(FILES.manifest);
  if (!isManifest(manifest)) throw new Error('manifest is malformed');
  // Before anything is parsed or handed to hnswlib: a damaged index file can crash the process natively.
  if (!manifest.files || typeof manifest.files !== 'object') throw new Error('manifest lists no file checksums');
  const damaged = await checksumMismatch(gen, manifest.files);
  if (damaged) throw new Error(damaged);
  const chunks = (await read(FILES.chunks)) as Chunk[];
  const docMeta = (await read(FILES.documents)) as Omit<IndexedDocument, 'content'>[];
  if (!Array.isArray(chunks) || chunks.length !== manifest.chunkCount) throw new Error('chunk list does not match the manifest');
  const documents: IndexedDocument[] = docMeta.map((d) => {
    const content = contents.get(d.source);
    if (content === undefined) throw new Error(`document ${d.source} is missing`);
    return { ...d, content };
  });
  for (const c of chunks) {
    if (contents.get(c.source)?.slice(c.start, c.end) !== c.text) throw new Error(`chunk ${c.id} does not match its source`);
  }
  let model = embeddings;
  if (embeddings instanceof HashingEmbeddings) {
    const idf = deserializeIdf((await read(FILES.idf)) as { documents: number; df: string });
    model = new HashingEmbeddings({ dimensions: embeddings.dimensions, idf });
  }
  const pointOf = readPointOf(await read(FILES.shared), chunks.length);
  // The saved BM25 index (checked above with the other files); a generation saved without one builds it here.
  const lexical = FILES.lexical in manifest.files
    ? LexicalIndex.deserialize(await fs.readFile(path.join(gen, FILES.lexical)), chunks.map((c) => c.source), options.lexical ?? DEFAULT_LEXICAL_OPTIONS)
    : undefined;
  let vectors: HNSWLib;
  if (chunks.length > 0) {
    vectors = await HNSWLib.load(gen, model);
    if (vectors.index.getCurrentCount() !== new Set(pointOf).size) throw new Error('vector index does not match the chunk list');
    if (vectors.index.getNumDimensions() !== manifest.embedding.dimensions) throw new Error('vector index dimensions do not match the manifest');
  } else {
    vectors = new HNSWLib(model, { space: 'cosine', numDimensions: 1 });
  }
  return { kb: new KnowledgeBase(documents, chunks, vectors, model, options, pointOf, lexical), manifest };
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

/** Every chunk's HNSW label from the saved [chunk, label] pairs; a label is always a chunk that is its own point. */
function readPointOf(pairs: unknown, chunkCount: number): Int32Array {
  const pointOf = Int32Array.from({ length: chunkCount }, (_, i) => i);
  if (!Array.isArray(pairs)) throw new Error('shared points are malformed');
  const valid = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) < chunkCount;
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || !valid(pair[0]) || !valid(pair[1]) || pair[1] >= pair[0]) throw new Error('shared points are malformed');
    pointOf[pair[0]] = pair[1];
  }
  for (const label of pointOf) if (pointOf[label] !== label) throw new Error('shared points are malformed');
  return pointOf;
}
