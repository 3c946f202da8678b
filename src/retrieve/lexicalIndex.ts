import { queryTerms, terms, words } from '../text/tokenize.js';

/**
 * Okapi BM25 over the chunks, on three fields summed with weights (a simple BM25F):
 * - words: stemmed words. The query side drops function and question words ("siapakah", "what"): they are
 *   rare in declarative text, so plain BM25 gives them a high IDF and ranks chunks that happen to contain
 *   "apakah" or "pertama kali" first (measured: see README, "Retrieval").
 * - grams: character 4-grams of the words, which catch what the light stemmer misses (affixes, compounds,
 *   spelling variants: "Mikhael"/"Mikail", "Karang kancana"/"Karangkancana").
 * - bigrams: adjacent stemmed word pairs, a cheap proximity signal ("battle hastings", "korea selatan").
 *
 * Hand-written rather than MiniSearch: MiniSearch multiplies every score by the number of distinct query
 * terms matched, which with dozens of gram tokens per query turned into a length bias (its hybrid measured
 * below plain BM25 on IDK-MRC), and it keeps a Map per posting, too heavy for 100k chunks of grams.
 * Postings here are packed typed arrays.
 */
const GRAM = 4;
const K1 = 1.2;
const B = 0.75;

export interface LexicalHit {
  index: number;
  score: number;
}

export interface LexicalOptions {
  /** Weight of the character-gram field relative to the word field. */
  gramBoost: number;
  /** Weight of the word-bigram field relative to the word field. */
  bigramBoost: number;
}

export const DEFAULT_LEXICAL_OPTIONS: LexicalOptions = { gramBoost: 0.5, bigramBoost: 0.3 };

/**
 * The character 4-grams of each word with boundary marks (as `charNgrams` makes them), as 30-bit FNV-1a
 * hashes rather than strings: no substring per gram, and integer keys are much cheaper to look up, which is
 * most of the build time on a large corpus. Collisions among the few million distinct grams are negligible.
 */
function gramHashes(text: string): number[] {
  const out: number[] = [];
  for (const w of words(text)) {
    const padded = `<${w}>`;
    const last = Math.max(0, padded.length - GRAM);
    for (let i = 0; i <= last; i++) {
      let hash = 0x811c9dc5;
      const end = Math.min(i + GRAM, padded.length);
      for (let j = i; j < end; j++) {
        hash ^= padded.charCodeAt(j);
        hash = Math.imul(hash, 0x01000193);
      }
      // 30 bits: small integers stay unboxed in V8, so Map lookups are fast.
      out.push(hash & 0x3fffffff);
    }
  }
  return out;
}

function bigrams(stems: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < stems.length; i++) out.push(`${stems[i]} ${stems[i + 1]}`);
  return out;
}

/** A growable Int32Array: postings of a large corpus without millions of small JS arrays. */
class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/**
 * One BM25 field, stored column-wise (CSR): terms get integer ids; `docs`/`tfs` hold every term's postings
 * back to back, `offsets[id]..offsets[id + 1]` being term `id`'s slice. Built in two passes over per-document
 * (term id, tf) pairs, which is several times faster and smaller than a Map of arrays per term.
 */
class Bm25Field<T extends string | number> {
  private readonly ids = new Map<T, number>();
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly tfs: Uint16Array;
  private readonly lengths: Uint32Array;
  private readonly avgLength: number;

  constructor(tokenLists: Iterable<T[]>, count: number) {
    this.lengths = new Uint32Array(count);
    const pairs = new IntBuffer(); // doc, term id, tf triples
    const df = new IntBuffer();
    let doc = 0;
    let total = 0;
    for (const tokens of tokenLists) {
      this.lengths[doc] = tokens.length;
      total += tokens.length;
      const termIds = new Int32Array(tokens.length);
      for (let i = 0; i < tokens.length; i++) {
        let id = this.ids.get(tokens[i]);
        if (id === undefined) {
          id = this.ids.size;
          this.ids.set(tokens[i], id);
          df.push(0);
        }
        termIds[i] = id;
      }
      termIds.sort();
      for (let i = 0; i < termIds.length; ) {
        let j = i;
        while (j < termIds.length && termIds[j] === termIds[i]) j++;
        pairs.push(doc);
        pairs.push(termIds[i]);
        pairs.push(Math.min(j - i, 0xffff));
        df.data[termIds[i]]++;
        i = j;
      }
      doc++;
    }
    this.avgLength = count ? total / count : 0;
    const terms = this.ids.size;
    this.offsets = new Int32Array(terms + 1);
    for (let t = 0; t < terms; t++) this.offsets[t + 1] = this.offsets[t] + df.data[t];
    const fill = this.offsets.slice(0, terms);
    const postings = this.offsets[terms];
    this.docs = new Int32Array(postings);
    this.tfs = new Uint16Array(postings);
    // Triples are in document order, so each term's postings come out sorted by document.
    for (let p = 0; p < pairs.length; p += 3) {
      const at = fill[pairs.data[p + 1]]++;
      this.docs[at] = pairs.data[p];
      this.tfs[at] = pairs.data[p + 2];
    }
  }

  /** Adds `weight × BM25(query)` into `scores`. Query terms count with multiplicity. */
  addScores(query: T[], weight: number, scores: Float64Array): void {
    const n = this.lengths.length;
    if (!weight || !n) return;
    for (const term of query) {
      const id = this.ids.get(term);
      if (id === undefined) continue;
      const from = this.offsets[id];
      const to = this.offsets[id + 1];
      const df = to - from;
      const idf = weight * Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let i = from; i < to; i++) {
        const d = this.docs[i];
        const f = this.tfs[i];
        scores[d] += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * this.lengths[d]) / this.avgLength));
      }
    }
  }
}

export class LexicalIndex {
  private readonly words: Bm25Field<string>;
  private readonly grams: Bm25Field<number>;
  private readonly pairs: Bm25Field<string>;
  private readonly sources: string[];

  constructor(texts: { text: string; source: string }[], private readonly options = DEFAULT_LEXICAL_OPTIONS) {
    this.sources = texts.map((t) => t.source);
    const stems = texts.map((t) => terms(t.text));
    this.words = new Bm25Field(stems, texts.length);
    this.pairs = new Bm25Field(stems.map(bigrams), texts.length);
    // Generated lazily so all the gram lists of a large corpus never sit in memory at once.
    this.grams = new Bm25Field((function* () { for (const t of texts) yield gramHashes(t.text); })(), texts.length);
  }

  get size(): number {
    return this.sources.length;
  }

  /** All scores for a query (0 where nothing matched). */
  scores(text: string): Float64Array {
    const scores = new Float64Array(this.sources.length);
    this.words.addScores(queryTerms(text), 1, scores);
    this.grams.addScores(gramHashes(text), this.options.gramBoost, scores);
    this.pairs.addScores(bigrams(terms(text)), this.options.bigramBoost, scores);
    return scores;
  }

  /** Best `limit` chunks with a positive score, best first; ties by chunk order. */
  query(text: string, limit: number, source?: string): LexicalHit[] {
    const scores = this.scores(text);
    // Bounded selection: with grams nearly every chunk scores above 0, and sorting 100k hits per query
    // would cost more than scoring them. `top` is kept sorted, worst last.
    const top: LexicalHit[] = [];
    const worse = (a: LexicalHit, b: LexicalHit) => a.score < b.score || (a.score === b.score && a.index > b.index);
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i];
      if (score <= 0 || (source && this.sources[i] !== source)) continue;
      if (top.length === limit && !worse(top[limit - 1], { index: i, score })) continue;
      const hit = { index: i, score };
      let at = top.length;
      while (at > 0 && worse(top[at - 1], hit)) at--;
      top.splice(at, 0, hit);
      if (top.length > limit) top.pop();
    }
    return top;
  }
}
