import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPathologicalRows, runPathologicalBench } from '../src/bench/pathological.js';
import { segmentDocument } from '../src/chunk/chunker.js';
import { HashingEmbeddings } from '../src/embed/hashingEmbeddings.js';
import { KnowledgeBase } from '../src/retrieve/knowledgeBase.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { MAX_SENTENCE_CHARS, splitSentences } from '../src/text/sentences.js';
import { tempProject } from './helpers/tempProject.js';

/**
 * Text an operator or a hostile user may drop in seeds/: one sentence repeated, one endless word. Indexing it
 * used to take time quadratic in its size (hnswlib with thousands of identical vectors; the sentence cap scanning
 * back to the start of the text). These tests hold the behaviour that keeps it linear: identical chunks share one
 * vector point; results and chunk counts stay what they were.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function projectWith(files: Record<string, string>) {
  const p = await tempProject(false);
  cleanups.push(p.cleanup);
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(p.seeds, name), text);
  return p;
}

const SENTENCE = 'Menteri Luar Negeri bertemu di San Francisco untuk membahas Selat Hormuz.';

/** Chunks of `n` equal sentences of `length` characters joined by one space, packed to `target` with one of overlap. */
function expectedChunks(n: number, length: number, target: number): number {
  const perChunk = Math.floor((target + 1) / (length + 1));
  return n <= perChunk ? 1 : 1 + Math.ceil((n - perChunk) / (perChunk - 1));
}

describe('pathological seed text', () => {
  it('builds 200 KB of one repeated sentence into the expected chunks, all sharing one vector point', async () => {
    const n = Math.ceil(200_000 / (SENTENCE.length + 1));
    const p = await projectWith({ 'ulang.txt': Array(n).fill(SENTENCE).join(' ') });
    const built = await openKnowledgeBase(p.config());
    const chunks = expectedChunks(n, SENTENCE.length, p.config().chunkTargetChars);
    expect(built.kb.size).toBe(chunks);
    expect(built.manifest.documents[0]).toMatchObject({ sentences: n, chunks });
    // All full chunks have the same text; only the last may be shorter.
    const distinctTexts = new Set(built.kb.chunks.map((c) => c.text)).size;
    expect(built.kb.vectors.index.getCurrentCount()).toBe(distinctTexts);
    expect(distinctTexts).toBeLessThanOrEqual(2);

    const loaded = await openKnowledgeBase(p.config());
    expect(loaded.rebuiltBecause).toBeNull();
    expect(loaded.kb.size).toBe(chunks);
    const dense = await loaded.kb.denseSearch('Selat Hormuz', 5);
    expect(dense.map((h) => h.index)).toEqual([0, 1, 2, 3, 4]);
    const hits = await loaded.kb.search('Selat Hormuz', { k: 5 });
    expect(hits).toHaveLength(5);
    for (const hit of hits) expect(hit.chunk.text).toContain('Selat Hormuz');
  });

  it('builds an endless word into capped pieces, one chunk each, sharing one vector point', async () => {
    const p = await projectWith({ 'kata.txt': 'a'.repeat(200_000) });
    const { kb } = await openKnowledgeBase(p.config());
    const pieces = Math.ceil(200_000 / MAX_SENTENCE_CHARS);
    expect(kb.size).toBe(pieces);
    expect(kb.chunks.every((c) => c.text.length <= MAX_SENTENCE_CHARS)).toBe(true);
    expect(kb.chunks.map((c) => c.text).join('')).toBe('a'.repeat(200_000));
    expect(kb.vectors.index.getCurrentCount()).toBe(2); // full pieces, and the shorter last one
  });

  it('keeps source filters exact when two files share a vector point', async () => {
    const text = Array(40).fill(SENTENCE).join(' ');
    const p = await projectWith({ 'a.txt': text, 'b.txt': text });
    const { kb } = await openKnowledgeBase(p.config());
    expect(kb.vectors.index.getCurrentCount()).toBeLessThan(kb.size);
    for (const source of ['seeds/a.txt', 'seeds/b.txt']) {
      const dense = await kb.denseSearch('Selat Hormuz', 3, source);
      expect(dense).toHaveLength(3);
      expect(dense.every((h) => kb.chunks[h.index].source === source)).toBe(true);
      const hits = await kb.search('Selat Hormuz', { k: 3, source });
      expect(hits.map((h) => h.chunk.source)).toEqual([source, source, source]);
    }
  });

  it('lets other work run while a large briefing is built', async () => {
    const content = Array.from({ length: 8000 }, (_, i) => `Kalimat nomor ${i} tentang Selat Hormuz.`).join(' ');
    const documents = [segmentDocument({ source: 'seeds/panjang.txt', title: 'panjang', content })];
    await HNSWLib.imports(); // loading the native module reads files, which would yield on its own
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    // Only computation here (no file I/O, which would yield anyway): the build itself must give way.
    const kb = await KnowledgeBase.build(documents, new HashingEmbeddings({ dimensions: 256 }), { targetChars: 600, overlapSentences: 1 }, { lexicalWeight: 0.99, hnswEf: 50 });
    running = false;
    expect(kb.size).toBeGreaterThan(512);
    // At least one turn of the event loop per batch of 256 chunks fitted and per batch embedded.
    expect(ticks).toBeGreaterThanOrEqual(2 * Math.floor(kb.size / 256));
  });

  it('cuts text without spaces or with a dot after every letter into pieces that cover it exactly', () => {
    for (const text of ['a'.repeat(10_000), 'a.'.repeat(5_000), `${'kata '.repeat(400)}${'b'.repeat(4_000)}`]) {
      const spans = splitSentences(text);
      expect(spans.every((s) => s.end - s.start <= MAX_SENTENCE_CHARS)).toBe(true);
      expect(spans.map((s) => text.slice(s.start, s.end)).join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('benchmarks build time per kind and size through the real ingest path', async () => {
    const pool = ['Kalimat pertama tentang diplomasi di San Francisco.', 'A second sentence, in English, about the strait.'];
    const rows = await runPathologicalBench({ megabytes: [0.02], pool, log: () => undefined });
    expect(rows.map((r) => r.kind)).toEqual(['varied', 'repeated sentence', 'single word']);
    for (const row of rows) {
      expect(row.megabytes).toBe(0.02);
      expect(row.chunks).toBeGreaterThan(0);
      expect(row.buildSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(formatPathologicalRows(rows).split('\n')).toHaveLength(rows.length + 3);
  });
});
