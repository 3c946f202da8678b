import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { charNgrams, terms } from '../text/tokenize.js';

/**
 * Deterministic, offline text embeddings: the "hashing trick" over stemmed words, word bigrams and character
 * n-grams, with sublinear term frequency, an optional IDF learned from the corpus, and L2 normalisation.
 * Character n-grams make it robust to Indonesian affixes and English inflection; IDF keeps function words
 * ("yang", "the") from dominating the cosine.
 */
export const HASHING_MODEL_VERSION = 'hashing-v1';

/** Size of the table that document frequencies are counted in: larger than the output, so few features share. */
export const DF_BUCKETS = 1 << 18;

const FEATURE_WEIGHTS = { word: 1, bigram: 0.5, char3: 0.25, char4: 0.35 } as const;

export interface HashingIdf {
  documents: number;
  df: Uint32Array;
}

export interface HashingEmbeddingsParams extends EmbeddingsParams {
  dimensions: number;
  idf?: HashingIdf;
}

/** FNV-1a, 32 bit: fast, stable across platforms and Node versions. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Weighted features of a text, keyed by their hash. */
function features(text: string): Map<number, { weight: number; count: number }> {
  const out = new Map<number, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    const entry = out.get(h);
    if (entry) entry.count++;
    else out.set(h, { weight, count: 1 });
  };
  const stems = terms(text);
  for (const s of stems) add(`w:${s}`, FEATURE_WEIGHTS.word);
  for (let i = 0; i + 1 < stems.length; i++) add(`b:${stems[i]} ${stems[i + 1]}`, FEATURE_WEIGHTS.bigram);
  for (const g of charNgrams(text, 3)) add(`3:${g}`, FEATURE_WEIGHTS.char3);
  for (const g of charNgrams(text, 4)) add(`4:${g}`, FEATURE_WEIGHTS.char4);
  return out;
}

/** Adds one to the document frequency of each distinct feature of `text`. */
function countFeatures(text: string, df: Uint32Array): void {
  for (const h of features(text).keys()) df[h % DF_BUCKETS]++;
}

export class HashingEmbeddings extends Embeddings {
  readonly dimensions: number;
  readonly idf?: HashingIdf;

  constructor(params: HashingEmbeddingsParams) {
    super(params);
    this.dimensions = params.dimensions;
    this.idf = params.idf;
  }

  /** A copy of this embedder with document frequencies counted over `texts`. */
  fit(texts: Iterable<string>): HashingEmbeddings {
    const df = new Uint32Array(DF_BUCKETS);
    let documents = 0;
    for (const text of texts) {
      documents++;
      countFeatures(text, df);
    }
    return new HashingEmbeddings({ dimensions: this.dimensions, idf: { documents, df } });
  }

  /**
   * The same as `fit`, yielding to the event loop every `batch` texts: counting takes ~0.7 ms a chunk, so a
   * 10k-chunk build would otherwise keep the bot from answering anyone for seconds.
   */
  async fitYielding(texts: readonly string[], batch = 256): Promise<HashingEmbeddings> {
    const df = new Uint32Array(DF_BUCKETS);
    for (let i = 0; i < texts.length; i++) {
      countFeatures(texts[i], df);
      if ((i + 1) % batch === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return new HashingEmbeddings({ dimensions: this.dimensions, idf: { documents: texts.length, df } });
  }

  private idfOf(hash: number): number {
    if (!this.idf) return 1;
    const df = this.idf.df[hash % DF_BUCKETS];
    return Math.log((this.idf.documents + 1) / (df + 1)) + 1;
  }

  embedText(text: string): number[] {
    const vector = new Float64Array(this.dimensions);
    for (const [h, { weight, count }] of features(text)) {
      // Two hashes from one: the bucket, and a sign that keeps collisions from adding up.
      const bucket = h % this.dimensions;
      const sign = (h >>> 31) & 1 ? -1 : 1;
      vector[bucket] += sign * weight * (1 + Math.log(count)) * this.idfOf(h);
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return Array.from(vector, (v) => v / norm);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedText(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedText(text);
  }
}

export function serializeIdf(idf: HashingIdf): { documents: number; df: string } {
  return { documents: idf.documents, df: Buffer.from(idf.df.buffer, idf.df.byteOffset, idf.df.byteLength).toString('base64') };
}

export function deserializeIdf(data: { documents: number; df: string }): HashingIdf {
  const bytes = Buffer.from(data.df, 'base64');
  if (bytes.byteLength !== DF_BUCKETS * 4) throw new Error('idf table has the wrong size');
  const df = new Uint32Array(DF_BUCKETS);
  new Uint8Array(df.buffer).set(bytes);
  return { documents: data.documents, df };
}
