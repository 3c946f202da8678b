import { normalize, stem } from '../text/tokenize.js';

/**
 * Tokenising chunks for the BM25 index (`lexicalIndex.ts`) once per build rather than once per field: each chunk's
 * words are split once, and everything derived from a word (its stem's term id, its character 4-grams' term ids)
 * is computed the first time the word is seen and reused for every later occurrence; a briefing repeats its words
 * (10k chunks: ~1.7M words, ~60k distinct). Term ids are given in order of first occurrence in each field's token
 * stream, exactly as looking every token up one by one would give them, so the index comes out the same.
 */
export const GRAM = 4;

/** A growable Int32Array: postings of a large corpus without millions of small JS arrays. */
export class IntBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }
  /** Makes room for `capacity` values in all. */
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const grown = new Int32Array(Math.max(capacity, this.data.length * 2));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

const NON_ASCII = /[^\x00-\x7f]/;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Per BMP code unit: 0 not yet known, 1 a letter or digit, 2 not. */
const wordUnit = new Uint8Array(0x10000);
for (let c = 0; c < 0x80; c++) wordUnit[c] = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ? 1 : 2;

/** Whether code point `cp` is a letter or a digit, as `words`' `[\p{L}\p{N}]` with the u flag decides. */
function isWordCodePoint(cp: number): boolean {
  if (cp < 0x10000) {
    let known = wordUnit[cp];
    if (!known) known = wordUnit[cp] = LETTER_OR_DIGIT.test(String.fromCharCode(cp)) ? 1 : 2;
    return known === 1;
  }
  return LETTER_OR_DIGIT.test(String.fromCodePoint(cp));
}

/**
 * The text `words(text)` (tokenize.ts) splits: `normalize(text)`, which on ASCII text is just lower-casing (NFKD
 * changes nothing there and there are no combining marks).
 */
function normalized(text: string): string {
  return NON_ASCII.test(text) ? normalize(text) : text.toLowerCase();
}

/**
 * Appends the character 4-grams of `word` with boundary marks (as `charNgrams` makes them: a word of two letters
 * or less gives its one padded gram) as 30-bit FNV-1a hashes: no substring per gram, and small integers stay
 * unboxed in V8, so looking them up is cheap. Collisions among the few million distinct grams are negligible.
 */
export function pushGramHashes(word: string, out: { push(value: number): void }): void {
  const padded = `<${word}>`;
  const last = Math.max(0, padded.length - GRAM);
  for (let i = 0; i <= last; i++) {
    let hash = 0x811c9dc5;
    const end = Math.min(i + GRAM, padded.length);
    for (let j = i; j < end; j++) {
      hash ^= padded.charCodeAt(j);
      hash = Math.imul(hash, 0x01000193);
    }
    out.push(hash & 0x3fffffff);
  }
}

/** One chunk's tokens in each field, as term ids of the session that made them (in text order, repeats kept). */
export interface ChunkTokens {
  words: Int32Array;
  grams: Int32Array;
  pairs: Int32Array;
}

/**
 * Term ids for the three fields over a run of chunks. `stems`, `grams` and `pairTerms()` list each field's terms by
 * id. Per build: its caches hold every distinct word of the chunks it saw.
 */
export class TokenSession {
  /** Words field: stem by term id, and back. */
  readonly stems: string[] = [];
  readonly stemIds = new Map<string, number>();
  /** Grams field: gram hash by term id, and back. */
  readonly grams: number[] = [];
  readonly gramIds = new Map<number, number>();
  /** Pairs field: the two stems' term ids of each pair, by pair term id; an open-addressing table finds them. */
  private readonly pairFirst = new IntBuffer();
  private readonly pairSecond = new IntBuffer();
  private pairSlots = new Int32Array(1 << 12); // pair id + 1; 0 = empty
  /**
   * Per distinct (normalised, unstemmed) word, an entry: the word, its hash, its stem's term id and its grams' term
   * ids; an open-addressing table on the hash finds a word's entry straight from the text, without a substring.
   */
  private readonly entryWord: string[] = [];
  private readonly entryHash = new IntBuffer();
  private entrySlots = new Int32Array(1 << 12); // entry + 1; 0 = empty
  private readonly entryStem = new IntBuffer();
  private readonly entryGramEnd = new IntBuffer();
  private readonly entryGrams = new IntBuffer(1 << 14);
  private readonly scratch = new IntBuffer(64);
  private readonly wordBuffer = new IntBuffer();
  private readonly gramBuffer = new IntBuffer(8192);
  private readonly pairBuffer = new IntBuffer();

  get pairCount(): number {
    return this.pairFirst.length;
  }

  /** Pair terms by id, as the index names them: the two stems and a space between. */
  pairTerms(): string[] {
    const out = new Array<string>(this.pairFirst.length);
    for (let p = 0; p < out.length; p++) out[p] = `${this.stems[this.pairFirst.data[p]]} ${this.stems[this.pairSecond.data[p]]}`;
    return out;
  }

  /** The chunk's tokens, in buffers of the session that the next call overwrites. */
  tokenize(text: string): ChunkTokens {
    const s = normalized(text);
    const wordIds = this.wordBuffer;
    const grams = this.gramBuffer;
    const pairs = this.pairBuffer;
    wordIds.length = grams.length = pairs.length = 0;
    const length = s.length;
    let start = -1; // where the current word began, or -1 between words
    let hash = 0;
    for (let i = 0; i <= length; ) {
      let inWord = false;
      let units = 1;
      if (i < length) {
        const c = s.charCodeAt(i);
        if (c < 0xd800 || c > 0xdfff) inWord = isWordCodePoint(c);
        else {
          const cp = s.codePointAt(i)!;
          if (cp > 0xffff) units = 2;
          inWord = isWordCodePoint(cp);
        }
      }
      if (inWord) {
        if (start < 0) {
          start = i;
          hash = 0x811c9dc5;
        }
        for (let u = 0; u < units; u++) hash = Math.imul(hash ^ s.charCodeAt(i + u), 0x01000193);
      } else if (start >= 0) {
        const entry = this.entryAt(s, start, i, hash);
        const stemId = this.entryStem.data[entry];
        if (wordIds.length > 0) pairs.push(this.pairId(wordIds.data[wordIds.length - 1], stemId));
        wordIds.push(stemId);
        // Read after `entryAt`, which may have grown these buffers.
        const ends = this.entryGramEnd.data;
        const all = this.entryGrams.data;
        const from = entry ? ends[entry - 1] : 0;
        const to = ends[entry];
        grams.grow(grams.length + (to - from));
        const gramData = grams.data;
        for (let g = from; g < to; g++) gramData[grams.length++] = all[g];
        start = -1;
      }
      i += units;
    }
    return { words: wordIds.data.subarray(0, wordIds.length), grams: grams.data.subarray(0, grams.length), pairs: pairs.data.subarray(0, pairs.length) };
  }

  /** The entry of the word `s[start, end)` whose FNV-1a hash is `hash`, made if new. */
  private entryAt(s: string, start: number, end: number, hash: number): number {
    const mask = this.entrySlots.length - 1;
    const size = end - start;
    let slot = mix(hash) & mask;
    for (;;) {
      const held = this.entrySlots[slot];
      if (held === 0) break;
      if (this.entryHash.data[held - 1] === hash) {
        const word = this.entryWord[held - 1];
        if (word.length === size) {
          let k = 0;
          while (k < size && word.charCodeAt(k) === s.charCodeAt(start + k)) k++;
          if (k === size) return held - 1;
        }
      }
      slot = (slot + 1) & mask;
    }
    const entry = this.entry(s.slice(start, end));
    this.entryHash.push(hash);
    if ((entry + 1) * 2 > this.entrySlots.length) {
      this.rehashEntries();
    } else {
      this.entrySlots[slot] = entry + 1;
    }
    return entry;
  }

  private rehashEntries(): void {
    const slots = new Int32Array(this.entrySlots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.entryHash.length; e++) {
      let slot = mix(this.entryHash.data[e]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.entrySlots = slots;
  }

  /** A new entry for `word` (its stem and grams looked up or given ids); the caller files it in the table. */
  private entry(word: string): number {
    const entry = this.entryStem.length;
    this.entryWord.push(word);
    const s = stem(word);
    let stemId = this.stemIds.get(s);
    if (stemId === undefined) {
      stemId = this.stems.length;
      this.stems.push(s);
      this.stemIds.set(s, stemId);
    }
    this.entryStem.push(stemId);
    this.scratch.length = 0;
    pushGramHashes(word, this.scratch);
    for (let g = 0; g < this.scratch.length; g++) {
      const hash = this.scratch.data[g];
      let id = this.gramIds.get(hash);
      if (id === undefined) {
        id = this.grams.length;
        this.grams.push(hash);
        this.gramIds.set(hash, id);
      }
      this.entryGrams.push(id);
    }
    this.entryGramEnd.push(this.entryGrams.length);
    return entry;
  }

  private pairId(first: number, second: number): number {
    let mask = this.pairSlots.length - 1;
    let slot = pairHash(first, second) & mask;
    for (;;) {
      const held = this.pairSlots[slot];
      if (held === 0) break;
      if (this.pairFirst.data[held - 1] === first && this.pairSecond.data[held - 1] === second) return held - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.pairFirst.length;
    this.pairFirst.push(first);
    this.pairSecond.push(second);
    if ((id + 1) * 2 > this.pairSlots.length) {
      this.growPairs();
      mask = this.pairSlots.length - 1;
      slot = pairHash(first, second) & mask;
      while (this.pairSlots[slot] !== 0) slot = (slot + 1) & mask;
    }
    this.pairSlots[slot] = id + 1;
    return id;
  }

  /** Doubles the pair table and places every pair but the newest (which the caller places). */
  private growPairs(): void {
    const slots = new Int32Array(this.pairSlots.length * 2);
    const mask = slots.length - 1;
    for (let p = 0; p + 1 < this.pairFirst.length; p++) {
      let slot = pairHash(this.pairFirst.data[p], this.pairSecond.data[p]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = p + 1;
    }
    this.pairSlots = slots;
  }
}

/** Spreads a hash's bits, so the low bits a table uses are not just the last characters'. */
function mix(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}

function pairHash(first: number, second: number): number {
  let h = Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
