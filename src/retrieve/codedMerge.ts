import type { Postings } from './lexicalFields.js';

/**
 * An update of one BM25 field done on the coded postings (`postingCodec.ts`) rather than decoded arrays: each
 * previous term's postings are read from the saved bytes, renumbered, merged with the new chunks' postings and
 * written coded, in one pass and without a decoded copy of millions of postings (whose allocation and collection
 * cost more than the work). When every kept chunk moves by the same amount (documents added only before or after
 * all the others, as a first-sorting file name does), a term the new chunks lack keeps its bytes: only its first
 * gap is written anew, the rest copied.
 *
 * Needs the kept chunks in their previous order, each once (`newOf`, see `keptInOrder` in lexicalFields.ts).
 */
export interface CodedField {
  /** Per term, its postings' range in a decoded layout (`offsets[t + 1] − offsets[t]` is its df). */
  offsets: Int32Array;
  bytes: Uint8Array;
  starts: Uint32Array;
}

export interface CodedResult {
  /** The final ids (of `termCount`) that have postings, in order: the new field's terms. */
  kept: Int32Array;
  offsets: Int32Array;
  bytes: Uint8Array;
  starts: Uint32Array;
}

/** Reads one term's postings in place; `next()` moves to the following one (false at the end). */
class Reader {
  private bytes: Uint8Array = new Uint8Array(0);
  private at = 0;
  private end = 0;
  doc = -1;
  tf = 0;
  /** Where the current posting's bytes start. */
  postingStart = 0;

  reset(bytes: Uint8Array, start: number, end: number): void {
    this.bytes = bytes;
    this.at = start;
    this.end = end;
    this.doc = -1;
  }

  private varint(): number {
    let value = 0;
    let scale = 1;
    for (let n = 0; n < 5; n++) {
      if (this.at >= this.end) throw new Error('lexical index: postings are truncated');
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new Error('lexical index: postings hold an overlong number');
  }

  next(): boolean {
    if (this.at >= this.end) return false;
    this.postingStart = this.at;
    const code = this.varint();
    const more = code % 2;
    this.doc += 1 + (code - more) / 2;
    this.tf = more ? 2 + this.varint() : 1;
    return true;
  }

  get position(): number {
    return this.at;
  }
}

class Writer {
  bytes: Uint8Array;
  at = 0;
  private previous = -1;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }

  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.at + n, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  private varint(value: number): void {
    this.room(5);
    while (value >= 0x80) {
      this.bytes[this.at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.bytes[this.at++] = value;
  }

  startTerm(): void {
    this.previous = -1;
  }

  put(doc: number, tf: number): void {
    this.varint((doc - this.previous - 1) * 2 + (tf > 1 ? 1 : 0));
    if (tf > 1) this.varint(tf - 2);
    this.previous = doc;
  }

  /** Copies coded postings whose gaps stay as they are, to end a term (the writer no longer knows the last chunk). */
  copyRest(bytes: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    if (to - from > 64) {
      this.bytes.set(bytes.subarray(from, to), this.at);
      this.at += to - from;
    } else {
      // Most terms have a few postings: a loop is cheaper than a subarray object each.
      for (let i = from; i < to; i++) this.bytes[this.at++] = bytes[i];
    }
    this.previous = Number.NaN;
  }
}

/**
 * The field's new coded postings. `newOf[p]`: previous chunk `p`'s new position or -1 (dropped); `fresh`: the new
 * chunks' postings by their own term ids (chunks numbered in the new list), `idOf` mapping those to final ids;
 * `termCount` final ids in all (the previous terms first, same ids).
 */
export function mergeCoded(base: CodedField, newOf: Int32Array, fresh: Postings, idOf: Int32Array, termCount: number): CodedResult {
  const baseTerms = base.offsets.length - 1;
  const localOf = new Int32Array(termCount).fill(-1);
  for (let l = 0; l < idOf.length; l++) localOf[idOf[l]] = l;
  // One shift for every previous chunk: nothing dropped, all kept chunks moved by the same amount.
  const shift = newOf.length ? newOf[0] : 0;
  let oneShift = shift >= 0;
  for (let p = 0; p < newOf.length && oneShift; p++) oneShift = newOf[p] === p + shift;

  const writer = new Writer(base.bytes.length + fresh.docs.length * 3 + 64);
  const reader = new Reader();
  const kept = new Int32Array(termCount);
  const starts: number[] = [];
  const df: number[] = [];
  let keptCount = 0;
  for (let t = 0; t < termCount; t++) {
    const start = writer.at;
    writer.startTerm();
    let count = 0;
    const l = localOf[t];
    let j = l >= 0 ? fresh.offsets[l] : 0;
    const jEnd = l >= 0 ? fresh.offsets[l + 1] : 0;
    if (t < baseTerms) {
      reader.reset(base.bytes, base.starts[t], base.starts[t + 1]);
      const total = base.offsets[t + 1] - base.offsets[t];
      if (oneShift && j === jEnd) {
        // The first gap changes with the shift; the others stay, and so do their bytes.
        if (reader.next()) {
          writer.put(reader.doc + shift, reader.tf);
          count = total;
          if (total > 1) writer.copyRest(base.bytes, reader.position, base.starts[t + 1]);
        }
      } else {
        let has = reader.next();
        while (has || j < jEnd) {
          const fromBase = has ? newOf[reader.doc] : -1;
          if (has && fromBase < 0) {
            has = reader.next();
            continue;
          }
          const fromFresh = j < jEnd ? fresh.docs[j] : -1;
          if (fromFresh < 0 || (has && fromBase < fromFresh)) {
            writer.put(fromBase, reader.tf);
            has = reader.next();
          } else {
            writer.put(fromFresh, fresh.tfs[j++]);
          }
          count++;
        }
      }
    } else {
      for (; j < jEnd; j++, count++) writer.put(fresh.docs[j], fresh.tfs[j]);
    }
    if (count > 0) {
      kept[keptCount++] = t;
      starts.push(start);
      df.push(count);
    } else {
      writer.at = start;
    }
  }
  const offsets = new Int32Array(keptCount + 1);
  for (let k = 0; k < keptCount; k++) offsets[k + 1] = offsets[k] + df[k];
  const startArray = new Uint32Array(keptCount + 1);
  startArray.set(starts);
  startArray[keptCount] = writer.at;
  return { kept: kept.slice(0, keptCount), offsets, bytes: writer.bytes.slice(0, writer.at), starts: startArray };
}
