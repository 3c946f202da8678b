import { describe, expect, it } from 'vitest';
import { decodeTerm, encodePostings, encodeTermPostings, termStarts } from '../src/retrieve/postingCodec.js';
import { seededRandom } from '../src/util/random.js';

function randomPostings(seed: number, terms: number, count: number) {
  const random = seededRandom(seed);
  const offsets = new Int32Array(terms + 1);
  const docs: number[] = [];
  const tfs: number[] = [];
  for (let t = 0; t < terms; t++) {
    // Sparse and dense terms, huge gaps and huge tfs now and then.
    const density = random() < 0.2 ? 0.9 : random() * 0.01;
    for (let d = 0; d < count; d++) {
      if (random() < density || (d === count - 1 && random() < 0.3)) {
        docs.push(d);
        tfs.push(random() < 0.7 ? 1 : random() < 0.9 ? 2 + Math.floor(random() * 200) : 0xffff);
      }
    }
    offsets[t + 1] = docs.length;
  }
  return { offsets, docs: Int32Array.from(docs), tfs: Uint16Array.from(tfs) };
}

function decodeAll(bytes: Uint8Array, starts: Uint32Array, offsets: Int32Array, count: number) {
  const docs = new Int32Array(offsets[offsets.length - 1]);
  const tfs = new Uint16Array(docs.length);
  for (let t = 0; t + 1 < offsets.length; t++) decodeTerm(bytes, starts[t], starts[t + 1], docs, tfs, offsets[t], offsets[t + 1], count);
  return { docs, tfs };
}

describe('posting codec (lexical.bin format 2)', () => {
  it('round-trips random postings, term by term, and is much smaller than raw arrays', () => {
    for (const [seed, terms, count] of [[1, 40, 3000], [2, 5, 1], [3, 0, 10], [4, 6, 200_000]] as const) {
      const p = randomPostings(seed, terms, count);
      const bytes = encodePostings(p.offsets, p.docs, p.tfs);
      const starts = termStarts(p.offsets, p.docs, p.tfs);
      expect(starts[terms]).toBe(bytes.length);
      const both = encodeTermPostings(p.offsets, p.docs, p.tfs);
      expect(Buffer.from(both.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(Buffer.from(both.starts.buffer).equals(Buffer.from(starts.buffer))).toBe(true);
      const back = decodeAll(bytes, starts, p.offsets, count);
      // Byte comparison: element-wise deep equality of 100k-element arrays is slow.
      expect(Buffer.from(back.docs.buffer).equals(Buffer.from(p.docs.buffer))).toBe(true);
      expect(Buffer.from(back.tfs.buffer).equals(Buffer.from(p.tfs.buffer))).toBe(true);
      if (p.docs.length > 1000) expect(bytes.length).toBeLessThan(p.docs.length * 3);
    }
  });

  it('refuses bytes that do not fit: truncated, left over, a chunk past the end, an overlong number', () => {
    const p = randomPostings(5, 3, 500);
    const bytes = encodePostings(p.offsets, p.docs, p.tfs);
    const starts = termStarts(p.offsets, p.docs, p.tfs);
    const docs = new Int32Array(p.docs.length);
    const tfs = new Uint16Array(p.docs.length);
    const [from, to] = [p.offsets[0], p.offsets[1]];
    expect(() => decodeTerm(bytes, starts[0], starts[1] - 1, docs, tfs, from, to, 500)).toThrow(/truncated/);
    expect(() => decodeTerm(bytes, starts[0], starts[1] + 1, docs, tfs, from, to, 500)).toThrow(/left over/);
    expect(() => decodeTerm(bytes, starts[0], starts[1], docs, tfs, from, to, 10)).toThrow(/past the end/);
    expect(() => decodeTerm(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 0, 6, docs, tfs, 0, 1, 500)).toThrow(/overlong/);
    // Cut inside a posting: after a code announcing a tf, inside a long gap, inside a long tf.
    expect(() => decodeTerm(new Uint8Array([0x01]), 0, 1, docs, tfs, 0, 1, 500)).toThrow(/truncated/);
    expect(() => decodeTerm(new Uint8Array([0x80, 0x80]), 0, 2, docs, tfs, 0, 1, 500)).toThrow(/truncated/);
    expect(() => decodeTerm(new Uint8Array([0x01, 0x80]), 0, 2, docs, tfs, 0, 1, 500)).toThrow(/truncated/);
    expect(() => decodeTerm(new Uint8Array([0x01, 0xff, 0xff, 0x7f]), 0, 4, docs, tfs, 0, 1, 500)).toThrow(/out of range/);
  });

  it('decodes gaps and tfs of every varint length, the bytes ending exactly at the last posting', () => {
    const docs = [0, 1, 64, 65, 8_000, 2_000_000, 2_000_001, 300_000_000, 2_000_000_000];
    const tfs = [1, 2, 129, 1, 0xffff, 3, 1, 16_400, 7];
    const offsets = Int32Array.from([0, docs.length]);
    const { bytes, starts } = encodeTermPostings(offsets, Int32Array.from(docs), Uint16Array.from(tfs));
    const back = decodeAll(bytes, starts, offsets, 2_000_000_001);
    expect(Array.from(back.docs)).toEqual(docs);
    expect(Array.from(back.tfs)).toEqual(tfs);
  });
});
