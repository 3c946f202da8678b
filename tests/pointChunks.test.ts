import { describe, expect, it } from 'vitest';
import { PointChunks } from '../src/retrieve/pointChunks.js';
import { seededRandom } from '../src/util/random.js';

/** The same answers as the Map of arrays it replaces, for dense labels, sparse labels and shared points. */
function reference(pointOf: Int32Array): Map<number, number[]> {
  const map = new Map<number, number[]>();
  pointOf.forEach((label, i) => {
    const list = map.get(label);
    if (list) list.push(i);
    else map.set(label, [i]);
  });
  return map;
}

describe('chunks of each HNSW point', () => {
  it.each([
    ['dense labels, some shared', 1],
    ['sparse labels (gaps after updates)', 1000],
  ])('%s', (_, spread) => {
    const random = seededRandom(7);
    const pointOf = Int32Array.from({ length: 5000 }, (_, i) => (random() < 0.1 ? Math.floor(random() * i) : i) * spread);
    const expected = reference(pointOf);
    const points = new PointChunks(pointOf);
    expect(points.size).toBe(expected.size);
    for (const [label, chunks] of expected) expect(points.chunksOf(label)).toEqual(chunks);
    expect(points.chunksOf(-1)).toEqual([]);
    expect(points.chunksOf(5000 * spread + 1)).toEqual([]);
    expect(points.chunksOf(0.5)).toEqual([]);
  });

  it('an empty briefing has no points', () => {
    const points = new PointChunks(new Int32Array(0));
    expect(points.size).toBe(0);
    expect(points.chunksOf(0)).toEqual([]);
  });
});
