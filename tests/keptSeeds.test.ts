import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKeptSeed, loadSeeds, loadSeedsKeeping } from '../src/seeds/loadSeeds.js';
import { buildGeneration, isBaseNeeded } from '../src/store/buildGeneration.js';
import { openKnowledgeBase, retrievalOptions } from '../src/store/openKnowledgeBase.js';
import { tempProject } from './helpers/tempProject.js';

/**
 * An in-place update reads only the seeds that changed: the others' documents come from the store it updates.
 * When that store can't be read after all, every seed is read and the store is built whole.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('seeds kept from the store being updated', () => {
  it('are listed in their place and never read (a file that would be refused is not even opened)', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await fs.writeFile(path.join(p.seeds, 'a.txt'), 'Alpha. First document.');
    await fs.writeFile(path.join(p.seeds, 'broken.pdf'), 'not a pdf at all');
    await fs.writeFile(path.join(p.seeds, 'z.txt'), 'Zulu. Last document.');
    const config = p.config();
    const whole = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir);
    expect(whole.skipped.map((s) => s.source)).toEqual(['seeds/broken.pdf']);

    const keep = new Map([['seeds/broken.pdf', 'f'.repeat(64)], ['seeds/a.txt', 'a'.repeat(64)]]);
    const scan = await loadSeedsKeeping(config.seedsDir, config.seedMaxBytes, config.rootDir, config.seedMaxPages, keep);
    expect(scan.skipped).toEqual([]);
    const sources = scan.documents.map((d) => d.source);
    expect(sources).toEqual(whole.documents.map((d) => d.source).concat('seeds/broken.pdf').sort());
    expect(scan.documents.filter(isKeptSeed)).toEqual([
      { source: 'seeds/a.txt', sha256: 'a'.repeat(64), kept: true },
      { source: 'seeds/broken.pdf', sha256: 'f'.repeat(64), kept: true },
    ]);
  });

  it('make a build without a readable base fail in a way the caller recognises', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    const config = p.config();
    const request = {
      config,
      retrieval: retrievalOptions(config),
      documents: [{ source: 'seeds/a.txt', sha256: 'a'.repeat(64), kept: true as const }],
      skipped: [],
      readerVersion: undefined,
      base: path.join(p.store, 'gen-missing'),
    };
    const error = await buildGeneration(request).catch((e: unknown) => e);
    expect(isBaseNeeded(error)).toBe(true);
    expect(isBaseNeeded(new Error('disk full'))).toBe(false);
  });

  it('update the store in place with only the added document read, and the result equals a whole build', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    for (let i = 0; i < 5; i++) await fs.writeFile(path.join(p.seeds, `doc-${i}.txt`), `Dokumen ${i}. Menteri bertemu mitra nomor ${i} di kota ${i}.`);
    const config = p.config({ EMBEDDINGS_DIMENSIONS: '64', HNSW_EF: '200' });
    await openKnowledgeBase(config);
    await fs.writeFile(path.join(p.seeds, 'added.txt'), 'Tambahan. Pertemuan berikutnya di Jakarta pada bulan Maret.');
    const updated = await openKnowledgeBase(config);
    expect(updated.build?.mode).toBe('incremental');
    expect(updated.manifest.documents.map((d) => d.source)).toContain('seeds/added.txt');
    const whole = await openKnowledgeBase(config, { force: true });
    expect(updated.kb.chunks.map((c) => [c.source, c.text])).toEqual(whole.kb.chunks.map((c) => [c.source, c.text]));
    expect(updated.kb.documents.map(({ sentences, ...d }) => ({ ...d, sentences: sentences.length }))).toEqual(
      whole.kb.documents.map(({ sentences, ...d }) => ({ ...d, sentences: sentences.length })),
    );
    expect((await updated.kb.search('Jakarta Maret', { k: 1 }))[0].chunk.source).toBe('seeds/added.txt');
  });
});
