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

/**
 * A text's distinct features in the order first seen: hash, weight of the first kind seen with it, count. The
 * arrays are scratch space shared by every call (valid until the next `features` call; read them at once):
 * embedding is most of an ingest's CPU, and a Map plus three growing arrays per text were most of that.
 */
interface Features {
  size: number;
  hashes: Uint32Array;
  weights: Float64Array;
  counts: Uint32Array;
}

/** Open-addressing table from feature hash to its index in `Features`, cleared by bumping `stamp`. */
const scratch = {
  features: { size: 0, hashes: new Uint32Array(1024), weights: new Float64Array(1024), counts: new Uint32Array(1024) } as Features,
  slots: new Uint32Array(4096),
  slotIndex: new Int32Array(4096),
  slotStamp: new Uint32Array(4096),
  stamp: 0,
};

function growFeatures(): void {
  const f = scratch.features;
  const grow = <T extends Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
    const next = make(old.length * 2);
    next.set(old as never);
    return next;
  };
  f.hashes = grow(f.hashes, (n) => new Uint32Array(n));
  f.weights = grow(f.weights, (n) => new Float64Array(n));
  f.counts = grow(f.counts, (n) => new Uint32Array(n));
}

/** Doubles the table (kept at most half full) and re-inserts the current text's features. */
function growSlots(): void {
  const size = scratch.slots.length * 2;
  scratch.slots = new Uint32Array(size);
  scratch.slotIndex = new Int32Array(size);
  scratch.slotStamp = new Uint32Array(size);
  scratch.stamp = 1;
  const f = scratch.features;
  for (let i = 0; i < f.size; i++) {
    let slot = Math.imul(f.hashes[i], 0x9e3779b1) >>> 0 & (size - 1);
    while (scratch.slotStamp[slot] === 1) slot = (slot + 1) & (size - 1);
    scratch.slotStamp[slot] = 1;
    scratch.slots[slot] = f.hashes[i];
    scratch.slotIndex[slot] = i;
  }
}

function addFeature(state: number, weight: number): void {
  const h = state >>> 0;
  const mask = scratch.slots.length - 1;
  let slot = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
  while (scratch.slotStamp[slot] === scratch.stamp) {
    if (scratch.slots[slot] === h) {
      scratch.features.counts[scratch.slotIndex[slot]]++;
      return;
    }
    slot = (slot + 1) & mask;
  }
  const f = scratch.features;
  if (f.size === f.hashes.length) growFeatures();
  scratch.slotStamp[slot] = scratch.stamp;
  scratch.slots[slot] = h;
  scratch.slotIndex[slot] = f.size;
  f.hashes[f.size] = h;
  f.weights[f.size] = weight;
  f.counts[f.size] = 1;
  f.size++;
  if (f.size * 2 > scratch.slots.length) growSlots();
}

/**
 * Weighted features of a text: stemmed words, word bigrams, character 3- and 4-grams of each word with boundary
 * marks (`charNgrams`' grams). The same hashes as `fnv1a("3:" + gram)` and so on, computed from the words without
 * making a string per gram, and the text is split into words once.
 */
function features(text: string): Features {
  scratch.features.size = 0;
  if (++scratch.stamp === 0xffffffff) {
    scratch.slotStamp.fill(0);
    scratch.stamp = 1;
  }
  const list = words(text);
  const stems = list.map(stem);
  for (const s of stems) addFeature(fnvContinue(PREFIX.word, s), FEATURE_WEIGHTS.word);
  for (let i = 0; i + 1 < stems.length; i++) {
    const first = Math.imul(fnvContinue(PREFIX.bigram, stems[i]) ^ SPACE, 0x01000193);
    addFeature(fnvContinue(first, stems[i + 1]), FEATURE_WEIGHTS.bigram);
  }
  for (const [n, prefix, weight] of [[3, PREFIX.char3, FEATURE_WEIGHTS.char3], [4, PREFIX.char4, FEATURE_WEIGHTS.char4]] as const) {
    for (const w of list) {
      const padded = `<${w}>`;
      if (padded.length <= n) {
        addFeature(fnvContinue(prefix, padded), weight);
        continue;
      }
      for (let i = 0; i + n <= padded.length; i++) addFeature(fnvContinue(prefix, padded, i, i + n), weight);
    }
  }
  return scratch.features;
}

/** Adds one to the document frequency of each distinct feature of `text`. */
function countFeatures(text: string, df: Uint32Array): void {
  const { size, hashes } = features(text);
  for (let i = 0; i < size; i++) df[hashes[i] & (DF_BUCKETS - 1)]++;
}

/** 1 + ln(count), the sublinear term frequency, for the counts most features have. */
const SUBLINEAR_TF = Float64Array.from({ length: 64 }, (_, n) => (n === 0 ? 0 : 1 + Math.log(n)));

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

  /** IDF by bucket, computed once per embedder: a logarithm per feature was a third of embedding time. */
  private idfTable?: Float64Array;

  private idfByBucket(): Float64Array | null {
    if (!this.idf) return null;
    if (!this.idfTable) {
      const { documents, df } = this.idf;
      // Filled in a loop: `Float64Array.from(df, fn)` left ~9 MB of garbage in the large-object space.
      const table = new Float64Array(df.length);
      for (let i = 0; i < df.length; i++) table[i] = Math.log((documents + 1) / (df[i] + 1)) + 1;
      this.idfTable = table;
    }
    return this.idfTable;
  }

  embedText(text: string): number[] {
    const vector = new Float64Array(this.dimensions);
    const idf = this.idfByBucket();
    const { size, hashes, weights, counts } = features(text);
    // A power-of-two size (the default 1024) takes the low bits, the same as `%` on an unsigned hash, cheaper.
    const mask = (this.dimensions & (this.dimensions - 1)) === 0 ? this.dimensions - 1 : -1;
    for (let f = 0; f < size; f++) {
      const h = hashes[f];
      const count = counts[f];
      // Two hashes from one: the bucket, and a sign that keeps collisions from adding up.
      const bucket = mask >= 0 ? h & mask : h % this.dimensions;
      const sign = (h >>> 31) & 1 ? -1 : 1;
      const tf = count < SUBLINEAR_TF.length ? SUBLINEAR_TF[count] : 1 + Math.log(count);
      vector[bucket] += sign * weights[f] * tf * (idf ? idf[h & (DF_BUCKETS - 1)] : 1);
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
