import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BriefingService } from '../src/service.js';
import { createSummarizer, Summarizer } from '../src/summary/summarizer.js';
import { splitSentences } from '../src/text/sentences.js';
import { UserInputError } from '../src/errors.js';
import type { SummaryResult, SummaryStyle } from '../src/summary/types.js';
import { generateSyntheticBriefing, writeSyntheticBriefing } from '../src/bench/syntheticBriefing.js';
import { ROOT, tempProject } from './helpers/tempProject.js';

type Project = Awaited<ReturnType<typeof tempProject>>;
let project: Project;
let service: BriefingService;
let summarizer: Summarizer;
const contents = new Map<string, string>();

async function readContents(p: Project): Promise<void> {
  for (const doc of service.kb.documents) contents.set(doc.source, await fs.readFile(path.join(p.root, doc.source), 'utf8'));
}

/** Every citation is one whole sentence of its source, quoted exactly; numbers follow first use from 1. */
function expectExactCitations(result: SummaryResult): void {
  expect(result.citations.length).toBeGreaterThan(0);
  const markers = [...result.summary.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const firstUse = markers.filter((n, i) => markers.indexOf(n) === i);
  expect(firstUse).toEqual(result.citations.map((_, i) => i + 1));
  for (const c of result.citations) {
    const content = contents.get(c.source)!;
    expect(content.slice(c.start, c.end)).toBe(c.quote);
    expect(splitSentences(content).some((s) => s.start === c.start && s.end === c.end)).toBe(true);
    expect(service.kb.chunks.find((ch) => ch.id === c.chunkId)?.text).toContain(c.quote);
  }
}

/** The statements of a summary: bullet lines, or sentences ending in a marker; headings excluded. */
function statements(result: SummaryResult): string[] {
  return result.summary
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('**'))
    .flatMap((line) => line.split(/(?<=\])\s+(?=\S)/));
}

beforeAll(async () => {
  project = await tempProject();
  service = await BriefingService.open(project.config());
  summarizer = createSummarizer(service, { SUMMARY_CACHE_DIR: path.join(project.root, 'cache') });
  await readContents(project);
});
afterAll(() => project.cleanup());

describe('extractive summaries of the seed', () => {
  it('brief covers the three threads in 2-3 cited sentences within ~600 characters', async () => {
    const r = await summarizer.summarize({ style: 'brief' });
    expect(r.mode).toBe('extractive');
    expect(r.citations.length).toBeGreaterThanOrEqual(2);
    expect(r.citations.length).toBeLessThanOrEqual(3);
    expect(r.summary.length).toBeLessThanOrEqual(600);
    const quotes = r.citations.map((c) => c.quote);
    expect(quotes.some((q) => /Korea Utara|denuklirisasi/.test(q))).toBe(true);
    expect(quotes.some((q) => q.includes('Hormuz'))).toBe(true);
    expect(quotes.some((q) => q.includes('Motegi'))).toBe(true);
    // The header line is metadata, never a summary sentence.
    expect(r.summary).not.toMatch(/YONHAP|Photo/);
    expectExactCitations(r);
  });

  it.each<SummaryStyle>(['brief', 'bullets', 'detailed'])('%s: every statement carries [n] and quotes are exact', async (style) => {
    const r = await summarizer.summarize({ style });
    expectExactCitations(r);
    for (const s of statements(r)) expect(s).toMatch(/\[\d+\]$/);
    // Source order within the document: offsets only increase.
    const starts = r.citations.map((c) => c.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('bullets gives 5-8 points and detailed a paragraph per theme', async () => {
    const bullets = await summarizer.summarize({ style: 'bullets' });
    const points = bullets.summary.split('\n').filter((l) => l.startsWith('- '));
    expect(points.length).toBeGreaterThanOrEqual(5);
    expect(points.length).toBeLessThanOrEqual(8);
    expect(new Set(bullets.citations.map((c) => c.start)).size).toBe(points.length);
    const detailed = await summarizer.summarize({ style: 'detailed' });
    const paragraphs = detailed.summary.split('\n\n');
    expect(paragraphs.length).toBeGreaterThanOrEqual(2);
    for (const p of paragraphs) expect(p).toMatch(/\[\d+\]/);
    expect(detailed.citations.length).toBeGreaterThan(bullets.citations.length - 3);
  });

  it('says so when English is asked for and the extract is Indonesian', async () => {
    const en = await summarizer.summarize({ style: 'brief', lang: 'en' });
    expect(en.notice).toMatch(/Indonesian/);
    const id = await summarizer.summarize({ style: 'brief', lang: 'id' });
    expect(id.notice).toBeUndefined();
  });

  it('topic scope summarises the passages about the topic', async () => {
    const r = await summarizer.summarize({ style: 'brief', topic: 'Hormuz' });
    expectExactCitations(r);
    expect(r.citations[0].quote).toContain('Hormuz');
    expect(r.citations.some((c) => c.quote.includes('Motegi'))).toBe(false);
    // An English topic finds the Indonesian text through the translations.
    const japan = await summarizer.summarize({ style: 'brief', topic: 'Japan' });
    expect(japan.citations[0].quote).toContain('Jepang');
    const none = await summarizer.summarize({ style: 'brief', topic: 'weather in Jakarta' });
    expect(none.citations).toEqual([]);
    expect(none.summary).toMatch(/nothing on/);
  });

  it('rejects an unknown style, source or an empty topic with a one-line user error', async () => {
    await expect(summarizer.summarize({ style: 'long' as SummaryStyle })).rejects.toThrow(UserInputError);
    await expect(summarizer.summarize({ style: 'brief', source: 'seeds/nope.txt' })).rejects.toThrow(/Unknown source/);
    await expect(summarizer.summarize({ style: 'brief', topic: '  \u0000 ' })).rejects.toThrow(/topic is empty/);
  });
});

describe('summary cache', () => {
  it('a repeated request is served from disk; a corrupt file is ignored and rebuilt', async () => {
    const cacheDir = path.join(project.root, 'cache-a');
    const s = createSummarizer(service, { SUMMARY_CACHE_DIR: cacheDir });
    const first = await s.summarize({ style: 'bullets', lang: 'id' });
    expect(first.cached).toBe(false);
    const second = await createSummarizer(service, { SUMMARY_CACHE_DIR: cacheDir }).summarize({ style: 'bullets', lang: 'id' });
    expect(second.cached).toBe(true);
    expect(second.summary).toBe(first.summary);
    expect(second.citations).toEqual(first.citations);
    // Other style, scope or language: other entries.
    expect((await s.summarize({ style: 'bullets', lang: 'en' })).cached).toBe(false);
    expect((await s.summarize({ style: 'bullets', topic: 'Hormuz', lang: 'id' })).cached).toBe(false);

    const files = (await fs.readdir(cacheDir)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(3);
    for (const f of files) await fs.writeFile(path.join(cacheDir, f), '{"key": "trunc');
    const afterCorruption = await s.summarize({ style: 'bullets', lang: 'id' });
    expect(afterCorruption.cached).toBe(false);
    expect(afterCorruption.summary).toBe(first.summary);
    expect((await s.summarize({ style: 'bullets', lang: 'id' })).cached).toBe(true);
  });

  it('keeps at most SUMMARY_CACHE_MAX_ENTRIES files, dropping the least recently used', async () => {
    const cacheDir = path.join(project.root, 'cache-b');
    const s = createSummarizer(service, { SUMMARY_CACHE_DIR: cacheDir, SUMMARY_CACHE_MAX_ENTRIES: '2' });
    await s.summarize({ style: 'brief' });
    await new Promise((r) => setTimeout(r, 20));
    await s.summarize({ style: 'bullets' });
    await new Promise((r) => setTimeout(r, 20));
    expect((await s.summarize({ style: 'brief' })).cached).toBe(true); // refreshes "brief"
    await new Promise((r) => setTimeout(r, 20));
    await s.summarize({ style: 'detailed' });
    expect((await fs.readdir(cacheDir)).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect((await s.summarize({ style: 'brief' })).cached).toBe(true);
    expect((await s.summarize({ style: 'bullets' })).cached).toBe(false);
  });

  it('a re-index that rebuilds the store invalidates cached summaries', async () => {
    const p = await tempProject();
    try {
      const svc = await BriefingService.open(p.config());
      const env = { SUMMARY_CACHE_DIR: path.join(p.root, 'cache') };
      expect((await createSummarizer(svc, env).summarize({ style: 'brief' })).cached).toBe(false);
      expect((await createSummarizer(svc, env).summarize({ style: 'brief' })).cached).toBe(true);
      const unchanged = await svc.reindex();
      expect(unchanged.rebuiltBecause).toBeNull();
      expect((await createSummarizer(svc, env).summarize({ style: 'brief' })).cached).toBe(true);
      await fs.writeFile(path.join(p.seeds, 'extra.txt'), 'Pemerintah Jakarta mengumumkan rencana banjir baru untuk musim hujan tahun ini.\n');
      const rebuilt = await svc.reindex();
      expect(rebuilt.rebuiltBecause).toMatch(/seeds changed/);
      expect((await createSummarizer(svc, env).summarize({ style: 'brief' })).cached).toBe(false);
    } finally {
      await p.cleanup();
    }
  });
});

describe('many documents', () => {
  let many: Project;
  let manyService: BriefingService;
  beforeAll(async () => {
    many = await tempProject();
    const docs = generateSyntheticBriefing({ documents: 40, seed: 7, evalDir: path.resolve(ROOT, '../shared/eval') });
    await writeSyntheticBriefing(many.seeds, docs);
    manyService = await BriefingService.open(many.config());
    for (const doc of manyService.kb.documents) contents.set(doc.source, await fs.readFile(path.join(many.root, doc.source), 'utf8'));
  });
  afterAll(() => many.cleanup());

  it.each<SummaryStyle>(['brief', 'bullets', 'detailed'])('%s groups by document, newest first, and lists what was left out', async (style) => {
    const progress: [number, number][] = [];
    const s = createSummarizer(manyService, { SUMMARY_CACHE_MAX_ENTRIES: '0' });
    const r = await s.summarize({ style }, { onProgress: (d, t) => progress.push([d, t]) });
    const saved = service;
    service = manyService;
    try {
      expectExactCitations(r);
    } finally {
      service = saved;
    }
    const dateOf = new Map(manyService.kb.documents.map((d) => [d.source, d.date ?? '']));
    const order = r.citations.map((c) => c.source).filter((s, i, all) => all.indexOf(s) === i);
    const dates = order.map((s) => dateOf.get(s)!);
    expect(dates).toEqual([...dates].sort().reverse());
    // Documents appear as contiguous groups.
    const runs = r.citations.map((c) => c.source).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(runs).toEqual(order);
    expect(r.leftOut).toBeDefined();
    expect(new Set([...order, ...r.leftOut!])).toEqual(new Set(manyService.kb.documents.map((d) => d.source)));
    expect(r.leftOut!.some((s) => order.includes(s))).toBe(false);
    // The newest left-out document is not newer than the oldest included one.
    const oldestIncluded = dates[dates.length - 1];
    expect(r.leftOut!.every((s) => dateOf.get(s)! <= oldestIncluded)).toBe(true);
    expect(r.notice).toMatch(/left out/);
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
    if (style === 'brief') expect(r.summary.length).toBeLessThanOrEqual(600);
    if (style !== 'brief') expect(r.summary).toMatch(/^\*\*/);
  });

  it('source scope keeps to one document', async () => {
    const target = manyService.kb.documents[5].source;
    const s = createSummarizer(manyService, { SUMMARY_CACHE_MAX_ENTRIES: '0' });
    const r = await s.summarize({ style: 'bullets', source: path.basename(target) });
    expect(r.citations.length).toBeGreaterThan(0);
    expect(r.citations.every((c) => c.source === target)).toBe(true);
    expect(r.leftOut).toBeUndefined();
  });
});
