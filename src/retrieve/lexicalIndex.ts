import { queryTerms, terms, words } from '../text/tokenize.js';
import { FIELD_NAMES, buildFields, updateFields, type BuiltField, type FieldName, type Postings } from './lexicalFields.js';
import { GRAM, pushGramHashes } from './lexicalTokens.js';
import { ListDictionary, StoredNumberDictionary, StoredStringDictionary, type EncodedTerms, type TermDictionary } from './termDictionary.js';
import { decodeTerm, encodeTermPostings } from './postingCodec.js';
import { gallop, seek } from './postingSearch.js';
import { inSlices } from './slicedWork.js';

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
  /** Queries with at least this many postings prune (default `PRUNE_MIN_POSTINGS`; tests set 0 to prune always). */
  pruneMinPostings?: number;
  /** Tests: try to start pruning before every term, not only before long lists (the results are the same). */
  pruneTryEvery?: boolean;
}

export const DEFAULT_LEXICAL_OPTIONS: LexicalOptions = { gramBoost: 0.5, bigramBoost: 0.3 };

/** A query's character 4-grams, hashed as the index hashes them (`pushGramHashes`). */
function gramHashes(text: string): number[] {
  const out: number[] = [];
  for (const w of words(text)) pushGramHashes(w, out);
  return out;
}

function bigrams(stems: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < stems.length; i++) out.push(`${stems[i]} ${stems[i + 1]}`);
  return out;
}

/** A field's arrays, as built or as read back from `serialize()`. */
interface FieldParts extends Postings {
  /**
   * Postings still coded (lexical.bin format 2): each term's are decoded into `docs`/`tfs` the first time a query
   * uses it, so loading a store costs no pass over millions of postings.
   */
  coded?: { bytes: Uint8Array; starts: Uint32Array };
}

/**
 * One BM25 field, stored column-wise (CSR): terms get integer ids; `docs`/`tfs` hold every term's postings
 * back to back, `offsets[id]..offsets[id + 1]` being term `id`'s slice (built in `lexicalFields.ts`).
 */
class Bm25Field<T extends string | number> {
  readonly offsets: Int32Array;
  private decodedDocs?: Int32Array;
  private decodedTfs?: Uint16Array;
  readonly lengths: Uint32Array;
  readonly avgLength: number;

  /** Each chunk's BM25 length normalisation, `K1 × (1 − B + B × length / avgLength)`: the same double `addScores` computes. */
  readonly norms: Float64Array;
  /**
   * Per term, the largest `tf × (K1 + 1) / (tf + norm)` over its postings: the most one occurrence of the term can add
   * to a chunk (before idf). Filled when a term is decoded or first queried (NaN until then), so loading a store stays
   * cheap.
   */
  private readonly maxImpact: Float64Array;
  /** Coded postings, which terms are decoded so far and their postings in all (see `FieldParts.coded`). */
  private readonly coded?: { bytes: Uint8Array; starts: Uint32Array; decoded: Uint8Array; decodedPostings: number };
  constructor(private readonly terms: TermDictionary<T>, parts: FieldParts) {
    this.offsets = parts.offsets;
    // Coded postings get their decoded arrays on first use: a store update or a save may never need them.
    if (!parts.coded) {
      this.decodedDocs = parts.docs;
      this.decodedTfs = parts.tfs;
    }
    this.lengths = parts.lengths;
    this.avgLength = parts.avgLength;
    this.norms = new Float64Array(this.lengths.length);
    for (let d = 0; d < this.norms.length; d++) this.norms[d] = K1 * (1 - B + (B * this.lengths[d]) / this.avgLength);
    this.maxImpact = new Float64Array(terms.size).fill(NaN);
    if (parts.coded) this.coded = { ...parts.coded, decoded: new Uint8Array(terms.size), decodedPostings: 0 };
  }

  /** Every term's postings' chunks, back to back (see `ensure` for coded ones). */
  get docs(): Int32Array {
    return (this.decodedDocs ??= new Int32Array(this.offsets[this.offsets.length - 1]));
  }

  get tfs(): Uint16Array {
    return (this.decodedTfs ??= new Uint16Array(this.offsets[this.offsets.length - 1]));
  }

  static fromBuilt<T extends string | number>(built: BuiltField<T>): Bm25Field<T> {
    const terms = Array.isArray(built.terms) ? new ListDictionary(built.terms, built.kind, built.ids) : built.terms;
    return new Bm25Field(terms, { ...built.postings, coded: built.coded });
  }

  ensure(id: number): void {
    const coded = this.coded;
    if (!coded || coded.decoded[id]) return;
    decodeTerm(coded.bytes, coded.starts[id], coded.starts[id + 1], this.docs, this.tfs, this.offsets[id], this.offsets[id + 1], this.lengths.length);
    coded.decoded[id] = 1;
    coded.decodedPostings += this.offsets[id + 1] - this.offsets[id];
    // The bound's pass while the postings just written are in cache (a query needs it for every term it plans).
    if (Number.isNaN(this.maxImpact[id])) this.maxImpact[id] = this.largestImpact(id);
  }

  /**
   * Decodes, from term `from` on, the terms with `min ≤ df < max` not decoded yet, until `deadline`
   * (`performance.now()`); the term to go on from, or `termCount` when through.
   */
  decodeBetween(min: number, max: number, from: number, deadline: number): number {
    const coded = this.coded;
    const size = this.terms.size;
    if (!coded) return size;
    let sinceClock = 0;
    for (let id = from; id < size; id++) {
      const df = this.offsets[id + 1] - this.offsets[id];
      if (df < min || df >= max || coded.decoded[id]) continue;
      this.ensure(id);
      // A clock read costs about as much as decoding a few postings.
      sinceClock += df;
      if (sinceClock >= CLOCK_EVERY_POSTINGS) {
        sinceClock = 0;
        if (performance.now() >= deadline) return id + 1;
      }
    }
    return size;
  }

  /** Postings still coded: decoded when a query first reads them (or in the background). */
  get codedPostingCount(): number {
    return this.coded ? this.offsets[this.offsets.length - 1] - this.coded.decodedPostings : 0;
  }

  ensureAll(): void {
    if (this.coded) for (let id = 0; id < this.terms.size; id++) this.ensure(id);
  }

  idOf(term: T): number | undefined {
    return this.terms.idOf(term);
  }

  /** The term's BM25 idf times `weight`, exactly as `addScores` computes it. */
  idf(id: number, weight: number): number {
    const n = this.lengths.length;
    const df = this.offsets[id + 1] - this.offsets[id];
    return weight * Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  impactBound(id: number): number {
    if (Number.isNaN(this.maxImpact[id])) {
      this.ensure(id); // (a coded term gets its bound when decoded)
      if (Number.isNaN(this.maxImpact[id])) this.maxImpact[id] = this.largestImpact(id);
    }
    return this.maxImpact[id];
  }

  /** The largest `tf × (K1 + 1) / (tf + norm)` over the term's (decoded) postings. */
  private largestImpact(id: number): number {
    let max = 0;
    const { docs, tfs, norms } = this;
    const to = this.offsets[id + 1];
    for (let i = this.offsets[id]; i < to; i++) {
      const f = tfs[i];
      const impact = (f * (K1 + 1)) / (f + norms[docs[i]]);
      if (impact > max) max = impact;
    }
    return max;
  }

  /** Terms in id order. */
  keys(): readonly T[] {
    return this.terms.keys();
  }

  /** The terms in their saved form. */
  encodedTerms(): EncodedTerms {
    return this.terms.encoded();
  }

  get dictionary(): TermDictionary<T> {
    return this.terms;
  }

  get termCount(): number {
    return this.terms.size;
  }

  /** The postings coded as saved (`postingCodec.ts`): as read, or coded now. */
  codedPostings(): { bytes: Uint8Array; starts: Uint32Array } {
    if (this.coded) return { bytes: this.coded.bytes, starts: this.coded.starts };
    return encodeTermPostings(this.offsets, this.docs, this.tfs);
  }

  /** The postings with every term decoded. */
  postings(): Postings {
    this.ensureAll();
    return { offsets: this.offsets, docs: this.docs, tfs: this.tfs, lengths: this.lengths, avgLength: this.avgLength };
  }

  /** Adds `weight × BM25(query)` into `scores`. Query terms count with multiplicity. */
  addScores(query: T[], weight: number, scores: Float64Array): void {
    const n = this.lengths.length;
    if (!weight || !n) return;
    for (const term of query) {
      const id = this.idOf(term);
      if (id === undefined) continue;
      this.ensure(id);
      const from = this.offsets[id];
      const to = this.offsets[id + 1];
      const df = to - from;
      const idf = weight * Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const { docs, tfs } = this;
      for (let i = from; i < to; i++) {
        const d = docs[i];
        const f = tfs[i];
        scores[d] += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * this.lengths[d]) / this.avgLength));
      }
    }
  }
}

const MAGIC = [0x42, 0x42, 0x4c, 0x58]; // "BBLX"
/**
 * Bump when the saved layout or the tokenisation changes meaning. 1: postings as raw Int32/Uint16 arrays (still
 * read); 2: postings delta-varint coded (`postingCodec.ts`), a quarter of the size (still read); 3: each field's
 * terms come with a hash table and (strings) where each term starts (`termDictionary.ts`), so a load builds no Map.
 */
const LEXICAL_FORMAT = 3;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface SectionHeader {
  name: string;
  /** From the end of the header, a multiple of 8. */
  offset: number;
  bytes: number;
}

interface LexicalHeader {
  version: number;
  gram: number;
  k1: number;
  b: number;
  count: number;
  fields: Record<FieldName, { terms: number; postings: number; avgLength: number }>;
  sections: SectionHeader[];
}

export class LexicalIndex {
  /** Per-query work arrays, reused (a query runs synchronously from start to end). */
  private scratch?: { acc: Float64Array; touched: Int32Array };
  private bySource?: Map<string, Int32Array>;
  private readonly words: Bm25Field<string>;
  private readonly grams: Bm25Field<number>;
  private readonly pairs: Bm25Field<string>;
  private readonly sources: string[];

  /** The bytes this index was read from (`deserialize`, current format): saved again as they are. */
  private readonly savedBytes?: Uint8Array;
  /** `decodeInBackground`'s promise and where it is: a range of list lengths [min, max), a field, the term to go on from. */
  private background?: { settled: Promise<void>; min: number; max: number; field: number; from: number };

  constructor(texts: { text: string; source: string }[], private readonly options = DEFAULT_LEXICAL_OPTIONS) {
    this.sources = texts.map((t) => t.source);
    const fields = buildFields(texts.map((t) => t.text));
    this.words = Bm25Field.fromBuilt(fields.words);
    this.grams = Bm25Field.fromBuilt(fields.grams);
    this.pairs = Bm25Field.fromBuilt(fields.pairs);
  }

  /**
   * The index over `texts` made from `base`, the index over `baseTexts`: chunks whose text `base` has keep their
   * postings and lengths, only the others are tokenised. Scores exactly as `new LexicalIndex(texts)` does (the same
   * postings, lengths and statistics; terms may be numbered in another order).
   */
  static update(base: LexicalIndex, baseTexts: string[], texts: { text: string; source: string }[], options = DEFAULT_LEXICAL_OPTIONS): LexicalIndex {
    if (baseTexts.length !== base.size) throw new Error(`lexical index: the base has ${base.size} chunks, not ${baseTexts.length}`);
    // A text the base has several times: its k-th new occurrence takes the k-th previous one (so kept chunks keep
    // their order, and the update can merge postings term by term), extra ones the first.
    const previousByText = new Map<string, { chunks: number[]; next: number }>();
    for (let i = 0; i < baseTexts.length; i++) {
      const known = previousByText.get(baseTexts[i]);
      if (known) known.chunks.push(i);
      else previousByText.set(baseTexts[i], { chunks: [i], next: 0 });
    }
    const previousOf = new Int32Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const known = previousByText.get(texts[i].text);
      previousOf[i] = known ? known.chunks[known.next < known.chunks.length ? known.next++ : 0] : -1;
    }
    const baseField = <T extends string | number>(field: Bm25Field<T>) => ({
      dictionary: field.dictionary,
      lengths: field.lengths,
      coded: () => ({ offsets: field.offsets, ...field.codedPostings() }),
      postings: () => field.postings(),
    });
    const fields = updateFields({ words: baseField(base.words), grams: baseField(base.grams), pairs: baseField(base.pairs) }, previousOf, texts.map((t) => t.text));
    const index = Object.create(LexicalIndex.prototype) as LexicalIndex;
    Object.assign(index, {
      sources: texts.map((t) => t.source),
      options,
      words: Bm25Field.fromBuilt(fields.words),
      grams: Bm25Field.fromBuilt(fields.grams),
      pairs: Bm25Field.fromBuilt(fields.pairs),
    });
    return index;
  }

  /**
   * The index as bytes, for the store: `BBLX`, the header's length (uint32 LE), a JSON header, then sections at
   * 8-byte-aligned offsets the header names: term offsets and lengths as raw little-endian typed arrays, postings
   * delta-varint coded (`postingCodec.ts`; raw arrays in format 1, still read). String terms are one
   * UTF-8 block, '\n'-separated (terms are letters and digits, bigrams two of them and a space), with where each
   * starts; each field has a hash table of its terms (`termDictionary.ts`). Loading it skips tokenising every chunk
   * again, which was most of a store's load time, and building term Maps.
   */
  serializeParts(): Uint8Array[] {
    if (this.savedBytes) return [this.savedBytes];
    if (!LITTLE_ENDIAN) throw new Error('the lexical index is only saved on little-endian machines');
    const sections: SectionHeader[] = [];
    const payload: Uint8Array[] = [];
    let at = 0;
    const add = (name: string, bytes: Uint8Array) => {
      sections.push({ name, offset: at, bytes: bytes.byteLength });
      payload.push(bytes);
      at += bytes.byteLength;
      const pad = (8 - (at % 8)) % 8;
      if (pad) {
        payload.push(new Uint8Array(pad));
        at += pad;
      }
    };
    const raw = (a: Int32Array | Uint32Array | Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const fields: LexicalHeader['fields'] = {} as LexicalHeader['fields'];
    for (const name of FIELD_NAMES) {
      const field = this[name] as Bm25Field<string | number>;
      const terms = field.encodedTerms();
      if ((terms.kind === 'numbers') !== (name === 'grams')) throw new Error(`lexical index: field ${name} has the wrong kind of terms`);
      if (terms.kind === 'numbers') {
        add(`${name}.keys`, raw(terms.keys));
      } else {
        add(`${name}.keys`, terms.block);
        add(`${name}.keyStarts`, raw(terms.starts));
      }
      add(`${name}.table`, raw(terms.table));
      add(`${name}.offsets`, raw(field.offsets));
      const coded = field.codedPostings();
      add(`${name}.starts`, raw(coded.starts));
      add(`${name}.postings`, coded.bytes);
      add(`${name}.lengths`, raw(field.lengths));
      fields[name] = { terms: field.termCount, postings: field.offsets[field.offsets.length - 1], avgLength: field.avgLength };
    }
    const header: LexicalHeader = { version: LEXICAL_FORMAT, gram: GRAM, k1: K1, b: B, count: this.sources.length, fields, sections };
    let json = new TextEncoder().encode(JSON.stringify(header));
    // Pad the header so the payload starts 8-byte aligned.
    const headerPad = (8 - ((8 + json.byteLength) % 8)) % 8;
    if (headerPad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(headerPad));
    const prefix = new Uint8Array(8);
    prefix.set(MAGIC, 0);
    new DataView(prefix.buffer).setUint32(4, json.byteLength, true);
    return [prefix, json, ...payload];
  }

  /** `serializeParts()` as one buffer. */
  serialize(): Uint8Array {
    const parts = this.serializeParts();
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }

  /**
   * Reads back `serialize()`'s bytes for the chunks whose sources are `sources` (in chunk order); the typed arrays
   * are views on `bytes` when aligned. Throws on anything that does not fit (the store then rebuilds the index).
   */
  static deserialize(bytes: Uint8Array, sources: string[], options = DEFAULT_LEXICAL_OPTIONS): LexicalIndex {
    if (!LITTLE_ENDIAN) throw new Error('the lexical index is only read on little-endian machines');
    if (bytes.byteLength < 8 || !MAGIC.every((b, i) => bytes[i] === b)) throw new Error('lexical index: not a lexical index file');
    const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
    if (8 + headerBytes > bytes.byteLength) throw new Error('lexical index: truncated header');
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes))) as LexicalHeader;
    if (![1, 2, LEXICAL_FORMAT].includes(header.version) || header.gram !== GRAM || header.k1 !== K1 || header.b !== B) {
      throw new Error('lexical index: another format or other BM25 settings');
    }
    if (header.count !== sources.length) throw new Error(`lexical index has ${header.count} chunks, the store ${sources.length}`);
    const base = 8 + headerBytes;
    const section = (name: string): Uint8Array => {
      const s = header.sections.find((x) => x.name === name);
      if (!s || base + s.offset + s.bytes > bytes.byteLength) throw new Error(`lexical index: section ${name} is missing or truncated`);
      return bytes.subarray(base + s.offset, base + s.offset + s.bytes);
    };
    const typed = <A extends Int32Array | Uint32Array | Uint16Array>(
      name: string,
      Type: { new (buffer: ArrayBufferLike, offset: number, length: number): A; BYTES_PER_ELEMENT: number },
      length: number,
    ): A => {
      let s = section(name);
      if (s.byteLength !== length * Type.BYTES_PER_ELEMENT) throw new Error(`lexical index: section ${name} has the wrong size`);
      if (s.byteOffset % Type.BYTES_PER_ELEMENT !== 0) s = s.slice();
      return new Type(s.buffer, s.byteOffset, length);
    };
    const table = (name: string, terms: number): Int32Array => {
      const s = section(name);
      const size = s.byteLength / 4;
      if (!Number.isInteger(size) || size < 2 || size & (size - 1) || size < terms) throw new Error(`lexical index: section ${name} has the wrong size`);
      return typed(name, Int32Array, size);
    };
    const storedTerms = (name: FieldName, terms: number): TermDictionary<string> | TermDictionary<number> => {
      if (name === 'grams') return new StoredNumberDictionary(typed(`${name}.keys`, Int32Array, terms), table(`${name}.table`, terms));
      const starts = typed(`${name}.keyStarts`, Uint32Array, terms + 1);
      const block = section(`${name}.keys`);
      if (starts[0] !== 0 || starts[terms] !== (terms ? block.byteLength + 1 : 0)) throw new Error(`lexical index: field ${name} term starts do not match its terms`);
      return new StoredStringDictionary(block, starts, table(`${name}.table`, terms));
    };
    const listedTerms = (name: FieldName, terms: number): TermDictionary<string> | TermDictionary<number> => {
      if (name === 'grams') return new ListDictionary(Array.from(typed(`${name}.keys`, Int32Array, terms)), 'numbers');
      const text = new TextDecoder('utf-8', { fatal: true }).decode(section(`${name}.keys`));
      const keys = terms === 0 ? [] : text.split('\n');
      if (keys.length !== terms) throw new Error(`lexical index: field ${name} has ${keys.length} terms, not ${terms}`);
      return new ListDictionary(keys, 'strings');
    };
    const field = <T extends string | number>(name: FieldName): Bm25Field<T> => {
      const f = header.fields?.[name];
      if (!f || !Number.isInteger(f.terms) || !Number.isInteger(f.postings) || typeof f.avgLength !== 'number') {
        throw new Error(`lexical index: field ${name} is malformed`);
      }
      const terms = header.version >= 3 ? storedTerms(name, f.terms) : listedTerms(name, f.terms);
      const offsets = typed(`${name}.offsets`, Int32Array, f.terms + 1);
      if (offsets[0] !== 0 || offsets[f.terms] !== f.postings) throw new Error(`lexical index: field ${name} offsets do not match its postings`);
      for (let t = 0; t < f.terms; t++) if (offsets[t + 1] < offsets[t]) throw new Error(`lexical index: field ${name} offsets decrease`);
      let postings: Pick<FieldParts, 'docs' | 'tfs' | 'coded'>;
      if (header.version === 1) {
        postings = { docs: typed(`${name}.docs`, Int32Array, f.postings), tfs: typed(`${name}.tfs`, Uint16Array, f.postings) };
      } else {
        const bytes = section(`${name}.postings`);
        const starts = typed(`${name}.starts`, Uint32Array, f.terms + 1);
        for (let t = 0; t < f.terms; t++) if (starts[t + 1] < starts[t]) throw new Error(`lexical index: field ${name} term starts decrease`);
        if (starts[0] !== 0 || starts[f.terms] !== bytes.byteLength) throw new Error(`lexical index: field ${name} term starts do not match its postings`);
        // Decoded arrays are made when first needed (`Bm25Field.docs`).
        postings = { docs: new Int32Array(0), tfs: new Uint16Array(0), coded: { bytes, starts } };
      }
      return new Bm25Field<T>(terms as unknown as TermDictionary<T>, {
        offsets,
        ...postings,
        lengths: typed(`${name}.lengths`, Uint32Array, header.count),
        avgLength: f.avgLength,
      });
    };
    const index = Object.create(LexicalIndex.prototype) as LexicalIndex;
    const savedBytes = header.version === LEXICAL_FORMAT ? bytes : undefined;
    Object.assign(index, { sources, options, savedBytes, words: field<string>('words'), grams: field<number>('grams'), pairs: field<string>('pairs') });
    return index;
  }

  get size(): number {
    return this.sources.length;
  }

  /**
   * Decodes the coded postings (a loaded or updated index's: see `FieldParts.coded`) in the background, in slices of
   * a few milliseconds, one per turn of the event loop, so the first queries after a load do not pay for decoding
   * the long lists they read (measured at 100k chunks: most of a cold query's extra time; the decoding itself is
   * bound by the varints' chain of positions, ~6 ns a posting, and cannot be made much faster). Lists of fewer than
   * `BACKGROUND_MIN_POSTINGS` are left to the queries (one costs microseconds); the others go by length, shortest
   * first: a list is decoded in one go, and the first slices run before the decoder is compiled (longest first, the
   * first slices took 15–25 ms at 100k chunks, against ~3 ms now; the slices' own time, not the garbage collections
   * that allocating the decoded arrays may start). Queries meanwhile decode what they need themselves, the same
   * postings: results never depend on how far this got.
   * One index at a time: a later call on another index (a store loaded or updated again, which replaces this one)
   * takes over, and this one stops where it is. Settles when through or stopped (see also `inSlices`); the same
   * promise on every call.
   */
  decodeInBackground(): Promise<void> {
    if (!this.background) {
      latestBackground = new WeakRef(this);
      this.background = { settled: Promise.resolve(), min: BACKGROUND_MIN_POSTINGS, max: BACKGROUND_MIN_POSTINGS * 4, field: 0, from: 0 };
      this.background.settled = this.size >= BACKGROUND_MIN_POSTINGS ? inSlices(this, LexicalIndex.decodeSlice, BACKGROUND_SLICE_MS) : Promise.resolve();
    }
    return this.background.settled;
  }

  /** One slice of `decodeInBackground` (static: `inSlices` holds the index only weakly); true when through. */
  private static decodeSlice(index: LexicalIndex, deadline: number): boolean {
    if (latestBackground?.deref() !== index) return true;
    const at = index.background!;
    const fields = FIELD_NAMES.map((name) => index[name] as Bm25Field<string | number>);
    for (;;) {
      const field = fields[at.field];
      at.from = field.decodeBetween(at.min, at.max, at.from, deadline);
      if (at.from < field.termCount) return false;
      at.from = 0;
      if (++at.field === fields.length) {
        if (at.max > index.size) return true;
        at.field = 0;
        at.min = at.max;
        at.max *= 4;
      }
      if (performance.now() >= deadline) return false;
    }
  }

  /** Per field, the postings not decoded yet (for tests and tools: what queries may still have to decode). */
  codedPostings(): Record<FieldName, number> {
    return { words: this.words.codedPostingCount, grams: this.grams.codedPostingCount, pairs: this.pairs.codedPostingCount };
  }

  /** A field's terms by id and its decoded postings (for tests and tools: how the index sees the chunks). */
  field(name: FieldName): { terms: readonly (string | number)[]; postings: Postings } {
    const field = this[name] as Bm25Field<string | number>;
    return { terms: field.keys(), postings: field.postings() };
  }

  /** All scores for a query (0 where nothing matched). */
  scores(text: string): Float64Array {
    const scores = new Float64Array(this.sources.length);
    this.words.addScores(queryTerms(text), 1, scores);
    this.grams.addScores(gramHashes(text), this.options.gramBoost, scores);
    this.pairs.addScores(bigrams(terms(text)), this.options.bigramBoost, scores);
    return scores;
  }

  /**
   * Best `limit` chunks with a positive score, best first; ties by chunk order. The same hits and the same scores,
   * to the last bit, as ranking `scores(text)`: a small query scores every posting in `scores`' order into reused
   * arrays (`fullTop`); a large one skips most postings (`selectCandidates`) and re-scores the winners exactly,
   * term by term in `scores`' order.
   */
  query(text: string, limit: number, source?: string): LexicalHit[] {
    if (limit <= 0 || this.sources.length === 0) return [];
    const occurrences = this.queryOccurrences(text);
    if (occurrences.length === 0) return [];
    let candidates: ArrayLike<number>;
    if (source) {
      // A filtered search scores just that file's chunks (a file is small next to the briefing); a file as large
      // as the briefing's bulk is cheaper to find in the unpruned pass.
      const own = this.chunksOf(source);
      candidates = own.length <= FILTERED_DIRECT_MAX ? own : this.selectCandidates(occurrences, limit, own);
    } else {
      let postings = 0;
      for (const { field, id } of occurrences) postings += field.offsets[id + 1] - field.offsets[id];
      if (postings < (this.options.pruneMinPostings ?? PRUNE_MIN_POSTINGS)) return this.fullTop(occurrences, limit);
      candidates = this.selectCandidates(occurrences, limit);
    }
    const scores = this.exactScores(occurrences, candidates);
    const hits: LexicalHit[] = [];
    for (let i = 0; i < candidates.length; i++) if (scores[i] > 0) hits.push({ index: candidates[i], score: scores[i] });
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    if (hits.length > limit) hits.length = limit;
    return hits;
  }

  /** Every posting scored, in `scores`' order (so the sums are `scores`' to the bit); the best `limit` kept. */
  private fullTop(occurrences: QueryTerm[], limit: number): LexicalHit[] {
    const n = this.sources.length;
    if (!this.scratch || this.scratch.acc.length !== n) this.scratch = newScratch(n);
    const { acc, touched } = this.scratch;
    let count = 0;
    for (const { field, id, idf } of occurrences) {
      field.ensure(id);
      const { docs, tfs, norms } = field;
      const to = field.offsets[id + 1];
      for (let i = field.offsets[id]; i < to; i++) {
        const d = docs[i];
        const f = tfs[i];
        // Branch-free: whether a chunk is new is unpredictable, and a mispredicted branch per posting doubled this
        // loop's time (measured). `touched` has a spare slot for the write past the end.
        const sum = acc[d];
        touched[count] = d;
        count += +(sum === 0);
        acc[d] = sum + (idf * f * (K1 + 1)) / (f + norms[d]);
      }
    }
    const threshold = count > limit ? kthLargest(acc, touched, count, limit) : 0;
    const hits: LexicalHit[] = [];
    for (let i = 0; i < count; i++) {
      const d = touched[i];
      if (acc[d] >= threshold && acc[d] > 0) hits.push({ index: d, score: acc[d] });
      acc[d] = 0;
    }
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    if (hits.length > limit) hits.length = limit;
    return hits;
  }

  /** The query's terms in `scores`' order (words, grams, pairs; repeats kept), unknown terms and unweighted fields left out. */
  private queryOccurrences(text: string): QueryTerm[] {
    const out: QueryTerm[] = [];
    const add = <T extends string | number>(field: Bm25Field<T>, tokens: T[], weight: number) => {
      if (!weight) return;
      for (const token of tokens) {
        const id = field.idOf(token);
        if (id !== undefined) out.push({ field: field as Bm25Field<string | number>, id, idf: field.idf(id, weight) });
      }
    };
    add(this.words, queryTerms(text), 1);
    add(this.grams, gramHashes(text), this.options.gramBoost);
    add(this.pairs, bigrams(terms(text)), this.options.bigramBoost);
    return out;
  }

  /**
   * `scores(text)` at each of `chunks` (in chunk order), computed the same way: same terms, same order, same
   * arithmetic. Each distinct term's postings are walked once for all the chunks.
   */
  private exactScores(occurrences: QueryTerm[], chunks: ArrayLike<number>): Float64Array {
    const count = chunks.length;
    const scores = new Float64Array(count);
    if (count === 0) return scores;
    const tfs = new Map<Bm25Field<string | number>, Map<number, Uint16Array>>();
    for (const { field, id, idf } of occurrences) {
      let byId = tfs.get(field);
      if (!byId) tfs.set(field, (byId = new Map()));
      let row = byId.get(id);
      if (!row) {
        field.ensure(id);
        row = new Uint16Array(count);
        const to = field.offsets[id + 1];
        const { docs, tfs: termTfs } = field;
        let at = field.offsets[id];
        // A few dozen chunks in lists of up to all of them: each lookup starts from a guess (measured 0.25 → 0.18 ms a
        // query at 100k chunks, against galloping).
        for (let j = 0; j < count && at < to; j++) {
          at = seek(docs, at, to, chunks[j]);
          if (at < to && docs[at] === chunks[j]) row[j] = termTfs[at];
        }
        byId.set(id, row);
      }
      for (let j = 0; j < count; j++) {
        const f = row[j];
        if (f) scores[j] += (idf * f * (K1 + 1)) / (f + field.norms[chunks[j]]);
      }
    }
    return scores;
  }

  private chunksOf(source: string): Int32Array {
    if (!this.bySource) {
      const lists = new Map<string, number[]>();
      this.sources.forEach((s, i) => {
        const list = lists.get(s);
        if (list) list.push(i);
        else lists.set(s, [i]);
      });
      this.bySource = new Map([...lists].map(([s, list]) => [s, Int32Array.from(list)]));
    }
    return this.bySource.get(source) ?? new Int32Array(0);
  }

  /**
   * A superset of the `limit` best chunks (ties at the cut included), found by term-at-a-time scoring with
   * "quit and continue" pruning (Moffat & Zobel) and MaxScore's bound: terms go in order of the most they can add
   * to a chunk (idf × `impactBound`); once what the unread terms could still add is below a lower bound on the
   * `limit`-th best final score, no chunk that has matched nothing so far can make it, and the remaining terms are
   * only looked up for the chunks that still can. That lower bound is the `limit`-th best of the leading chunks'
   * complete scores (`completedFloor`): far above the `limit`-th best partial score, so pruning starts after the rare
   * terms instead of halfway through the frequent grams. Partial sums run in another order than `scores`, so every
   * comparison keeps a margin far above rounding error. With `only`, just those chunks are eligible and nothing is
   * pruned.
   */
  private selectCandidates(occurrences: QueryTerm[], limit: number, only?: Int32Array): ArrayLike<number> {
    const n = this.sources.length;
    if (!this.scratch || this.scratch.acc.length !== n) this.scratch = newScratch(n);
    const { acc, touched } = this.scratch;
    const plan = this.plan(occurrences);
    let remaining = 0;
    for (const t of plan) remaining += t.bound;

    let count = 0;
    let alive: Int32Array | null = null; // once pruning starts: the chunks that can still make the cut, in chunk order
    let aliveCount = 0;
    let floor = -Infinity; // a lower bound (margin taken) on the `limit`-th best final score
    let scoredSinceTry = Infinity; // postings scored since pruning was last tried
    let nextTryBelow = Infinity; // pruning is tried again once the unread terms' bounds sum below this
    const tryEvery = this.options.pruneTryEvery;
    for (let p = 0; p < plan.length; p++) {
      const { field, id, weight, bound } = plan[p];
      field.ensure(id); // (already done by impactBound; kept next to the reads it guards)
      const { docs, tfs, norms } = field;
      const from = field.offsets[id];
      const to = field.offsets[id + 1];
      // Deciding costs a pass over the chunks matched so far and a few lookups, so it is only tried before a long
      // posting list, after enough scoring since the last try.
      if (alive === null && !only && count >= limit && (tryEvery || (to - from >= count >> 2 && scoredSinceTry >= count >> 1 && remaining < nextTryBelow))) {
        scoredSinceTry = 0;
        floor = Math.max(floor, this.completedFloor(plan, p, acc, touched, count, limit));
        // The floor moves little from one try to the next: trying again is worth it once the unread terms come near it.
        nextTryBelow = floor * RETRY_SLACK;
        if (remaining < floor) {
          alive = new Int32Array(count);
          if (count > n >> 3) {
            // In chunk order without a sort. A chunk nothing matched has 0 + remaining < floor (exactly: 0 + x is x),
            // so at most `count` pass; testing acc[d] !== 0 first would be an unpredictable branch per chunk (measured
            // 0.25 ms a query at 100k chunks).
            for (let d = 0; d < n; d++) if (acc[d] + remaining >= floor) alive[aliveCount++] = d;
          } else {
            for (let i = 0; i < count; i++) {
              // Branch-free (which chunks pass is unpredictable): written always, kept when it passes.
              const d = touched[i];
              alive[aliveCount] = d;
              aliveCount += +(acc[d] + remaining >= floor);
            }
            alive.subarray(0, aliveCount).sort();
          }
        }
      }
      if (alive === null) {
        for (let i = from; i < to; i++) {
          const d = docs[i];
          const f = tfs[i];
          const sum = acc[d]; // branch-free, as in `fullTop`
          touched[count] = d;
          count += +(sum === 0);
          acc[d] = sum + (weight * f * (K1 + 1)) / (f + norms[d]);
        }
        scoredSinceTry += to - from;
        remaining -= bound;
      } else {
        // Both sides in chunk order: the shorter one is walked and each of its chunks looked up in the other,
        // galloping on from where the previous lookup stopped.
        if (to - from < aliveCount) {
          let j = 0;
          for (let i = from; i < to && j < aliveCount; i++) {
            const d = docs[i];
            j = gallop(alive, j, aliveCount, d);
            if (j < aliveCount && alive[j] === d) {
              const f = tfs[i];
              acc[d] += (weight * f * (K1 + 1)) / (f + norms[d]);
            }
          }
        } else {
          // Few chunks in a long list: a guess from the chunk numbers first (`seek`), else galloping.
          const sparse = aliveCount * 16 < to - from;
          let at = from;
          for (let j = 0; j < aliveCount && at < to; j++) {
            const d = alive[j];
            at = sparse ? seek(docs, at, to, d) : gallop(docs, at, to, d);
            if (at < to && docs[at] === d) {
              const f = tfs[at];
              acc[d] += (weight * f * (K1 + 1)) / (f + norms[d]);
            }
          }
        }
        remaining -= bound;
        if (aliveCount > limit) {
          const threshold = Math.max(floor, lowered(kthLargest(acc, alive, aliveCount, limit)));
          let kept = 0;
          for (let j = 0; j < aliveCount; j++) {
            const d = alive[j]; // branch-free, as above
            alive[kept] = d;
            kept += +(acc[d] + remaining >= threshold);
          }
          aliveCount = kept;
        }
      }
    }

    let pool: Int32Array;
    let poolCount = 0;
    if (only) {
      pool = new Int32Array(only.length);
      for (const d of only) if (acc[d] > 0) pool[poolCount++] = d;
    } else if (alive) {
      pool = alive;
      poolCount = aliveCount;
    } else {
      pool = touched;
      poolCount = count;
    }
    const out: number[] = [];
    const threshold = poolCount > limit ? lowered(kthLargest(acc, pool, poolCount, limit)) : -Infinity;
    for (let i = 0; i < poolCount; i++) if (acc[pool[i]] >= threshold) out.push(pool[i]);
    if (count > n >> 3) acc.fill(0);
    else for (let i = 0; i < count; i++) acc[touched[i]] = 0;
    return out.sort((a, b) => a - b);
  }

  /** The query's distinct terms (repeats merged, idfs summed), by the most each can add to a chunk, largest first. */
  private plan(occurrences: QueryTerm[]): PlannedTerm[] {
    const merged = new Map<Bm25Field<string | number>, Map<number, number>>();
    for (const { field, id, idf } of occurrences) {
      let ids = merged.get(field);
      if (!ids) merged.set(field, (ids = new Map()));
      ids.set(id, (ids.get(id) ?? 0) + idf);
    }
    const plan: PlannedTerm[] = [];
    for (const [field, ids] of merged) for (const [id, weight] of ids) plan.push({ field, id, weight, bound: weight * field.impactBound(id) });
    return plan.sort((a, b) => b.bound - a.bound);
  }

  /**
   * A lower bound on the `limit`-th best final score (margin taken): the `limit` chunks with the best partial sums
   * (`acc`, terms before `next` scored) completed with the unread terms, looked up; the `limit`-th best of those.
   * Any `limit` chunks' complete scores bound it from below; the leading ones bound it closely.
   */
  private completedFloor(plan: PlannedTerm[], next: number, acc: Float64Array, touched: Int32Array, count: number, limit: number): number {
    const top = largest(acc, touched, count, limit).sort();
    const full = new Float64Array(limit);
    for (let j = 0; j < limit; j++) full[j] = acc[top[j]];
    for (let p = next; p < plan.length; p++) {
      const { field, id, weight } = plan[p];
      const { docs, tfs, norms } = field;
      const to = field.offsets[id + 1];
      let at = field.offsets[id];
      for (let j = 0; j < limit && at < to; j++) {
        const d = top[j];
        at = seek(docs, at, to, d);
        if (at < to && docs[at] === d) {
          const f = tfs[at];
          full[j] += (weight * f * (K1 + 1)) / (f + norms[d]);
        }
      }
    }
    full.sort();
    return lowered(full[0]);
  }
}

interface PlannedTerm {
  field: Bm25Field<string | number>;
  id: number;
  /** The summed idf × field weight of the term's occurrences in the query. */
  weight: number;
  /** `weight × impactBound`: the most the term adds to any chunk. */
  bound: number;
}

interface QueryTerm {
  field: Bm25Field<string | number>;
  id: number;
  /** idf × the field's weight. */
  idf: number;
}

/** Per-query work arrays for `n` chunks: `touched` has one slot more, for branch-free appends. */
function newScratch(n: number): { acc: Float64Array; touched: Int32Array } {
  return { acc: new Float64Array(n), touched: new Int32Array(n + 1) };
}

/**
 * Below this many postings a query scores them all (`fullTop`): pruning's bookkeeping costs more than it saves.
 * Measured (CPU per query, eval questions, k 40): 10k chunks (~45k postings a query) full 0.26 ms, pruned 0.36 ms;
 * 100k chunks, the queries under 150k postings: full 0.87 ms, pruned 0.78 ms; all of them (~450k postings) full
 * 2.5 ms, pruned 1.5 ms. (Before the floor and branch-free loops: 0.37–0.41 / 0.53–0.63 ms at 10k, 3.8 / 2.6 ms.)
 */
const PRUNE_MIN_POSTINGS = 150_000;
/**
 * After a try, pruning is tried again once the unread terms' bounds sum below this multiple of the floor found (1.25,
 * 1.5 and 3 measured slower at 100k chunks: each try costs a pass over the matched chunks and some lookups).
 */
const RETRY_SLACK = 1.0;
/**
 * `decodeInBackground` leaves lists shorter than this to the queries that need them: decoding one costs a few
 * microseconds, and they are most of the terms (the many rare bigrams) but few of the postings.
 */
const BACKGROUND_MIN_POSTINGS = 1024;
/** A background slice's budget: the event loop stays free for the bot (a slice may pass it by one list: < 1 ms at 100k chunks). */
const BACKGROUND_SLICE_MS = 3;
/** The index `decodeInBackground` works on (the latest asked for), held weakly. */
let latestBackground: WeakRef<LexicalIndex> | undefined;
/** How many postings `decodeBetween` decodes between clock reads (~25 µs once the decoder is compiled). */
const CLOCK_EVERY_POSTINGS = 4096;
/** A source with at most this many chunks is searched by scoring each of its chunks directly. */
const FILTERED_DIRECT_MAX = 256;
/**
 * Pruning compares partial sums taken in another order than `scores` takes them: a threshold is lowered by this
 * relative margin (rounding error is ~1e-15 relative), so a chunk is only dropped when it is clearly out.
 */
const PRUNE_MARGIN = 1e-9;

function lowered(x: number): number {
  return x - PRUNE_MARGIN * (Math.abs(x) + 1);
}

/** Scratch for `fillHeap`, grown as needed: the k-th largest is taken many times per query. */
const heap = { values: new Float64Array(64), chunks: new Int32Array(64) };

/**
 * Leaves in `heap` (first `k` slots) a size-k min-heap of the `k` entries of `list[0..count)` (count ≥ k ≥ 1)
 * with the largest `values`, as (value, chunk), in one pass; ties taken in any order.
 */
function fillHeap(values: Float64Array, list: Int32Array, count: number, k: number): void {
  if (heap.values.length < k) heap.values = new Float64Array(k);
  if (heap.chunks.length < k) heap.chunks = new Int32Array(k);
  const { values: h, chunks } = heap;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const d = list[i];
    const v = values[d];
    if (size < k) {
      // Sift up.
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (h[parent] <= v) break;
        h[at] = h[parent];
        chunks[at] = chunks[parent];
        at = parent;
      }
      h[at] = v;
      chunks[at] = d;
    } else if (v > h[0]) {
      // Replace the root and sift down.
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= k) break;
        if (child + 1 < k && h[child + 1] < h[child]) child++;
        if (h[child] >= v) break;
        h[at] = h[child];
        chunks[at] = chunks[child];
        at = child;
      }
      h[at] = v;
      chunks[at] = d;
    }
  }
}

/** The `k` chunks of `list[0..count)` with the largest `values` (count ≥ k ≥ 1), in no particular order. */
function largest(values: Float64Array, list: Int32Array, count: number, k: number): Int32Array {
  fillHeap(values, list, count, k);
  return heap.chunks.slice(0, k);
}

/** The `k`-th largest of `values[list[0..count)]` (count ≥ k ≥ 1). */
function kthLargest(values: Float64Array, list: Int32Array, count: number, k: number): number {
  fillHeap(values, list, count, k);
  return heap.values[0];
}
