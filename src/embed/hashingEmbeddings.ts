import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { stem, words } from '../text/tokenize.js';

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

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a, 32 bit: fast, stable across platforms and Node versions. */
export function fnv1a(text: string): number {
  return fnvContinue(FNV_OFFSET, text) >>> 0;
}

/** FNV-1a carried on from `hash` over `text[from, to)`: a feature's hash without building its string. */
function fnvContinue(hash: number, text: string, from = 0, to = text.length): number {
  for (let i = from; i < to; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}

/** The hash state after each feature kind's prefix ("w:", "b:", "3:", "4:"). */
const PREFIX = { word: fnvContinue(FNV_OFFSET, 'w:'), bigram: fnvContinue(FNV_OFFSET, 'b:'), char3: fnvContinue(FNV_OFFSET, '3:'), char4: fnvContinue(FNV_OFFSET, '4:') };
const SPACE = ' '.charCodeAt(0);

/** A text's distinct features in the order first seen: hash, weight of the first kind seen with it, count. */
interface Features {
  hashes: number[];
  weights: number[];
  counts: number[];
}

/**
 * Weighted features of a text: stemmed words, word bigrams, character 3- and 4-grams of each word with boundary
 * marks (`charNgrams`' grams). The same hashes as `fnv1a("3:" + gram)` and so on, computed from the words without
 * making a string per gram, and the text is split into words once: this is most of an ingest's embedding time.
 */
function features(text: string): Features {
  const out: Features = { hashes: [], weights: [], counts: [] };
  const seen = new Map<number, number>();
  const add = (state: number, weight: number) => {
    const h = state >>> 0;
    const at = seen.get(h);
    if (at !== undefined) {
      out.counts[at]++;
      return;
    }
    seen.set(h, out.hashes.length);
    out.hashes.push(h);
    out.weights.push(weight);
    out.counts.push(1);
  };
  const list = words(text);
  const stems = list.map(stem);
  for (const s of stems) add(fnvContinue(PREFIX.word, s), FEATURE_WEIGHTS.word);
  for (let i = 0; i + 1 < stems.length; i++) {
    const first = Math.imul(fnvContinue(PREFIX.bigram, stems[i]) ^ SPACE, 0x01000193);
    add(fnvContinue(first, stems[i + 1]), FEATURE_WEIGHTS.bigram);
  }
  for (const [n, prefix, weight] of [[3, PREFIX.char3, FEATURE_WEIGHTS.char3], [4, PREFIX.char4, FEATURE_WEIGHTS.char4]] as const) {
    for (const w of list) {
      const padded = `<${w}>`;
      if (padded.length <= n) {
        add(fnvContinue(prefix, padded), weight);
        continue;
      }
      for (let i = 0; i + n <= padded.length; i++) add(fnvContinue(prefix, padded, i, i + n), weight);
    }
  }
  return out;
}

/** Adds one to the document frequency of each distinct feature of `text`. */
function countFeatures(text: string, df: Uint32Array): void {
  for (const h of features(text).hashes) df[h % DF_BUCKETS]++;
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
    const { hashes, weights, counts } = features(text);
    for (let f = 0; f < hashes.length; f++) {
      const h = hashes[f];
      const weight = weights[f];
      const count = counts[f];
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
