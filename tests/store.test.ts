import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { PRUNE_GRACE_MS, currentGeneration, readManifest } from '../src/store/vectorStore.js';
import { tempProject } from './helpers/tempProject.js';
import { openToEveryone, runUnprivileged, unprivilegedSkipReason } from './helpers/unprivileged.js';

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
    expect(relinked.rebuiltBecause).toMatch(/HNSW_M 16 → 8/);
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

  it('keeps the current generation, the one it replaced only for a grace period, and no temporary folders', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    const first = (await currentGeneration(p.store))!;
    await openKnowledgeBase(p.config(), { force: true });
    // The replaced generation stays for PRUNE_GRACE_MS: another process may be loading it right now.
    expect((await fs.readdir(p.store)).filter((e) => e.startsWith('gen-'))).toHaveLength(2);
    const past = new Date(Date.now() - PRUNE_GRACE_MS - 1000);
    await fs.utimes(first, past, past);
    await openKnowledgeBase(p.config(), { force: true });
    const entries = await fs.readdir(p.store);
    expect(entries).not.toContain(path.basename(first));
    expect(entries.filter((e) => e.startsWith('gen-'))).toHaveLength(2);
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

/** XORs one byte of a file, as a bad disk sector or a stray write would. */
async function flipByte(file: string, offset: number): Promise<void> {
  const bytes = await fs.readFile(file);
  bytes[offset] ^= 0xff;
  await fs.writeFile(file, bytes);
}

describe('a store damaged on disk', () => {
  // Each of these loaded without complaint before checksums: offsets 100 and 48 then crashed the process natively
  // (SIGSEGV) on the first search, offset 32 answered "Label not found" to every query.
  // A header byte is caught by the structure checksum, before hnswlib reads the file; a level-0 byte by the whole file's.
  it.each([
    [100, /hnswlib\.index checksum mismatch/],
    [48, /hnswlib\.index structure checksum mismatch/],
    [32, /hnswlib\.index structure checksum mismatch/],
  ])('is rebuilt, in one line, when byte %i of hnswlib.index is flipped', async (offset, reason) => {
    const p = await project();
    await openKnowledgeBase(p.config());
    await flipByte(path.join((await currentGeneration(p.store))!, 'hnswlib.index'), offset);
    const lines: string[] = [];
    const reopened = await openKnowledgeBase(p.config(), { log: (line) => lines.push(line) });
    expect(reopened.rebuiltBecause).toMatch(reason);
    expect(lines.filter((l) => /Building the store/.test(l))).toEqual([`Building the store: ${reopened.rebuiltBecause}.`]);
    expect((await reopened.kb.search('Toshimitsu Motegi', { k: 1 }))[0].chunk.text).toContain('Motegi');
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toBeNull();
  });

  it('is rebuilt when the stored text (documents.bin) is damaged', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    await flipByte(path.join((await currentGeneration(p.store))!, 'documents.bin'), 40);
    const reopened = await openKnowledgeBase(p.config());
    expect(reopened.rebuiltBecause).toMatch(/documents\.bin checksum mismatch/);
    expect((await reopened.kb.search('Selat Hormuz', { k: 1 }))[0].chunk.text).toContain('Hormuz');
  });

  it('records the size and checksum of every other file of the generation in the manifest', async () => {
    const p = await project();
    const opened = await openKnowledgeBase(p.config());
    const gen = (await currentGeneration(p.store))!;
    const files = (await fs.readdir(gen)).filter((f) => f !== 'manifest.json').sort();
    expect(Object.keys(opened.manifest.files ?? {}).sort()).toEqual(files);
    for (const name of files) {
      expect(opened.manifest.files![name].bytes).toBe((await fs.stat(path.join(gen, name))).size);
      expect(opened.manifest.files![name].checksum).toMatch(/^(crc32:[0-9a-f]{8}|sha256:[0-9a-f]{64})$/);
    }
    expect((await readManifest(p.store))?.files).toEqual(opened.manifest.files);
  });
});

describe('a store that cannot be saved', () => {
  it('is served from memory, with one line saying it could not be saved', async () => {
    const p = await project();
    // A file where the store's parent folder should be: every write under it fails (ENOTDIR), even for root.
    await fs.writeFile(path.join(p.root, 'blocked'), '');
    const lines: string[] = [];
    const opened = await openKnowledgeBase(p.config({ VECTORSTORE_DIR: 'blocked/vectorstore' }), { log: (line) => lines.push(line) });
    expect(opened.rebuiltBecause).toBe('no store yet');
    expect(lines.filter((l) => /save/i.test(l))).toEqual([expect.stringMatching(/^Could not save the store to .*blocked\/vectorstore \(.*ENOTDIR.*\); serving it from memory/)]);
    expect((await opened.kb.search('Toshimitsu Motegi', { k: 1 }))[0].chunk.text).toContain('Motegi');
  });

  it.skipIf(unprivilegedSkipReason !== null)('lets ingest and search run over a read-only vectorstore/ after the seeds changed', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    await fs.writeFile(path.join(p.seeds, 'baru.txt'), 'Dokumen baru tentang Pulau Jeju. Isinya pendek.');
    await openToEveryone(p.root);
    await fs.chmod(p.store, 0o555);
    const ingest = await runUnprivileged('src/cli/ingest.ts', [], {}, p.root);
    expect(ingest.stderr).toMatch(/Could not save the store .*EACCES.*serving it from memory/);
    expect(ingest.stderr.trim().split('\n').filter((l) => /save/i.test(l))).toHaveLength(1);
    expect(ingest.code).toBe(0);
    const search = await runUnprivileged('src/cli/search.ts', ['--json', '-k', '1', 'Pulau Jeju'], {}, p.root);
    expect(search.code).toBe(0);
    expect((JSON.parse(search.stdout) as { results: { source: string }[] }).results[0].source).toBe('seeds/baru.txt');
  });
});
