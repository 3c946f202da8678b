import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DocxLoader } from '@langchain/community/document_loaders/fs/docx';
import { PDFLoader } from '@langchain/community/document_loaders/fs/pdf';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { loadCoreConfig } from '../config.js';
import { loadSeeds } from '../seeds/loadSeeds.js';
import { openKnowledgeBase } from '../store/openKnowledgeBase.js';
import { seededRandom } from '../util/random.js';
import { loadSentencePool } from './corpus.js';
import { makeDocx, makePdf } from './documentFiles.js';
import { peakRssMiB } from './latency.js';

/**
 * Ingest speed of PDF and DOCX seeds, in pages per second, beside LangChain's PDFLoader / DocxLoader (+ its
 * default splitter and HNSWLib with the same embeddings) on the same file in the same run. The DOCX holds the
 * PDF's text, so its "pages" are the PDF's pages (Word files have no fixed pages).
 */
export interface FormatsBenchOptions {
  evalDir: string;
  pages?: number;
  log?: (line: string) => void;
}

export interface FormatFigures {
  format: 'pdf' | 'docx';
  pages: number;
  bytes: number;
  /** Text extraction alone (loadSeeds / the LangChain loader), median of 3 runs. */
  extractMs: { ours: number; langchain: number };
  /** Extraction through a searchable index: ours = a full store build, LangChain = loader + splitter + HNSWLib. */
  ingestMs: { ours: number; langchain: number };
  pagesPerSecond: { oursExtract: number; langchainExtract: number; oursIngest: number; langchainIngest: number };
  chunks: { ours: number; langchain: number };
}

export interface FormatsBenchResult {
  rows: FormatFigures[];
  peakRssMiB: number;
}

const LINES_PER_PAGE = 40;
const CHARS_PER_LINE = 95;

/** Real sentences (ASCII only: the PDF's standard font has no other glyphs), laid out as pages of lines. */
function pagesOfText(pool: string[], pages: number): string[][] {
  const random = seededRandom(11);
  const ascii = pool.filter((s) => /^[\x20-\x7e]+$/.test(s));
  const out: string[][] = [];
  for (let p = 0; p < pages; p++) {
    const lines: string[] = [];
    let line = '';
    while (lines.length < LINES_PER_PAGE) {
      for (const word of ascii[Math.floor(random() * ascii.length)].split(' ')) {
        if (line && line.length + word.length + 1 > CHARS_PER_LINE) {
          lines.push(line);
          line = '';
        }
        line = line ? `${line} ${word}` : word;
      }
    }
    out.push(lines.slice(0, LINES_PER_PAGE));
  }
  return out;
}

/** Median of 3 timed runs after one untimed (module loading and JIT warm-up are not the format's cost). */
async function median3(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[1];
}

const perSecond = (pages: number, ms: number) => Math.round((pages / (ms / 1000)) * 10) / 10;

export async function runFormatsBench(options: FormatsBenchOptions): Promise<FormatsBenchResult> {
  const log = options.log ?? (() => undefined);
  const pageCount = options.pages ?? 100;
  const pages = pagesOfText(await loadSentencePool(options.evalDir), pageCount);
  const files = {
    pdf: await makePdf({ pages, title: 'Bench report' }),
    docx: await makeDocx({ paragraphs: pages.map((lines) => lines.join(' ')), title: 'Bench report' }),
  };
  const rows: FormatFigures[] = [];
  for (const format of ['pdf', 'docx'] as const) {
    const temp = await fs.mkdtemp(path.join(os.tmpdir(), `briefing-formats-${format}-`));
    try {
      const seeds = path.join(temp, 'seeds');
      await fs.mkdir(seeds);
      const file = path.join(seeds, `bench.${format}`);
      await fs.writeFile(file, files[format]);
      const config = loadCoreConfig({ EMBEDDINGS_PROVIDER: 'hashing', SEED_MAX_BYTES: String(files[format].length) }, temp);
      const loader = () => (format === 'pdf' ? new PDFLoader(file) : new DocxLoader(file));

      log(`formats ${format}: extraction`);
      const oursExtract = await median3(async () => {
        const scan = await loadSeeds(seeds, files[format].length, temp);
        if (scan.documents.length !== 1) throw new Error(`bench ${format} not read: ${scan.skipped[0]?.reason}`);
      });
      const lcExtract = await median3(() => loader().load());

      log(`formats ${format}: ingest`);
      let started = performance.now();
      const built = await openKnowledgeBase(config, { force: true });
      const oursIngest = performance.now() - started;
      started = performance.now();
      const lcDocs = await new RecursiveCharacterTextSplitter().splitDocuments(await loader().load());
      await HNSWLib.fromDocuments(lcDocs, built.kb.embeddings);
      const lcIngest = performance.now() - started;

      rows.push({
        format,
        pages: pageCount,
        bytes: files[format].length,
        extractMs: { ours: Math.round(oursExtract), langchain: Math.round(lcExtract) },
        ingestMs: { ours: Math.round(oursIngest), langchain: Math.round(lcIngest) },
        pagesPerSecond: {
          oursExtract: perSecond(pageCount, oursExtract),
          langchainExtract: perSecond(pageCount, lcExtract),
          oursIngest: perSecond(pageCount, oursIngest),
          langchainIngest: perSecond(pageCount, lcIngest),
        },
        chunks: { ours: built.kb.size, langchain: lcDocs.length },
      });
    } finally {
      await fs.rm(temp, { recursive: true, force: true });
    }
  }
  return { rows, peakRssMiB: peakRssMiB() };
}

export function formatFormatsBench(result: FormatsBenchResult): string {
  const lines = [
    '| format | pages | file | extract: ours | extract: LangChain loader | ingest: ours (store build) | ingest: LangChain (loader + splitter + HNSWLib) | chunks ours / LangChain |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of result.rows) {
    const cell = (ms: number, pps: number) => `${ms} ms (${pps} pages/s)`;
    lines.push(
      `| ${r.format.toUpperCase()} | ${r.pages} | ${Math.round(r.bytes / 1024)} KiB | ${cell(r.extractMs.ours, r.pagesPerSecond.oursExtract)} | ${cell(r.extractMs.langchain, r.pagesPerSecond.langchainExtract)} | ${cell(r.ingestMs.ours, r.pagesPerSecond.oursIngest)} | ${cell(r.ingestMs.langchain, r.pagesPerSecond.langchainIngest)} | ${r.chunks.ours} / ${r.chunks.langchain} |`,
    );
  }
  lines.push('', `DOCX pages are the PDF's pages (the same text). Peak RSS ${result.peakRssMiB} MiB.`);
  return `${lines.join('\n')}\n`;
}
