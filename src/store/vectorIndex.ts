import { createHash } from 'node:crypto';
import type { Embeddings } from '@langchain/core/embeddings';
import type { HierarchicalNSW } from 'hnswlib-node';
import type { Chunk } from '../chunk/chunker.js';
import { vectorBatches } from '../embed/parallelHashing.js';

/**
 * The HNSW index of a briefing's chunk vectors, built whole or carried over from the previous generation.
 *
 * Labels are not chunk indexes: `pointOf[chunk]` is the chunk's label. A full build labels each distinct vector
 * with the first chunk that has it. An incremental build keeps the previous index, keeps the point of every chunk
 * whose text it already had (so only new text is embedded), marks the points no chunk uses any more as deleted,
 * and adds the new ones under fresh labels (hnswlib reuses the deleted slots).
 */
export type ProgressFn = (done: number, total: number) => void;

/** Vectors are embedded in batches so progress can be shown and memory stays flat. */
const EMBED_BATCH = 256;
/**
 * hnswlib's ef at construction. 100, not LangChain's 200: insertion costs roughly in proportion, and on the
 * training sets (`src/bench/denseLegStudy.ts`, 1,000 questions) the hybrid's MRR@10 (0.7879) and its top 5 (99.9%
 * the same as ef 200) did not move; dense recall@10 at ef 10 on a 10k-chunk bench corpus 0.990 → 0.989.
 */
export const HNSW_EF_CONSTRUCTION = 100;
/** Fixed, so the same briefing gives the same graph (hnswlib's default seed is also 100). */
const HNSW_SEED = 100;

export interface BuiltVectors {
  /** null for an empty briefing. */
  index: HierarchicalNSW | null;
  pointOf: Int32Array;
  /** Chunks whose vectors were computed in this build, and those carried over. */
  embedded: number;
  reused: number;
}

/** What an incremental build starts from: the previous index, and the label of each chunk text it holds. */
export interface PreviousVectors {
  index: HierarchicalNSW;
  labelOfText: Map<string, number>;
}

/**
 * hnswlib-node itself, loaded on first use. LangChain's HNSWLib wrapper held the index and nothing else of ours
 * (no docstore since store format 4), and loading it cost the bot ~28 MB (@langchain/community's vector store
 * module pulls in langsmith and a second zod); the plain LangChain pipeline in `npm run bench` still uses it.
 */
async function hnswlib(): Promise<typeof import('hnswlib-node')> {
  const module = (await import('hnswlib-node')) as typeof import('hnswlib-node') & { default?: typeof import('hnswlib-node') };
  return module.default ?? module;
}

export async function newIndex(dimensions: number, capacity: number, m: number): Promise<HierarchicalNSW> {
  const { HierarchicalNSW } = await hnswlib();
  const index = new HierarchicalNSW('cosine', dimensions);
  // allowReplaceDeleted: an incremental build puts new points into the slots of deleted ones.
  index.initIndex(Math.max(1, capacity), m, HNSW_EF_CONSTRUCTION, HNSW_SEED, true);
  return index;
}

export async function readIndex(file: string, dimensions: number): Promise<HierarchicalNSW> {
  const { HierarchicalNSW } = await hnswlib();
  const index = new HierarchicalNSW('cosine', dimensions);
  await index.readIndex(file, true);
  return index;
}

/** hnswlib keeps float32: vectors equal at that precision are the same point. */
function vectorKey(vector: number[]): string {
  return createHash('sha1').update(Float32Array.from(vector)).digest('base64');
}

/**
 * Embeds each text that has no point yet, once (a repeated text costs no second embedding call), and adds each
 * distinct vector once: hnswlib's insertion turns quadratic when many points are exactly equal.
 */
export async function buildVectors(
  chunks: Chunk[],
  embeddings: Embeddings,
  m: number,
  onProgress?: ProgressFn,
  previous?: PreviousVectors,
): Promise<BuiltVectors> {
  const pointOf = new Int32Array(chunks.length).fill(-1);
  // Texts to embed: the first chunk with each new text; later chunks with the same text follow it.
  const firstWithText = new Map<string, number>();
  const toEmbed: number[] = [];
  let reused = 0;
  chunks.forEach((chunk, i) => {
    const kept = previous?.labelOfText.get(chunk.text);
    if (kept !== undefined) {
      pointOf[i] = kept;
      reused++;
      return;
    }
    if (!firstWithText.has(chunk.text)) {
      firstWithText.set(chunk.text, i);
      toEmbed.push(i);
    }
  });

  let index = previous?.index ?? null;
  let nextLabel = 0;
  if (index && previous) {
    const live = new Set(pointOf);
    const labels = index.getIdsList();
    for (const label of labels) {
      nextLabel = Math.max(nextLabel, label + 1);
      if (!live.has(label)) {
        try {
          index.markDelete(label);
        } catch {
          // already deleted in an earlier build
        }
      }
    }
    const needed = index.getCurrentCount() + toEmbed.length;
    if (needed > index.getMaxElements()) index.resizeIndex(needed);
  }

  const labelOfVector = new Map<string, number>();
  onProgress?.(0, toEmbed.length);
  let done = 0;
  // Batches may be computed on a second thread while this one inserts the previous ones (parallelHashing.ts).
  for await (const vectors of vectorBatches(embeddings, toEmbed.map((i) => chunks[i].text), EMBED_BATCH)) {
    const batch = toEmbed.slice(done, done + vectors.length);
    done += vectors.length;
    // Made here, at full capacity and with our M (LangChain's addVectors would use hnswlib's defaults).
    index ??= await newIndex(vectors[0].length, toEmbed.length, m);
    vectors.forEach((vector, j) => {
      const chunk = batch[j];
      const key = vectorKey(vector);
      const same = labelOfVector.get(key);
      if (same !== undefined) {
        pointOf[chunk] = same;
        return;
      }
      const label = previous ? nextLabel++ : chunk;
      labelOfVector.set(key, label);
      pointOf[chunk] = label;
      index!.addPoint(vector, label, true);
    });
    onProgress?.(done, toEmbed.length);
    // Let the bot answer (and the progress bar draw) between batches when this runs on the main thread.
    await new Promise((resolve) => setImmediate(resolve));
  }
  chunks.forEach((chunk, i) => {
    if (pointOf[i] < 0) pointOf[i] = pointOf[firstWithText.get(chunk.text)!];
  });
  return { index, pointOf, embedded: toEmbed.length, reused };
}

/** What the knowledge base keeps of the vector side: the hnswlib index (none for an empty briefing). */
export interface DenseIndex {
  readonly index: HierarchicalNSW;
}

export function wrapIndex(index: HierarchicalNSW | null): DenseIndex {
  return {
    get index(): HierarchicalNSW {
      if (!index) throw new Error('the briefing is empty: it has no vector index');
      return index;
    },
  };
}
