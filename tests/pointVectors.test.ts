import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePointVectors, pointVectorsOnDisk } from '../src/store/pointVectors.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { seededRandom } from '../src/util/random.js';
import { tempProject } from './helpers/tempProject.js';

/** The index file's vectors, read by us, are the ones hnswlib itself returns; search is the same with or without them. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('vectors read from an hnswlib index file', () => {
  it('equal getPoint for every label, deleted and reused slots included', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'points-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const random = seededRandom(3);
    const dims = 24;
    const index = new HierarchicalNSW('cosine', dims);
    index.initIndex(200, 16, 200, 100, true);
    const vector = () => Array.from({ length: dims }, () => random() - 0.5);
    for (let label = 0; label < 120; label++) index.addPoint(vector(), label * 7 + 1);
    for (let label = 0; label < 20; label++) index.markDelete(label * 7 + 1);
    for (let label = 1000; label < 1010; label++) index.addPoint(vector(), label, true); // reuses deleted slots
    const file = path.join(dir, 'hnswlib.index');
    await index.writeIndex(file);
    const points = parsePointVectors(await fs.readFile(file), dims)!;
    expect(points).not.toBeNull();
    let compared = 0;
    for (const label of index.getIdsList()) {
      let stored: number[];
      try {
        stored = index.getPoint(label);
      } catch {
        continue; // marked deleted: hnswlib no longer hands it out
      }
      expect([...points.get(label)!]).toEqual(stored.map(Math.fround));
      compared++;
    }
    expect(compared).toBe(110);
    expect(points.get(999_999)).toBeUndefined();
  });

  it('read from the file on demand (stores over the memory budget) equal getPoint too, and the in-memory views', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'points-disk-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const random = seededRandom(5);
    const dims = 16;
    const index = new HierarchicalNSW('cosine', dims);
    index.initIndex(3000, 8, 50, 100, true);
    for (let label = 0; label < 2500; label++) index.addPoint(Array.from({ length: dims }, () => random() - 0.5), label * 3);
    for (let label = 0; label < 50; label++) index.markDelete(label * 3);
    const file = path.join(dir, 'hnswlib.index');
    await index.writeIndex(file);
    // Blocks of a few records (8 MB in use): labels are collected across many block edges, the last one partial.
    const onDisk = (await pointVectorsOnDisk(file, dims, 7 * 1000))!;
    const inMemory = parsePointVectors(await fs.readFile(file), dims)!;
    expect(onDisk.count).toBe(2500);
    for (let label = 150; label < 7500; label += 3) {
      expect([...onDisk.get(label)!]).toEqual(index.getPoint(label).map(Math.fround));
      expect(onDisk.get(label)).toEqual(inMemory.get(label));
    }
    expect(onDisk.get(1)).toBeUndefined();
    expect(onDisk.get(10_000_000)).toBeUndefined();
    await fs.writeFile(path.join(dir, 'junk.index'), Buffer.alloc(300, 0xff));
    expect(await pointVectorsOnDisk(path.join(dir, 'junk.index'), dims)).toBeNull();
    await fs.writeFile(path.join(dir, 'short.index'), (await fs.readFile(file)).subarray(0, 5000));
    expect(await pointVectorsOnDisk(path.join(dir, 'short.index'), dims)).toBeNull();
  });

  it('are refused (null) when the file does not add up', () => {
    const junk = Buffer.alloc(200, 0xff);
    expect(parsePointVectors(junk, 8)).toBeNull();
    expect(parsePointVectors(Buffer.alloc(10), 8)).toBeNull();
  });

  it('give the same search results as reading points from hnswlib', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    for (let i = 0; i < 40; i++) {
      await fs.writeFile(path.join(p.seeds, `d${i}.txt`), `Dokumen ${i} tentang pelabuhan Busan dan kapal nomor ${i}. Menteri luar negeri bertemu di kota ${i}. Harga minyak naik ${i} persen.`);
    }
    await openKnowledgeBase(p.config());
    // An incremental build that removes a document leaves points marked deleted in the index file.
    // The seed file holds the first points: hnswlib no longer hands those out.
    for (const file of await fs.readdir(p.seeds)) if (!file.startsWith('d')) await fs.rm(path.join(p.seeds, file));
    await fs.rm(path.join(p.seeds, 'd1.txt'));
    expect((await openKnowledgeBase(p.config())).build?.mode).toBe('incremental');
    const { kb, rebuiltBecause } = await openKnowledgeBase(p.config()); // loaded: vectors read from the file
    expect(rebuiltBecause).toBeNull();
    const queries = ['kapal di pelabuhan Busan', 'menteri luar negeri', 'harga minyak', 'Hormuz', 'pertemuan San Francisco'];
    const withFile = await Promise.all(queries.map((q) => kb.search(q, { k: 8 })));
    kb.usePointVectors(null);
    const withGetPoint = await Promise.all(queries.map((q) => kb.search(q, { k: 8 })));
    expect(withFile).toEqual(withGetPoint);
    const generation = path.join(p.store, (await fs.readFile(path.join(p.store, 'CURRENT'), 'utf8')).trim());
    kb.usePointVectorsWhenReady(pointVectorsOnDisk(path.join(generation, 'hnswlib.index'), kb.vectors.index.getNumDimensions()));
    await kb.pointVectorsSettled;
    expect(await Promise.all(queries.map((q) => kb.search(q, { k: 8 })))).toEqual(withGetPoint);
  });
});

describe('the dense leg of the hybrid search', () => {
  it('asks HNSW for HNSW_EF candidates (at least k): 10 by default with the hashing embedder, 200 with neural ones', async () => {
    const { loadCoreConfig } = await import('../src/config.js');
    expect(loadCoreConfig({}).hnswEf).toBe(10);
    expect(loadCoreConfig({ EMBEDDINGS_PROVIDER: 'openai' }).hnswEf).toBe(200);
    expect(loadCoreConfig({ HNSW_EF: '64' }).hnswEf).toBe(64);
    const p = await tempProject();
    cleanups.push(p.cleanup);
    for (const ef of [10, 200]) {
      const { kb } = await openKnowledgeBase(p.config({ HNSW_EF: String(ef) }));
      const asked: number[] = [];
      const dense = kb.denseSearch.bind(kb);
      kb.denseSearch = (query, k, source) => {
        asked.push(k);
        return dense(query, k, source);
      };
      await kb.search('pertemuan menteri', { k: 5 });
      await kb.search('pertemuan menteri', { k: 30 });
      expect(asked).toEqual(ef === 10 ? [10, 30] : [40, 120]);
    }
  });
});
