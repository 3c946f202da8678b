import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkDocument, segmentDocument } from '../src/chunk/chunker.js';
import { KnowledgeBase } from '../src/retrieve/knowledgeBase.js';
import { loadSeeds } from '../src/seeds/loadSeeds.js';
import { openKnowledgeBase, retrievalOptions } from '../src/store/openKnowledgeBase.js';
import { runBuild } from '../src/store/runBuild.js';
import { buildVectors, wrapIndex } from '../src/store/vectorIndex.js';
import { currentGeneration } from '../src/store/vectorStore.js';
import { seededRandom } from '../src/util/random.js';
import { syntheticSentences } from './helpers/syntheticSeeds.js';
import { tempProject } from './helpers/tempProject.js';

/**
 * Updating the store in place (only the chunks whose text is new are embedded) must give what a full build gives
 * with the same IDF: the same chunks and the same search results, after any sequence of documents added, changed
 * and removed. And a build that fails leaves the store in use as it was.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// ef 200: the comparison is of the stores, not of how approximate a narrow HNSW search is on two different graphs.
const ENV = { EMBEDDINGS_DIMENSIONS: '64', HNSW_M: '8', HNSW_EF: '200' };

/** The same briefing built whole, in memory, with the IDF the store has (frozen since its last full build). */
async function fullBuildWithSameIdf(config: ReturnType<Awaited<ReturnType<typeof tempProject>>['config']>, embeddings: KnowledgeBase['embeddings']) {
  const scan = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir);
  const documents = scan.documents.map(({ sha256: _s, bytes: _b, notice: _n, ...d }) => segmentDocument(d));
  const chunks = documents.flatMap((d) => chunkDocument(d, { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences }));
  const { index, pointOf } = await buildVectors(chunks, embeddings, config.hnswM);
  return new KnowledgeBase(documents, chunks, wrapIndex(index), embeddings, retrievalOptions(config), pointOf);
}

describe('incremental store updates', () => {
  it('give the same chunks and search results as a full build, over a seeded run of adds, edits and removals', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    const config = p.config(ENV);
    const random = seededRandom(11);
    const pool = syntheticSentences(400, 5);
    const text = () => Array.from({ length: 3 + Math.floor(random() * 6) }, () => pool[Math.floor(random() * pool.length)]).join(' ');
    const names: string[] = [];
    for (let i = 0; i < 30; i++) {
      names.push(`doc-${i}.txt`);
      await fs.writeFile(path.join(p.seeds, names[i]), text());
    }
    await openKnowledgeBase(config);
    const modes: string[] = [];
    for (let step = 0; step < 8; step++) {
      const action = step % 3;
      if (action === 0) {
        const name = `new-${step}.txt`;
        names.push(name);
        await fs.writeFile(path.join(p.seeds, name), text());
      } else if (action === 1) {
        await fs.appendFile(path.join(p.seeds, names[Math.floor(random() * names.length)]), ` ${text()}`);
      } else {
        const [gone] = names.splice(Math.floor(random() * names.length), 1);
        await fs.rm(path.join(p.seeds, gone));
      }
      const opened = await openKnowledgeBase(config);
      expect(opened.rebuiltBecause).toMatch(/^seeds changed/);
      modes.push(opened.build!.mode);
      const reference = await fullBuildWithSameIdf(config, opened.kb.embeddings);
      expect(opened.kb.chunks.map((c) => [c.id, c.text])).toEqual(reference.chunks.map((c) => [c.id, c.text]));
      const queries = [pool[Math.floor(random() * pool.length)], pool[Math.floor(random() * pool.length)].split(' ').slice(0, 3).join(' '), 'Toshimitsu Motegi'];
      for (const q of queries) {
        const [got, want] = await Promise.all([opened.kb.search(q, { k: 5 }), reference.search(q, { k: 5 })]);
        expect(got.map((h) => h.chunk.id)).toEqual(want.map((h) => h.chunk.id));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 9));
      }
      // The store reopened from disk is the same again.
      const reopened = await openKnowledgeBase(config);
      expect(reopened.rebuiltBecause).toBeNull();
      expect(reopened.kb.chunks).toEqual(opened.kb.chunks);
    }
    expect(modes).toContain('incremental');
  }, 60_000);

  it('embeds only the new document when one is added', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    const config = p.config(ENV);
    const pool = syntheticSentences(200, 9);
    for (let i = 0; i < 20; i++) await fs.writeFile(path.join(p.seeds, `doc-${i}.txt`), pool.slice(i * 10, i * 10 + 10).join(' '));
    const first = await openKnowledgeBase(config);
    await fs.writeFile(path.join(p.seeds, 'added.txt'), 'Dokumen baru tentang Pulau Jeju. Pulau itu ada di selatan Korea.');
    const added = await openKnowledgeBase(config);
    const newChunks = added.kb.chunksBySource.get('seeds/added.txt')!.length;
    expect(added.build).toMatchObject({ mode: 'incremental', embeddedChunks: newChunks, reusedChunks: first.kb.size });
    expect((await added.kb.search('Pulau Jeju', { k: 1 }))[0].chunk.source).toBe('seeds/added.txt');
  }, 30_000);

  it('a build that fails in its worker leaves the store in use as it was', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    const config = p.config(ENV);
    const before = await openKnowledgeBase(config);
    const generation = await currentGeneration(p.store);
    const broken = { source: 'seeds/broken.txt', title: 'broken', content: null as unknown as string, bodyStart: 0, format: 'text' as const, sha256: 'x', bytes: 1 };
    await expect(
      runBuild({ config, retrieval: retrievalOptions(config), documents: [broken], skipped: [], readerVersion: before.manifest.readerVersion, base: generation }),
    ).rejects.toThrow();
    expect(await currentGeneration(p.store)).toBe(generation);
    const after = await openKnowledgeBase(config);
    expect(after.rebuiltBecause).toBeNull();
    expect(after.manifest.builtAt).toBe(before.manifest.builtAt);
  }, 30_000);
});
