/**
 * The BM25 postings as the store saves them (lexical.bin, format 2): per term, its chunks in increasing order as
 * gaps, each a LEB128 varint of `(gap − 1) × 2 + (tf > 1)`, followed by a varint of `tf − 2` when tf > 1. Most
 * gaps and tfs fit one byte, so a posting takes ~1.3 bytes instead of the 6 of the raw Int32 + Uint16 arrays.
 */

/** Encodes `docs`/`tfs` (term `t`'s postings at `offsets[t]..offsets[t + 1]`, chunks increasing within a term). */
export function encodePostings(offsets: Int32Array, docs: Int32Array, tfs: Uint16Array): Uint8Array {
  return encodeTermPostings(offsets, docs, tfs).bytes;
}

/**
 * `encodePostings` and `termStarts` in one: the sizes first (which are the starts), then the bytes into a buffer of
 * exactly that size, with no bounds checks or growth on the way.
 */
export function encodeTermPostings(offsets: Int32Array, docs: Int32Array, tfs: Uint16Array): { bytes: Uint8Array; starts: Uint32Array } {
  const starts = termStarts(offsets, docs, tfs);
  const out = new Uint8Array(starts[starts.length - 1]);
  let at = 0;
  for (let t = 0; t + 1 < offsets.length; t++) {
    let previous = -1;
    const end = offsets[t + 1];
    for (let i = offsets[t]; i < end; i++) {
      const tf = tfs[i];
      const doc = docs[i];
      // Arithmetic rather than bit operations: a gap × 2 can pass 2^31.
      let value = (doc - previous - 1) * 2 + (tf > 1 ? 1 : 0);
      if (value < 0x80) {
        out[at++] = value;
      } else {
        while (value >= 0x80) {
          out[at++] = (value % 0x80) | 0x80;
          value = Math.floor(value / 0x80);
        }
        out[at++] = value;
      }
      if (tf > 1) {
        let more = tf - 2;
        while (more >= 0x80) {
          out[at++] = (more & 0x7f) | 0x80;
          more >>>= 7;
        }
        out[at++] = more;
      }
      previous = doc;
    }
  }
  if (at !== out.length) throw new Error('lexical index: posting sizes disagree');
  return { bytes: out, starts };
}

/**
 * Where each term's bytes start in `encodePostings`' output (`terms + 1` entries, the last its length), so a term
 * can be decoded alone.
 */
export function termStarts(offsets: Int32Array, docs: Int32Array, tfs: Uint16Array): Uint32Array {
  const size = (value: number) => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5);
  const starts = new Uint32Array(offsets.length);
  let at = 0;
  for (let t = 0; t + 1 < offsets.length; t++) {
    starts[t] = at;
    let previous = -1;
    for (let i = offsets[t]; i < offsets[t + 1]; i++) {
      const tf = tfs[i];
      at += size((docs[i] - previous - 1) * 2 + (tf > 1 ? 1 : 0));
      if (tf > 1) at += size(tf - 2);
      previous = docs[i];
    }
  }
  starts[offsets.length - 1] = at;
  return starts;
}

/** Where the last `longVarint` stopped (a module slot, so the hot loop's own position stays a register). */
let longEnd = 0;

/**
 * A varint of more than one byte whose first byte, `first`, is at `at − 1`: its value; `longEnd` where it ends.
 * At most 5 bytes, as `encodeTermPostings` writes (values up to 2^35).
 */
function longVarint(bytes: Uint8Array, at: number, end: number, first: number): number {
  let value = first & 0x7f;
  let scale = 0x80;
  for (let n = 1; n < 5; n++) {
    if (at >= end) throw new Error('lexical index: postings are truncated');
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      longEnd = at;
      return value;
    }
    scale *= 0x80;
  }
  throw new Error('lexical index: postings hold an overlong number');
}

/**
 * Decodes one term's postings, `bytes[start, end)`, into `docs`/`tfs` at `from..to`, for an index of `count`
 * chunks. Throws when the bytes do not fit exactly (a chunk out of range or out of order, a tf out of range,
 * bytes missing or left over).
 *
 * Queries decode long lists on a store's first searches, so this is the hot path of a cold store: the one-byte case
 * (most gaps and tfs) stays inline, and the position is a plain local (a closure sharing it would keep it in a
 * heap context: measured ~3× slower).
 */
export function decodeTerm(bytes: Uint8Array, start: number, end: number, docs: Int32Array, tfs: Uint16Array, from: number, to: number, count: number): void {
  let at = start;
  let previous = -1;
  for (let i = from; i < to; i++) {
    if (at >= end) throw new Error('lexical index: postings are truncated');
    let code = bytes[at++];
    let doc: number;
    if (code < 0x80) {
      doc = previous + 1 + (code >>> 1);
    } else {
      code = longVarint(bytes, at, end, code);
      at = longEnd;
      doc = previous + 1 + (code < 0x80000000 ? code >>> 1 : (code - (code % 2)) / 2);
    }
    if (doc >= count) throw new Error('lexical index: postings name a chunk past the end');
    docs[i] = doc;
    let tf = 1;
    if (code & 1) {
      if (at >= end) throw new Error('lexical index: postings are truncated');
      const byte = bytes[at++];
      if (byte < 0x80) {
        tf = 2 + byte;
      } else {
        tf = 2 + longVarint(bytes, at, end, byte);
        at = longEnd;
        if (tf > 0xffff) throw new Error('lexical index: postings hold a term frequency out of range');
      }
    }
    tfs[i] = tf;
    previous = doc;
  }
  if (at !== end) throw new Error('lexical index: postings have bytes left over');
}
