import { isMainThread } from 'node:worker_threads';
import type { Embeddings } from '@langchain/core/embeddings';
import { chunkDocument, type Chunk, type ChunkingOptions, type IndexedDocument } from '../chunk/chunker.js';
import { HashingEmbeddings } from '../embed/hashingEmbeddings.js';
import { LexicalIndex, DEFAULT_LEXICAL_OPTIONS, type LexicalOptions } from './lexicalIndex.js';
import { PointChunks } from './pointChunks.js';
import { buildVectors, wrapIndex, type DenseIndex, type ProgressFn } from '../store/vectorIndex.js';

export interface SearchHit {
  rank: number;
  chunk: Chunk;
  /** Fused score in [0, 1]: higher is better. */
  score: number;
  /** The two components, for callers that weigh evidence themselves (answers, abstention). */
  lexical: number;
  dense: number;
}

export interface SearchOptions {
  k: number;
  /** Only chunks of this source file ("seeds/<file>"). */
  source?: string;
}

export interface RetrievalOptions {
  lexicalWeight: number;
  hnswEf: number;
  /** Dense (HNSW) candidates per search (at least k, at most the lexical side's max(4k, 40)); unset: `hnswEf`. */
  denseCandidates?: number;
  /** Graph links per node when building (hnswlib's M); read from the index file on load. */
  hnswM?: number;
  lexical?: LexicalOptions;
}

export type { ProgressFn } from '../store/vectorIndex.js';

/**
 * hnswlib's M, as LangChain's default. With the hybrid's bounded dense leg (ef 10) M 32 bought nothing on the
 * training sets (`src/bench/denseLegStudy.ts`: MRR@10 0.7879 with either, top 5 99.8% / 99.9% the same as ef 200)
 * and cost twice the graph: build time and links on disk.
 */
export const DEFAULT_HNSW_M = 16;
/** Chunk vectors kept as Float32Arrays for exact re-scoring (16k × 1024 dims ≈ 64 MB at most). */
const VECTOR_CACHE_MAX = 16_384;

/**
 * The searchable briefing in memory: chunks, their HNSW vectors and a BM25 index, and the one hybrid
 * `search` that answers, summaries, the CLI and the bot all use.
 */
export class KnowledgeBase {
  readonly chunksBySource = new Map<string, Chunk[]>();
  /** The BM25 index: built from the chunks, or the one saved with the store (`LexicalIndex.deserialize`). */
  readonly lexical: LexicalIndex;
  private readonly vectorCache = new Map<number, Float32Array>();
  /**
   * Chunk index → its HNSW label. Chunks whose vectors are identical (one sentence repeated, an endless word cut
   * into equal pieces) share one point: hnswlib's insertion turns quadratic when many points are exactly equal
   * (1,545 equal vectors took 15 s; the same with 1e-4 noise, 0.7 s). Labels are not chunk indexes once a store
   * has been updated incrementally (see `store/vectorIndex.ts`).
   */
  readonly pointOf: Int32Array;
  /** The chunks of each live HNSW point, in chunk order. */
  private readonly chunksAt: PointChunks;
  constructor(
    readonly documents: IndexedDocument[],
    readonly chunks: Chunk[],
    readonly vectors: DenseIndex,
    readonly embeddings: Embeddings,
    private readonly options: RetrievalOptions,
    pointOf?: Int32Array,
    lexical?: LexicalIndex,
  ) {
    for (const chunk of chunks) {
      const list = this.chunksBySource.get(chunk.source) ?? [];
      list.push(chunk);
      this.chunksBySource.set(chunk.source, list);
    }
    this.pointOf = pointOf ?? Int32Array.from(chunks, (_, i) => i);
    if (this.pointOf.length !== chunks.length) throw new Error('vector labels do not match the chunk list');
    this.chunksAt = new PointChunks(this.pointOf);
    if (lexical && lexical.size !== chunks.length) throw new Error('lexical index does not match the chunk list');
    this.lexical = lexical ?? new LexicalIndex(chunks.map((c) => ({ text: c.text, source: c.source })), options.lexical ?? DEFAULT_LEXICAL_OPTIONS);
    // Ahead of the first searches; not in a build worker, whose knowledge base is saved, never searched.
    if (isMainThread) this.pointVectorsSettled = this.lexical.decodeInBackground();
    if (chunks.length > 0) vectors.index.setEf(options.hnswEf);
  }

  /** Builds everything in memory from documents whose sentences are already segmented. */
  static async build(
    documents: IndexedDocument[],
    embeddings: Embeddings,
    chunking: ChunkingOptions,
    options: RetrievalOptions,
    onProgress?: ProgressFn,
  ): Promise<KnowledgeBase> {
    const chunks = documents.flatMap((doc) => chunkDocument(doc, chunking));
    const fitted = embeddings instanceof HashingEmbeddings ? await embeddings.fitYielding(chunks.map((c) => c.text)) : embeddings;
    const { index, pointOf } = await buildVectors(chunks, fitted, options.hnswM ?? DEFAULT_HNSW_M, onProgress);
    return new KnowledgeBase(documents, chunks, wrapIndex(index), fitted, options, pointOf);
  }

  get size(): number {
    return this.chunks.length;
  }

  /** The chunks (indexes) that HNSW point `label` stands for, in chunk order. */
  chunksOfPoint(label: number): number[] {
    return this.chunksAt.chunksOf(label);
  }

  /** HNSW points in use (the index may also hold points an incremental update marked deleted). */
  get points(): number {
    return this.chunksAt.size;
  }

  /** The index file's vectors read into memory at load (`src/store/pointVectors.ts`): no `getPoint` per candidate. */
  private pointVectors: { get(label: number): Float32Array | undefined } | null = null;

  /** Serves exact re-scoring from vectors read with the index (a loaded store whose vectors fit the memory budget). */
  usePointVectors(vectors: { get(label: number): Float32Array | undefined } | null): void {
    this.pointVectors = vectors;
  }

  /**
   * Settles once vectors handed over later (`usePointVectorsWhenReady`) are in use, or known not to come, and the
   * lexical postings are decoded (`LexicalIndex.decodeInBackground`, started by the constructor on the main thread).
   */
  pointVectorsSettled: Promise<void> = Promise.resolve();

  /** Serves re-scoring from `pending`'s vectors once they are ready (read after the load: a large store's). */
  usePointVectorsWhenReady(pending: Promise<{ get(label: number): Float32Array | undefined } | null>): void {
    const lexicalDecoded = this.pointVectorsSettled;
    this.pointVectorsSettled = pending.then(async (vectors) => {
      if (vectors) this.usePointVectors(vectors);
      await lexicalDecoded;
    });
  }

  /** The stored vector of a chunk (as hnswlib keeps it). */
  vectorOf(index: number): number[] {
    return this.vectors.index.getPoint(this.pointOf[index]);
  }

  /**
   * The same as a Float32Array, cached: reading a point out of hnswlib costs ~80 µs (a JS array of every
   * dimension), and the same lexical-only candidates come back query after query. Bounded, so a 100k-chunk
   * store does not end up copied into the heap.
   */
  private cachedVector(index: number): Float32Array {
    const stored = this.pointVectors?.get(this.pointOf[index]);
    if (stored) return stored;
    let v = this.vectorCache.get(index);
    if (!v) {
      if (this.vectorCache.size >= VECTOR_CACHE_MAX) this.vectorCache.clear();
      v = Float32Array.from(this.vectorOf(index));
      this.vectorCache.set(index, v);
    }
    return v;
  }

  /** Dense neighbours as (chunk index, cosine similarity); chunks sharing a vector come together, in chunk order. */
  async denseSearch(query: string | number[], k: number, source?: string): Promise<{ index: number; similarity: number }[]> {
    if (this.chunks.length === 0) return [];
    const vector = typeof query === 'string' ? await this.embeddings.embedQuery(query) : query;
    const count = Math.min(k, this.points);
    this.vectors.index.setEf(Math.max(this.options.hnswEf, count));
    const inSource = (index: number) => !source || this.chunks[index]?.source === source;
    const filter = source ? (label: number) => this.chunksOfPoint(label).some(inSource) : undefined;
    const result = this.vectors.index.searchKnn(vector, count, filter);
    const hits: { index: number; similarity: number }[] = [];
    result.neighbors.forEach((label, i) => {
      for (const index of this.chunksOfPoint(label)) if (inSource(index)) hits.push({ index, similarity: 1 - result.distances[i] });
    });
    return hits.slice(0, k);
  }

  lexicalSearch(query: string, k: number, source?: string) {
    return this.lexical.query(query, k, source);
  }

  /** Exact cosine similarity of a stored chunk to a query vector. */
  private similarity(vector: number[], index: number, qnorm = squaredNorm(vector)): number {
    const point = this.cachedVector(index);
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < point.length; i++) {
      dot += point[i] * vector[i];
      norm += point[i] * point[i];
    }
    return norm && qnorm ? dot / Math.sqrt(norm * qnorm) : 0;
  }

  /**
   * Hybrid retrieval. Candidates come from both indexes; each candidate's dense similarity is computed
   * exactly. Both scores are scaled by the query's best candidate (so neither scale dominates: BM25 is
   * unbounded, hashing cosines sit around 0.1–0.5) and mixed linearly with `lexicalWeight`.
   * (Rank fusion and unscaled mixing were measured worse than BM25 alone on the eval sets; see README.)
   */
  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    if (this.chunks.length === 0 || !query.trim()) return [];
    const pool = Math.max(options.k * 4, 40);
    const vector = await this.embeddings.embedQuery(query);
    // HNSW_EF bounds the dense candidates too: asking hnswlib for more neighbours than its ef would raise the ef.
    const denseK = Math.max(options.k, Math.min(pool, this.options.denseCandidates ?? this.options.hnswEf));
    const [dense, lexical] = [await this.denseSearch(vector, denseK, options.source), this.lexicalSearch(query, pool, options.source)];
    const lexicalScore = new Map(lexical.map((h) => [h.index, h.score]));
    const candidates = [...new Set<number>([...dense.map((d) => d.index), ...lexical.map((l) => l.index)])];
    const maxLexical = lexical.length ? lexical[0].score : 0;
    // HNSW already measured the dense candidates exactly; only lexical-only ones need their vector read.
    const denseSim = new Map(dense.map((d) => [d.index, d.similarity]));
    const qnorm = squaredNorm(vector); // once per query, not once per candidate re-scored
    const similarities = candidates.map((index) => Math.max(0, denseSim.get(index) ?? this.similarity(vector, index, qnorm)));
    const maxDense = Math.max(0, ...similarities);
    const w = this.options.lexicalWeight;
    const scored = candidates.map((index, i) => {
      const lexicalRaw = lexicalScore.get(index) ?? 0;
      const lexicalNorm = maxLexical > 0 ? lexicalRaw / maxLexical : 0;
      const denseNorm = maxDense > 0 ? similarities[i] / maxDense : 0;
      return { index, lexical: lexicalRaw, dense: similarities[i], score: w * lexicalNorm + (1 - w) * denseNorm };
    });
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    return scored.slice(0, options.k).map((s, i) => ({
      rank: i + 1,
      chunk: this.chunks[s.index],
      score: s.score,
      lexical: s.lexical,
      dense: s.dense,
    }));
  }
}

function squaredNorm(vector: number[]): number {
  let sum = 0;
  for (const v of vector) sum += v * v;
  return sum;
}
