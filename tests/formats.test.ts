import { promises as fs } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDocx, makeEncryptedPdf, makeHtmlPage, makeImageOnlyPdf, makePdf, makeZipBomb } from '../src/bench/documentFiles.js';
import { segmentDocument } from '../src/chunk/chunker.js';
import { createAnswerEngine } from '../src/answer/engine.js';
import { renderAnswerText, renderSources } from '../src/answer/renderText.js';
import { answerJson } from '../src/answer/toJson.js';
import { BriefingService } from '../src/service.js';
import { loadSeeds } from '../src/seeds/loadSeeds.js';
import { pageAt } from '../src/seeds/pages.js';
import { extractTextOffThread } from '../src/seeds/formats/offThread.js';
import { tempProject } from './helpers/tempProject.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project() {
  const p = await tempProject(false);
  cleanups.push(p.cleanup);
  return p;
}

const PDF_PAGES = [
  ['Laporan ini membahas pertemuan menteri.', 'Pertemuan berlangsung di San Francisco.'],
  [],
  ['Halaman ketiga menyebut Selat Hormuz.', 'Kapal perang dikirim ke sana.'],
];

describe('PDF seeds', () => {
  it('keeps each page\'s text with its offset: every sentence is an exact slice and on the right page', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'report.pdf'), await makePdf({ pages: PDF_PAGES, title: 'Laporan Pertemuan', created: new Date('2021-03-04T10:00:00Z') }));
    const scan = await loadSeeds(p.seeds, 5_000_000, p.root);
    expect(scan.skipped).toEqual([]);
    const [doc] = scan.documents;
    expect(doc).toMatchObject({ source: 'seeds/report.pdf', format: 'pdf', title: 'Laporan Pertemuan', date: '2021-03-04' });
    expect(doc.pageStarts).toHaveLength(3);
    const indexed = segmentDocument({ ...doc });
    const bySentence = new Map(indexed.sentences.map((s) => [doc.content.slice(s.start, s.end), pageAt(doc.pageStarts, s.start)]));
    expect(Object.fromEntries(bySentence)).toEqual({
      'Laporan ini membahas pertemuan menteri.': 1,
      'Pertemuan berlangsung di San Francisco.': 1,
      'Halaman ketiga menyebut Selat Hormuz.': 3,
      'Kapal perang dikirim ke sana.': 3,
    });
    const sentence = indexed.sentences.find((s) => doc.content.slice(s.start, s.end).startsWith('Kapal'))!;
    const citation = { n: 1, source: doc.source, start: sentence.start, end: sentence.end, quote: doc.content.slice(sentence.start, sentence.end), chunkId: 'c', score: 1 };
    expect(renderSources([citation], () => doc.date, () => doc.pageStarts)).toEqual(['[1] seeds/report.pdf p. 3 (2021-03-04): "Kapal perang dikirim ke sana."']);
  });

  it('refuses an encrypted PDF, an image-only PDF, one over the page limit and a text file named .pdf, by name, and keeps the rest', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'good.pdf'), await makePdf({ pages: [['Satu kalimat yang baik.']] }));
    await fs.writeFile(path.join(p.seeds, 'locked.pdf'), await makeEncryptedPdf());
    await fs.writeFile(path.join(p.seeds, 'scan.pdf'), await makeImageOnlyPdf());
    await fs.writeFile(path.join(p.seeds, 'long.pdf'), await makePdf({ pages: [['a.'], ['b.'], ['c.']] }));
    await fs.writeFile(path.join(p.seeds, 'notes.pdf'), 'Just text, not a PDF.');
    await fs.writeFile(path.join(p.seeds, 'broken.pdf'), '%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage');
    const scan = await loadSeeds(p.seeds, 5_000_000, p.root, 2);
    expect(scan.documents.map((d) => d.source)).toEqual(['seeds/good.pdf']);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]));
    expect(reasons).toEqual({
      'seeds/broken.pdf': expect.stringMatching(/^(corrupt|unreadable) PDF/),
      'seeds/locked.pdf': 'encrypted PDF (needs a password)',
      'seeds/long.pdf': 'more pages than SEED_MAX_PAGES (3 > 2)',
      'seeds/notes.pdf': 'wrong extension: this .pdf file is text or another format',
      'seeds/scan.pdf': 'no text in the PDF (image-only or scanned?)',
    });
    // Refused files carry their hash, so the store can tell an unchanged bad file from a new one.
    expect(scan.skipped.every((s) => /^[0-9a-f]{64}$/.test(s.sha256 ?? ''))).toBe(true);
  });
});

describe('PDF, DOCX and HTML through the store and the answer engine', () => {
  it('reads a PDF refused under SEED_MAX_PAGES once the limit is raised (and not before)', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'long.pdf'), await makePdf({ pages: [['Halaman satu.'], ['Halaman dua.'], ['Kapal tiba di Busan.']] }));
    const first = await BriefingService.open(p.config({ SEED_MAX_PAGES: '2' }));
    expect(first.manifest.skipped.map((s) => s.source)).toEqual(['seeds/long.pdf']);
    const unchanged = await BriefingService.open(p.config({ SEED_MAX_PAGES: '2' }));
    expect(unchanged.manifest.builtAt).toBe(first.manifest.builtAt);
    const raised = await BriefingService.open(p.config({ SEED_MAX_PAGES: '5' }));
    expect(raised.manifest.builtAt).not.toBe(first.manifest.builtAt);
    expect(raised.kb.documents.map((d) => d.source)).toEqual(['seeds/long.pdf']);
    expect(raised.manifest.skipped).toEqual([]);
  });

  it('cites exact quotes from the extracted text, with the PDF page, after the store is saved and loaded again', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'report.pdf'), await makePdf({ pages: PDF_PAGES, title: 'Laporan Pertemuan' }));
    await fs.writeFile(path.join(p.seeds, 'memo.docx'), await makeDocx({ paragraphs: ['Menteri pertahanan mengumumkan anggaran baru sebesar 12 triliun rupiah.'] }));
    await fs.writeFile(path.join(p.seeds, 'page.html'), makeHtmlPage({ title: 'Berita Pelabuhan', paragraphs: ['Pelabuhan Busan ditutup selama tiga hari karena badai.'] }));
    await BriefingService.open(p.config());
    const service = await BriefingService.open(p.config()); // loaded from disk, not rebuilt
    const content = new Map(service.kb.documents.map((d) => [d.source, d]));
    expect([...content.keys()].sort()).toEqual(['seeds/memo.docx', 'seeds/page.html', 'seeds/report.pdf']);
    expect(content.get('seeds/report.pdf')!.pageStarts).toHaveLength(3);
    const engine = createAnswerEngine(service, {});
    const pagesOf = (source: string) => content.get(source)?.pageStarts;
    for (const [question, source, label] of [
      ['Ke mana kapal perang dikirim?', 'seeds/report.pdf', 'seeds/report.pdf p. 3'],
      ['Berapa anggaran baru menteri pertahanan?', 'seeds/memo.docx', 'seeds/memo.docx'],
      ['Berapa lama Pelabuhan Busan ditutup?', 'seeds/page.html', 'seeds/page.html'],
    ] as const) {
      const result = await engine.ask(question);
      expect(result.abstained, question).toBe(false);
      const first = result.citations[0];
      expect(first.source, question).toBe(source);
      expect(first.quote).toBe(content.get(source)!.content.slice(first.start, first.end));
      expect(renderAnswerText(result, () => undefined, pagesOf)).toContain(`[1] ${label}: "${first.quote}"`);
      const json = answerJson(result, pagesOf) as { citations: { page?: number }[] };
      expect(json.citations[0].page).toBe(source.endsWith('.pdf') ? 3 : undefined);
    }
  });
});

describe('DOCX seeds', () => {
  it('reads paragraphs as exact, citable text with the title from the core properties', async () => {
    const p = await project();
    const paragraphs = ['Menteri luar negeri bertemu di San Francisco.', 'Pertemuan itu berlangsung 50 menit. Topiknya Selat Hormuz.'];
    await fs.writeFile(path.join(p.seeds, 'memo.docx'), await makeDocx({ paragraphs, title: 'Memo Pertemuan' }));
    const [doc] = (await loadSeeds(p.seeds, 5_000_000, p.root)).documents;
    expect(doc).toMatchObject({ format: 'docx', title: 'Memo Pertemuan' });
    expect(doc.pageStarts).toBeUndefined();
    expect(doc.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const quotes = segmentDocument({ ...doc }).sentences.map((s) => doc.content.slice(s.start, s.end));
    expect(quotes).toEqual(['Menteri luar negeri bertemu di San Francisco.', 'Pertemuan itu berlangsung 50 menit.', 'Topiknya Selat Hormuz.']);
  });

  it('refuses a zip bomb before inflating it, a corrupt DOCX, a PDF named .docx and a 200 MB file, and keeps the rest', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'good.docx'), await makeDocx({ paragraphs: ['Isi yang baik.'] }));
    const bomb = makeZipBomb(3_000_000);
    expect(bomb.length).toBeLessThan(10_000);
    await fs.writeFile(path.join(p.seeds, 'bomb.docx'), bomb);
    const real = await makeDocx({ paragraphs: ['Terpotong.'] });
    await fs.writeFile(path.join(p.seeds, 'truncated.docx'), real.subarray(0, Math.floor(real.length / 2)));
    await fs.writeFile(path.join(p.seeds, 'renamed.docx'), await makePdf({ pages: [['Sebuah PDF.']] }));
    await fs.writeFile(path.join(p.seeds, 'notword.docx'), makeZipWithout());
    // A sparse 200 MB file: refused by its size, never read.
    const huge = path.join(p.seeds, 'huge.docx');
    await fs.writeFile(huge, '');
    await fs.truncate(huge, 200 * 1024 * 1024);
    const scan = await loadSeeds(p.seeds, 100_000, p.root);
    expect(scan.documents.map((d) => d.source)).toEqual(['seeds/good.docx']);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]));
    expect(reasons).toEqual({
      'seeds/bomb.docx': 'zip bomb: its text parts expand to 3000029 bytes (more than 2000000)',
      'seeds/huge.docx': `larger than SEED_MAX_BYTES (${200 * 1024 * 1024} > 100000 bytes)`,
      'seeds/notword.docx': 'corrupt DOCX (no word/document.xml: not a Word document)',
      'seeds/renamed.docx': 'wrong extension: this .docx file is a PDF',
      'seeds/truncated.docx': expect.stringMatching(/^corrupt DOCX \(not a readable zip/),
    });
  });
});

/** A valid zip that is not a Word document. */
function makeZipWithout(): Uint8Array {
  return zipSync({ 'readme.txt': new TextEncoder().encode('hello') });
}

describe('HTML seeds', () => {
  it('keeps only the readable text: no scripts, styles, navigation, header, footer or asides', async () => {
    const p = await project();
    const html = makeHtmlPage({ title: 'Menlu Bertemu', date: '2020-01-15', paragraphs: ['Para menteri bertemu di San Francisco.', 'Mereka membahas Selat Hormuz &amp; kapal <b>perang</b>.'] });
    await fs.writeFile(path.join(p.seeds, 'page.html'), html);
    const [doc] = (await loadSeeds(p.seeds, 5_000_000, p.root)).documents;
    expect(doc).toMatchObject({ format: 'html', title: 'Menlu Bertemu', date: '2020-01-15' });
    expect(doc.content).toBe('Menlu Bertemu\n\nPara menteri bertemu di San Francisco.\n\nMereka membahas Selat Hormuz & kapal perang.');
    for (const furniture of ['SCRIPT TEXT', 'CSS text', 'Beranda', 'Politik', 'Baca juga', 'Hak cipta', 'JavaScript']) expect(doc.content).not.toContain(furniture);
    const quotes = segmentDocument({ ...doc }).sentences.map((s) => doc.content.slice(s.start, s.end));
    expect(quotes).toContain('Mereka membahas Selat Hormuz & kapal perang.');
  });

  it('reads a page in the charset it declares when it is not UTF-8', async () => {
    const p = await project();
    const page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Café</title></head><body><p>Pertemuan di café Seoul berakhir.</p></body></html>';
    await fs.writeFile(path.join(p.seeds, 'old.html'), encodeWindows1252(page));
    await fs.writeFile(path.join(p.seeds, 'nolabel.html'), Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x3c, 0x2f, 0x70, 0x3e]));
    const scan = await loadSeeds(p.seeds, 5_000_000, p.root);
    expect(scan.documents.map((d) => [d.source, d.title, d.content])).toEqual([['seeds/old.html', 'Café', 'Pertemuan di café Seoul berakhir.']]);
    expect(scan.skipped.map((s) => [s.source, s.reason])).toEqual([['seeds/nolabel.html', 'not valid UTF-8, and the page declares no other charset']]);
  });

  it('refuses a page with no readable text and a ZIP named .html', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.seeds, 'empty.html'), '<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>');
    await fs.writeFile(path.join(p.seeds, 'zip.html'), await makeDocx({ paragraphs: ['x'] }));
    const scan = await loadSeeds(p.seeds, 5_000_000, p.root);
    expect(scan.documents).toEqual([]);
    expect(Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]))).toEqual({
      'seeds/empty.html': 'no readable text on the page',
      'seeds/zip.html': 'wrong extension: this .html file is a ZIP/Office file',
    });
  });
});

describe('reading off the main thread', () => {
  const limits = { maxPages: 1000, maxExpandedBytes: 10_000_000 };
  let made: Promise<Uint8Array> | undefined;
  const longPdf = () => (made ??= makePdf({ pages: Array.from({ length: 60 }, (_, p) => Array.from({ length: 40 }, (_, i) => `Baris ${i} halaman ${p} berisi kalimat biasa yang cukup panjang.`)) }));

  it('keeps the event loop turning while a long PDF is read', async () => {
    const pdf = await longPdf();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const read = await extractTextOffThread(pdf, 'long.pdf', limits);
    clearInterval(timer);
    expect(read.pageStarts).toHaveLength(60);
    // On the main thread pdf.js would not yield once in this time: the interval would not have run.
    expect(ticks).toBeGreaterThan(3);
  });

  it('refuses a file that takes too long by name, and reads the files queued behind it in a new reader', async () => {
    const pdf = await longPdf();
    const small = await makePdf({ pages: [['Kalimat pendek.']] });
    const [slow, next] = await Promise.allSettled([extractTextOffThread(pdf, 'long.pdf', limits, 1), extractTextOffThread(small, 'small.pdf', limits)]);
    expect(slow).toMatchObject({ status: 'rejected', reason: { message: 'took longer than 1 ms to read' } });
    expect(next).toMatchObject({ status: 'fulfilled', value: { content: 'Kalimat pendek.' } });
  });
});

/** windows-1252 bytes of Latin-1 text. */
function encodeWindows1252(text: string): Uint8Array {
  return Uint8Array.from([...text].map((ch) => ch.charCodeAt(0)));
}
