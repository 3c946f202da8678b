import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { currentGeneration } from '../src/store/vectorStore.js';
import { tempProject } from './helpers/tempProject.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project() {
  const p = await tempProject();
  cleanups.push(p.cleanup);
  return p;
}

describe('the vector store', () => {
  it('is built once, then reused while seeds and configuration are unchanged', async () => {
    const p = await project();
    const first = await openKnowledgeBase(p.config());
    expect(first.rebuiltBecause).toBe('no store yet');
    expect(first.manifest).toMatchObject({ formatVersion: expect.any(Number), chunkCount: first.kb.size });
    expect(first.manifest.embedding).toMatchObject({ provider: 'hashing', dimensions: 1024 });
    const second = await openKnowledgeBase(p.config());
    expect(second.rebuiltBecause).toBeNull();
    expect(second.kb.chunks).toEqual(first.kb.chunks);
    const [a, b] = await Promise.all([first.kb.search('Selat Hormuz', { k: 3 }), second.kb.search('Selat Hormuz', { k: 3 })]);
    expect(b.map((h) => h.chunk.id)).toEqual(a.map((h) => h.chunk.id));
  });

  it('rebuilds, saying why, when a seed is edited, added or removed', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    const seed = path.join(p.seeds, (await fs.readdir(p.seeds))[0]);
    await fs.appendFile(seed, 'Kalimat tambahan tentang Selat Hormuz.');
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toMatch(/edited seeds\/2020-01/);
    await fs.writeFile(path.join(p.seeds, 'baru.txt'), 'Dokumen baru. Isinya pendek.');
    const added = await openKnowledgeBase(p.config());
    expect(added.rebuiltBecause).toMatch(/added seeds\/baru.txt/);
    expect(added.kb.chunksBySource.has('seeds/baru.txt')).toBe(true);
    await fs.rm(path.join(p.seeds, 'baru.txt'));
    const removed = await openKnowledgeBase(p.config());
    expect(removed.rebuiltBecause).toMatch(/removed seeds\/baru.txt/);
    expect(removed.kb.chunksBySource.has('seeds/baru.txt')).toBe(false);
  });

  it('rebuilds when the embedding or chunking configuration changes', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    const dims = await openKnowledgeBase(p.config({ EMBEDDINGS_DIMENSIONS: '256' }));
    expect(dims.rebuiltBecause).toMatch(/embeddings changed/);
    expect(dims.manifest.embedding.dimensions).toBe(256);
    expect((await openKnowledgeBase(p.config({ EMBEDDINGS_DIMENSIONS: '256', CHUNK_SIZE: '300' }))).rebuiltBecause).toMatch(/chunking changed/);
    const relinked = await openKnowledgeBase(p.config({ EMBEDDINGS_DIMENSIONS: '256', CHUNK_SIZE: '300', HNSW_M: '8' }));
    expect(relinked.rebuiltBecause).toMatch(/HNSW_M 32 → 8/);
    expect(relinked.manifest.hnswM).toBe(8);
    expect((await relinked.kb.search('Toshimitsu Motegi', { k: 1 }))[0].chunk.text).toContain('Motegi');
  });

  it('rebuilds when the index file is corrupted or the manifest is garbage', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    let gen = (await currentGeneration(p.store))!;
    await fs.writeFile(path.join(gen, 'hnswlib.index'), 'garbage');
    const corrupt = await openKnowledgeBase(p.config());
    expect(corrupt.rebuiltBecause).toMatch(/unreadable/);
    expect((await corrupt.kb.search('Motegi', { k: 1 }))[0].chunk.text).toContain('Motegi');
    gen = (await currentGeneration(p.store))!;
    await fs.writeFile(path.join(gen, 'manifest.json'), '{not json');
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toBe('no store yet');
  });

  it('keeps exactly one generation and no temporary folders after a rebuild', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    await openKnowledgeBase(p.config(), { force: true });
    const entries = await fs.readdir(p.store);
    expect(entries.filter((e) => e.startsWith('gen-'))).toHaveLength(1);
    expect(entries.filter((e) => e.startsWith('.tmp'))).toEqual([]);
    expect(entries).toContain('CURRENT');
  });

  it('works with an empty briefing', async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    const opened = await openKnowledgeBase(p.config());
    expect(opened.kb.size).toBe(0);
    expect(await opened.kb.search('anything', { k: 5 })).toEqual([]);
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toBeNull();
  });

  it('filters by source', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'lain.txt'), 'Selat Hormuz juga disebut di dokumen ini. Kalimat kedua.');
    const { kb } = await openKnowledgeBase(p.config());
    const hits = await kb.search('Selat Hormuz', { k: 5, source: 'seeds/lain.txt' });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.chunk.source === 'seeds/lain.txt')).toBe(true);
  });
});
