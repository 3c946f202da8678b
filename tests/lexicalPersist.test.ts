import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LexicalIndex } from '../src/retrieve/lexicalIndex.js';
import { STORE_FORMAT_VERSION } from '../src/store/manifest.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { currentGeneration, readManifest } from '../src/store/vectorStore.js';
import { tempProject } from './helpers/tempProject.js';

// The BM25 index is saved with the store and read back instead of rebuilt: searches must not change at all.

const texts = [
  { source: 'a.txt', text: 'Tidak diketahui apakah ia lahir di Roma atau di Konstantinopel.' },
  { source: 'b.txt', text: 'Keuangan atau finansial mempelajari cara mengalokasikan sumber daya moneter.' },
  { source: 'b.txt', text: 'Karangkancana adalah sebuah kecamatan di Kabupaten Kuningan, Jawa Barat. Kuningan, Kuningan!' },
  { source: 'c.txt', text: 'Duke William conquered England at the Battle of Hastings in 1066.' },
  { source: 'c.txt', text: 'The battle lines were drawn near the town of Hastings, and William waited. Čeština, 東京, Ελλάδα.' },
  { source: 'c.txt', text: '' },
];
const queries = ['Battle of Hastings', 'Di mana Karangkancana?', 'finansial moneter', 'William England 1066', '東京 Ελλάδα', 'nothing matches zzz', ''];

describe('LexicalIndex.serialize / deserialize', () => {
  const built = new LexicalIndex(texts);
  const bytes = built.serialize();
  const sources = texts.map((t) => t.source);

  it('gives exactly the same scores and hits, with and without a source filter', () => {
    const loaded = LexicalIndex.deserialize(bytes, sources);
    expect(loaded.size).toBe(built.size);
    for (const q of queries) {
      expect(Array.from(loaded.scores(q))).toEqual(Array.from(built.scores(q)));
      expect(loaded.query(q, 3)).toEqual(built.query(q, 3));
      expect(loaded.query(q, 5, 'c.txt')).toEqual(built.query(q, 5, 'c.txt'));
    }
    expect(built.query('Hastings', 5).length).toBeGreaterThan(0);
  });

  it('is raw bytes behind a small JSON header, and reads from an unaligned copy too', () => {
    expect(Array.from(bytes.subarray(0, 4))).toEqual([...Buffer.from('BBLX')]);
    const headerBytes = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerBytes)).toString('utf8')) as { count: number; sections: { name: string }[] };
    expect(header.count).toBe(texts.length);
    expect(header.sections.map((s) => s.name)).toContain('grams.postings');
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    const loaded = LexicalIndex.deserialize(shifted.subarray(1), sources);
    expect(loaded.query('Battle of Hastings', 5)).toEqual(built.query('Battle of Hastings', 5));
  });

  it('refuses bytes that are not an index, truncated, or for another chunk count', () => {
    expect(() => LexicalIndex.deserialize(new Uint8Array(16), sources)).toThrow(/not a lexical index/);
    expect(() => LexicalIndex.deserialize(bytes.subarray(0, bytes.byteLength - 8), sources)).toThrow(/truncated|wrong size/);
    expect(() => LexicalIndex.deserialize(bytes, sources.slice(1))).toThrow(/chunks/);
  });

  it.each([
    [1, 'raw posting arrays'],
    [2, 'coded postings, no term tables'],
  ])('reads format %i (%s, written by a previous version) with the same results', async (version) => {
    const old = new Uint8Array(await fs.readFile(new URL(`./fixtures/lexical-v${version}.bin`, import.meta.url)));
    const header = JSON.parse(Buffer.from(old.subarray(8, 8 + new DataView(old.buffer, old.byteOffset).getUint32(4, true))).toString('utf8')) as { version: number };
    expect(header.version).toBe(version);
    const loaded = LexicalIndex.deserialize(old, sources);
    for (const q of queries) {
      expect(Array.from(loaded.scores(q))).toEqual(Array.from(built.scores(q)));
      expect(loaded.query(q, 3)).toEqual(built.query(q, 3));
    }
    // Saved again, it is written in the current format and still the same index.
    const resaved = loaded.serialize();
    expect(resaved).toEqual(built.serialize());
    const again = LexicalIndex.deserialize(resaved, sources);
    expect(again.query('Battle of Hastings', 5)).toEqual(built.query('Battle of Hastings', 5));
  });

  it('looks terms up in the saved tables, and a damaged table only loses terms', () => {
    const loaded = LexicalIndex.deserialize(bytes, sources);
    for (const name of ['words', 'grams', 'pairs'] as const) expect(loaded.field(name).terms).toEqual(built.field(name).terms);
    const headerBytes = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerBytes)).toString('utf8')) as { sections: { name: string; offset: number; bytes: number }[] };
    for (const fill of [0, 0x7fffffff, 1]) {
      const damaged = bytes.slice();
      for (const s of header.sections.filter((x) => x.name.endsWith('.table'))) {
        new Int32Array(damaged.buffer, 8 + headerBytes + s.offset, s.bytes / 4).fill(fill);
      }
      const index = LexicalIndex.deserialize(damaged, sources);
      for (const q of queries) expect(() => index.query(q, 3)).not.toThrow();
    }
  });

  it('saves postings coded (format 2 and later): far smaller than raw arrays on a real-sized corpus', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ source: `s${i % 7}.txt`, text: `${texts[i % texts.length].text} ${texts[(i * 7) % texts.length].text} nomor ${i}` }));
    const index = new LexicalIndex(many);
    const saved = index.serialize();
    const header = JSON.parse(Buffer.from(saved.subarray(8, 8 + new DataView(saved.buffer, saved.byteOffset).getUint32(4, true))).toString('utf8')) as {
      version: number;
      fields: Record<string, { postings: number }>;
      sections: { name: string; bytes: number }[];
    };
    expect(header.version).toBe(3);
    const rawBytes = Object.values(header.fields).reduce((n, f) => n + f.postings * 6, 0);
    // The postings and where each term's start, against the raw arrays they replace (the term tables of format 3 are
    // another matter: they spare a load building term Maps).
    const postingBytes = header.sections.filter((s) => /\.(postings|starts)$/.test(s.name)).reduce((n, s) => n + s.bytes, 0);
    expect(postingBytes).toBeLessThan(rawBytes * 0.6);
    expect(saved.byteLength).toBeLessThan(rawBytes);
    const loaded = LexicalIndex.deserialize(saved, many.map((t) => t.source));
    for (const q of ['Battle of Hastings', 'nomor 17', 'Kuningan Jawa Barat']) {
      expect(loaded.query(q, 10)).toEqual(index.query(q, 10));
      expect(loaded.query(q, 10, 's3.txt')).toEqual(index.query(q, 10, 's3.txt'));
    }
  });

  it('round-trips an empty index', () => {
    const empty = LexicalIndex.deserialize(new LexicalIndex([]).serialize(), []);
    expect(empty.size).toBe(0);
    expect(empty.query('anything', 5)).toEqual([]);
  });
});

describe('the store saves the lexical index', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    while (cleanups.length) await cleanups.pop()!();
  });

  async function project() {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    // More than the one seed, so there are many chunks and terms shared across files.
    const seed = await fs.readFile(path.join(p.seeds, (await fs.readdir(p.seeds))[0]), 'utf8');
    const body = seed.split('\n').slice(1).join('\n');
    for (let i = 0; i < 3; i++) {
      const shuffled = body.split('. ').reverse().slice(i).join('. ');
      await fs.writeFile(path.join(p.seeds, `extra-${i}.txt`), `Catatan ${i}. ${shuffled}\nThe Battle of Hastings, ${1066 + i}.`);
    }
    return p;
  }

  const storeQueries = ['Selat Hormuz', 'Toshimitsu Motegi', 'pertemuan menteri luar negeri', 'Battle of Hastings 1067', 'Korea Selatan AS'];

  async function searchAll(kb: Awaited<ReturnType<typeof openKnowledgeBase>>['kb']) {
    const out = [];
    for (const q of storeQueries) {
      out.push((await kb.search(q, { k: 8 })).map((h) => ({ id: h.chunk.id, score: h.score, lexical: h.lexical, dense: h.dense })));
      out.push(kb.lexicalSearch(q, 20, 'seeds/extra-1.txt'));
    }
    return out;
  }

  it('loads it instead of rebuilding it, with identical hits, chunk ids and scores', async () => {
    const p = await project();
    const fresh = await openKnowledgeBase(p.config());
    expect(fresh.rebuiltBecause).toBe('no store yet');
    expect(fresh.manifest.files?.['lexical.bin']?.bytes).toBeGreaterThan(0);
    const gen = (await currentGeneration(p.store))!;
    expect((await fs.stat(path.join(gen, 'lexical.bin'))).size).toBe(fresh.manifest.files!['lexical.bin'].bytes);

    const deserialize = vi.spyOn(LexicalIndex, 'deserialize');
    const loaded = await openKnowledgeBase(p.config());
    expect(loaded.rebuiltBecause).toBeNull();
    expect(deserialize).toHaveBeenCalledTimes(1);
    expect(loaded.kb.lexical).toBe(deserialize.mock.results[0].value);
    const [a, b] = [await searchAll(fresh.kb), await searchAll(loaded.kb)];
    expect(a[0].length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('a damaged lexical.bin is caught by its checksum and the store rebuilt', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    const file = path.join((await currentGeneration(p.store))!, 'lexical.bin');
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 3] ^= 0xff;
    await fs.writeFile(file, bytes);
    const reopened = await openKnowledgeBase(p.config());
    expect(reopened.rebuiltBecause).toMatch(/lexical\.bin checksum mismatch/);
    expect((await reopened.kb.search('Selat Hormuz', { k: 1 }))[0].chunk.text).toMatch(/Hormuz/);
  });

  it('a generation whose lexical.bin is missing is rebuilt, saying why, with the same search results', async () => {
    const p = await project();
    const fresh = await openKnowledgeBase(p.config());
    await fs.rm(path.join((await currentGeneration(p.store))!, 'lexical.bin'));
    const reopened = await openKnowledgeBase(p.config());
    expect(reopened.rebuiltBecause).toMatch(/lexical\.bin/);
    expect(await searchAll(reopened.kb)).toEqual(await searchAll(fresh.kb));
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toBeNull();
  });

  it('a store of the previous format is rebuilt once, then loaded', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    const gen = (await currentGeneration(p.store))!;
    const manifest = (await readManifest(p.store))!;
    await fs.writeFile(path.join(gen, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 2 }));
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toMatch(new RegExp(`store format 2 is not the current ${STORE_FORMAT_VERSION}`));
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toBeNull();
  });
});
