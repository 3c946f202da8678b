import { mergeCoded, type CodedField } from './codedMerge.js';
import { IntBuffer, TokenSession } from './lexicalTokens.js';
import { ExtendedDictionary, type TermDictionary } from './termDictionary.js';

/**
 * Building the BM25 fields' arrays (`lexicalIndex.ts`), from scratch or from a previous index. Both go through a
 * forward index (per chunk: its distinct term ids and their tfs) that is then inverted into per-term postings in
 * chunk order. An update takes the kept chunks' rows from the previous index (inverted back), tokenises only the
 * new chunks, and drops the terms no chunk has any more, so every posting, length and document frequency is what a
 * full build over the new chunk list gives; only term ids may be numbered in another order, which no score sees.
 */
export const FIELD_NAMES = ['words', 'grams', 'pairs'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** A field's postings column-wise: `docs`/`tfs` at `offsets[t]..offsets[t + 1]` are term `t`'s, chunks increasing. */
export interface Postings {
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Uint16Array;
  /** Tokens per chunk (repeats counted). */
  lengths: Uint32Array;
  avgLength: number;
}

export interface BuiltField<T extends string | number> {
  /** The terms by id, or an updated dictionary. */
  terms: T[] | TermDictionary<T>;
  kind: 'strings' | 'numbers';
  /** With `coded`, `docs`/`tfs` are empty: postings are decoded term by term when used (as a loaded index's). */
  postings: Postings;
  coded?: { bytes: Uint8Array; starts: Uint32Array };
  /** `terms` back to ids, when the build already has it. */
  ids?: Map<T, number>;
}

export interface BuiltFields {
  words: BuiltField<string>;
  grams: BuiltField<number>;
  pairs: BuiltField<string>;
}

/** Per chunk, its distinct term ids (first occurrence order) and their tfs, CSR. */
interface Forward {
  offsets: Int32Array;
  terms: Int32Array;
  tfs: Uint16Array;
  lengths: Uint32Array;
}

class ForwardBuilder {
  private readonly offsets = new IntBuffer();
  private readonly terms: IntBuffer;
  private readonly counts: IntBuffer;
  private readonly lengths = new IntBuffer();
  /** Per term id: the chunk (+1) that last had it, and where its count is. */
  private stamp = new Int32Array(1 << 12);
  private at = new Int32Array(1 << 12);

  /** `capacity`: the expected number of (chunk, term) rows, so the buffers seldom grow. */
  constructor(capacity: number) {
    this.terms = new IntBuffer(capacity);
    this.counts = new IntBuffer(capacity);
    this.offsets.push(0);
  }

  add(ids: Int32Array): void {
    const mark = this.lengths.length + 1;
    this.lengths.push(ids.length);
    const { terms, counts } = this;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= this.stamp.length) this.growStamps(id);
      if (this.stamp[id] !== mark) {
        this.stamp[id] = mark;
        this.at[id] = terms.length;
        terms.push(id);
        counts.push(1);
      } else {
        counts.data[this.at[id]]++;
      }
    }
    this.offsets.push(terms.length);
  }

  private growStamps(id: number): void {
    const size = Math.max(id + 1, this.stamp.length * 2);
    const stamp = new Int32Array(size);
    stamp.set(this.stamp);
    const at = new Int32Array(size);
    at.set(this.at);
    this.stamp = stamp;
    this.at = at;
  }

  finish(): Forward {
    const tfs = new Uint16Array(this.counts.length);
    for (let i = 0; i < tfs.length; i++) tfs[i] = Math.min(this.counts.data[i], 0xffff);
    return { offsets: this.offsets.toArray(), terms: this.terms.toArray(), tfs, lengths: Uint32Array.from(this.lengths.toArray()) };
  }
}

/**
 * Per-term postings from a forward index over `termCount` term ids. Terms no chunk has are left out: `kept` lists
 * the surviving old ids in order (null when all survive).
 */
function invert(forward: Forward, termCount: number): { postings: Postings; kept: Int32Array | null } {
  const { offsets: rows, terms, tfs: rowTfs, lengths } = forward;
  const count = lengths.length;
  const df = new Int32Array(termCount);
  for (let i = 0; i < terms.length; i++) df[terms[i]]++;
  const { offsets, kept, newId } = layout(df);
  const alive = offsets.length - 1;
  const fill = offsets.slice(0, alive);
  const docs = new Int32Array(terms.length);
  const tfs = new Uint16Array(terms.length);
  // Rows in chunk order: each term's postings come out sorted by chunk.
  for (let d = 0; d < count; d++) {
    for (let i = rows[d]; i < rows[d + 1]; i++) {
      const t = newId ? newId[terms[i]] : terms[i];
      const at = fill[t]++;
      docs[at] = d;
      tfs[at] = rowTfs[i];
    }
  }
  return { postings: { offsets, docs, tfs, lengths, avgLength: averageLength(lengths) }, kept };
}

function averageLength(lengths: Uint32Array): number {
  let total = 0;
  for (let d = 0; d < lengths.length; d++) total += lengths[d];
  return lengths.length ? total / lengths.length : 0;
}

/**
 * Where each term's postings go, given each term id's document frequency: terms with none are left out, `kept`
 * listing the surviving ids in order and `newId` numbering them (both null when all survive).
 */
function layout(df: Int32Array): { offsets: Int32Array; kept: Int32Array | null; newId: Int32Array | null } {
  const termCount = df.length;
  let alive = 0;
  for (let t = 0; t < termCount; t++) if (df[t] > 0) alive++;
  let kept: Int32Array | null = null;
  let newId: Int32Array | null = null;
  if (alive < termCount) {
    kept = new Int32Array(alive);
    newId = new Int32Array(termCount).fill(-1);
    for (let t = 0, k = 0; t < termCount; t++) {
      if (df[t] > 0) {
        kept[k] = t;
        newId[t] = k++;
      }
    }
  }
  const offsets = new Int32Array(alive + 1);
  for (let t = 0, k = 0; t < termCount; t++) {
    if (df[t] > 0) {
      offsets[k + 1] = offsets[k] + df[t];
      k++;
    }
  }
  return { offsets, kept, newId };
}

/**
 * `newOf[previous chunk]`: its position in the new list, or -1 if dropped; null unless every kept chunk comes from
 * a different previous chunk and they keep their order (the usual update: documents added, edited or removed).
 */
function keptInOrder(previousOf: Int32Array, previousCount: number): Int32Array | null {
  const newOf = new Int32Array(previousCount).fill(-1);
  let last = -1;
  for (let d = 0; d < previousOf.length; d++) {
    const p = previousOf[d];
    if (p < 0) continue;
    if (p <= last) return null;
    newOf[p] = d;
    last = p;
  }
  return newOf;
}

/** The forward index of existing postings (each chunk's term ids increasing). */
function transpose(postings: Postings): Forward {
  const { offsets, docs, tfs, lengths } = postings;
  const count = lengths.length;
  const rows = new Int32Array(count + 1);
  for (let i = 0; i < docs.length; i++) rows[docs[i] + 1]++;
  for (let d = 0; d < count; d++) rows[d + 1] += rows[d];
  const fill = rows.slice(0, count);
  const terms = new Int32Array(docs.length);
  const rowTfs = new Uint16Array(docs.length);
  const termCount = offsets.length - 1;
  for (let t = 0; t < termCount; t++) {
    for (let i = offsets[t]; i < offsets[t + 1]; i++) {
      const at = fill[docs[i]]++;
      terms[at] = t;
      rowTfs[at] = tfs[i];
    }
  }
  return { offsets: rows, terms, tfs: rowTfs, lengths };
}

interface Tokenised {
  session: TokenSession;
  words: Forward;
  grams: Forward;
  pairs: Forward;
}

/**
 * Distinct terms per chunk for each 1,000 characters of text, a little above what news and encyclopedia text gives
 * (10k chunks of the bench: ~90 words, ~430 grams, ~110 pairs).
 */
const ROWS_PER_CHAR = { words: 0.12, grams: 0.5, pairs: 0.14 };

function tokenise(texts: string[]): Tokenised {
  const session = new TokenSession();
  let chars = 0;
  for (const text of texts) chars += text.length;
  const rows = (field: FieldName) => Math.ceil(chars * ROWS_PER_CHAR[field]) + 1024;
  const builders = { words: new ForwardBuilder(rows('words')), grams: new ForwardBuilder(rows('grams')), pairs: new ForwardBuilder(rows('pairs')) };
  for (const text of texts) {
    const tokens = session.tokenize(text);
    builders.words.add(tokens.words);
    builders.grams.add(tokens.grams);
    builders.pairs.add(tokens.pairs);
  }
  return { session, words: builders.words.finish(), grams: builders.grams.finish(), pairs: builders.pairs.finish() };
}

/** The three fields over `texts`, from scratch. */
export function buildFields(texts: string[]): BuiltFields {
  const { session, ...forward } = tokenise(texts);
  // Every term of a session occurs in some chunk, so none is dropped and ids stay those of the session.
  const words = invert(forward.words, session.stems.length).postings;
  const grams = invert(forward.grams, session.grams.length).postings;
  const pairs = invert(forward.pairs, session.pairCount).postings;
  return {
    words: { terms: session.stems, kind: 'strings', postings: words, ids: session.stemIds },
    grams: { terms: session.grams, kind: 'numbers', postings: grams, ids: session.gramIds },
    pairs: { terms: session.pairTerms(), kind: 'strings', postings: pairs },
  };
}

export interface BaseField<T extends string | number> {
  dictionary: TermDictionary<T>;
  lengths: Uint32Array;
  /** The postings coded (`postingCodec.ts`) with their decoded layout's offsets. */
  coded(): CodedField;
  /** The postings fully decoded. */
  postings(): Postings;
}

/**
 * The general update (chunks repeated or reordered): the new forward index, each row the previous chunk's (from
 * `base` inverted back) or a new chunk's (`own`, its term ids mapped by `idOf`), inverted.
 */
function invertRows(base: Postings, own: Forward, idOf: Int32Array, termCount: number, lengths: Uint32Array, previousOf: Int32Array, freshRow: Int32Array): { postings: Postings; kept: Int32Array | null } {
    const previous = transpose(base);
    const count = previousOf.length;
    const rows = new Int32Array(count + 1);
    for (let d = 0; d < count; d++) {
      const p = previousOf[d];
      const [from, to] = p >= 0 ? [previous.offsets[p], previous.offsets[p + 1]] : [own.offsets[freshRow[d]], own.offsets[freshRow[d] + 1]];
      rows[d + 1] = rows[d] + (to - from);
    }
    const rowTerms = new Int32Array(rows[count]);
    const rowTfs = new Uint16Array(rows[count]);
    for (let d = 0; d < count; d++) {
      const p = previousOf[d];
      let at = rows[d];
      if (p >= 0) {
        rowTerms.set(previous.terms.subarray(previous.offsets[p], previous.offsets[p + 1]), at);
        rowTfs.set(previous.tfs.subarray(previous.offsets[p], previous.offsets[p + 1]), at);
      } else {
        const r = freshRow[d];
        for (let i = own.offsets[r]; i < own.offsets[r + 1]; i++, at++) {
          rowTerms[at] = idOf[own.terms[i]];
          rowTfs[at] = own.tfs[i];
        }
      }
    }
  return invert({ offsets: rows, terms: rowTerms, tfs: rowTfs, lengths }, termCount);
}

/**
 * The three fields over new chunks, from the fields of a previous index: `previousOf[i]` is the previous chunk
 * whose text new chunk `i` has (its postings and length carry over), or -1 for a chunk to tokenise from
 * `texts[i]` (read only for those).
 */
export function updateFields(
  base: { words: BaseField<string>; grams: BaseField<number>; pairs: BaseField<string> },
  previousOf: Int32Array,
  texts: string[],
): BuiltFields {
  const fresh: string[] = [];
  const freshRow = new Int32Array(previousOf.length).fill(-1);
  const freshDocs: number[] = [];
  for (let i = 0; i < previousOf.length; i++) {
    if (previousOf[i] < 0) {
      freshRow[i] = fresh.length;
      fresh.push(texts[i]);
      freshDocs.push(i);
    }
  }
  const freshDoc = Int32Array.from(freshDocs);
  const { session, ...forward } = tokenise(fresh);
  const update = <T extends string | number>(field: BaseField<T>, own: Forward, ownTerms: T[], kind: BuiltField<T>['kind']): BuiltField<T> => {
    // The new chunks' terms: the previous index's id when it has the term, else one after all of its ids.
    const baseCount = field.dictionary.size;
    const idOf = new Int32Array(ownTerms.length);
    const appended: T[] = [];
    for (let l = 0; l < ownTerms.length; l++) {
      const id = field.dictionary.idOf(ownTerms[l]);
      if (id === undefined) {
        idOf[l] = baseCount + appended.length;
        appended.push(ownTerms[l]);
      } else {
        idOf[l] = id;
      }
    }
    const termCount = baseCount + appended.length;
    // The terms left: the previous ones that still have postings, then the new ones (which all do).
    const terms = (kept: Int32Array | null): TermDictionary<T> => {
      let keptBase: Int32Array | null = null;
      if (kept && kept.length < termCount) {
        let n = 0;
        while (n < kept.length && kept[n] < baseCount) n++;
        keptBase = kept.slice(0, n);
      }
      return new ExtendedDictionary(field.dictionary, keptBase, appended);
    };
    const count = previousOf.length;
    const lengths = new Uint32Array(count);
    for (let d = 0; d < count; d++) lengths[d] = previousOf[d] >= 0 ? field.lengths[previousOf[d]] : own.lengths[freshRow[d]];
    const newOf = keptInOrder(previousOf, field.lengths.length);
    if (newOf) {
      const fresh = invert(own, ownTerms.length).postings;
      for (let i = 0; i < fresh.docs.length; i++) fresh.docs[i] = freshDoc[fresh.docs[i]];
      const coded = mergeCoded(field.coded(), newOf, fresh, idOf, termCount);
      return {
        terms: terms(coded.kept),
        kind,
        postings: { offsets: coded.offsets, docs: new Int32Array(0), tfs: new Uint16Array(0), lengths, avgLength: averageLength(lengths) },
        coded: { bytes: coded.bytes, starts: coded.starts },
      };
    }
    const { postings, kept } = invertRows(field.postings(), own, idOf, termCount, lengths, previousOf, freshRow);
    return { terms: terms(kept), kind, postings };
  };
  return {
    words: update(base.words, forward.words, session.stems, 'strings'),
    grams: update(base.grams, forward.grams, session.grams, 'numbers'),
    pairs: update(base.pairs, forward.pairs, session.pairTerms(), 'strings'),
  };
}
