import { describe, expect, it } from 'vitest';
import { gallop, lowerBound, seek } from '../src/retrieve/postingSearch.js';
import { seededRandom } from '../src/util/random.js';

/** The first position in `docs[from, to)` holding a chunk ≥ `doc`, by reading every one. */
function naive(docs: Int32Array, from: number, to: number, doc: number): number {
  for (let i = from; i < to; i++) if (docs[i] >= doc) return i;
  return to;
}

/** Increasing chunk numbers: dense runs, big jumps and, when `uneven`, a crowded start (guesses land far off). */
function postingList(random: () => number, length: number, uneven: boolean): Int32Array {
  const docs = new Int32Array(length);
  let doc = Math.floor(random() * 5);
  for (let i = 0; i < length; i++) {
    docs[i] = doc;
    const crowded = uneven && i < length * 0.8;
    doc += crowded ? 1 : 1 + Math.floor(random() ** 3 * 400);
  }
  return docs;
}

describe('posting list searches', () => {
  it('gallop, seek and lowerBound find the first chunk at or above the target, from any start, as a scan does', () => {
    const random = seededRandom(17);
    for (let trial = 0; trial < 300; trial++) {
      const length = Math.floor(random() * 300);
      const docs = postingList(random, length, trial % 3 === 0);
      const max = length ? docs[length - 1] + 3 : 5;
      for (let q = 0; q < 40; q++) {
        const from = Math.floor(random() * (length + 1));
        const to = from + Math.floor(random() * (length - from + 1));
        const doc = Math.floor(random() * (max + 2)) - 1;
        const want = naive(docs, from, to, doc);
        expect(lowerBound(docs, from, to, doc)).toBe(want);
        expect(gallop(docs, from, to, doc)).toBe(want);
        expect(seek(docs, from, to, doc)).toBe(want);
      }
    }
  });

  it('walk a list with targets in increasing order, each lookup starting where the last stopped', () => {
    const random = seededRandom(29);
    for (let trial = 0; trial < 50; trial++) {
      const docs = postingList(random, 2000, trial % 2 === 0);
      const targets = Array.from({ length: 60 }, () => Math.floor(random() * (docs[docs.length - 1] + 10))).sort((a, b) => a - b);
      for (const search of [gallop, seek]) {
        let at = 0;
        for (const doc of targets) {
          at = search(docs, at, docs.length, doc);
          expect(at).toBe(naive(docs, 0, docs.length, doc));
        }
      }
    }
  });

  it('handles empty ranges, repeated targets and targets past either end', () => {
    const docs = Int32Array.from([3, 4, 9, 10, 11, 500]);
    for (const search of [gallop, seek, lowerBound]) {
      expect(search(docs, 2, 2, 0)).toBe(2);
      expect(search(docs, 0, 6, -1)).toBe(0);
      expect(search(docs, 0, 6, 3)).toBe(0);
      expect(search(docs, 0, 6, 5)).toBe(2);
      expect(search(docs, 0, 6, 500)).toBe(5);
      expect(search(docs, 0, 6, 501)).toBe(6);
      expect(search(docs, 1, 5, 400)).toBe(5);
    }
  });
});
