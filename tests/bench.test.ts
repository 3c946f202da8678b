import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarksMarkdown, REGENERATE_COMMAND } from '../src/bench/benchmarksMd.js';
import { loadSentencePool, makeBenchDocuments } from '../src/bench/corpus.js';
import { formatBenchReport } from '../src/bench/format.js';
import { summarizeLatency } from '../src/bench/latency.js';
import { runBench } from '../src/bench/runBench.js';
import { chunkDocument, segmentDocument } from '../src/chunk/chunker.js';
import { main as benchMain } from '../src/cli/bench.js';
import { runCliInProcess } from './helpers/runCli.js';
import { ROOT } from './helpers/tempProject.js';

const EVAL_DIR = path.resolve(ROOT, '../shared/eval');
const chunking = { targetChars: 600, overlapSentences: 1 };

describe('bench text', () => {
  it('is reproducible and reaches the requested chunk count', async () => {
    const pool = await loadSentencePool(EVAL_DIR);
    const a = makeBenchDocuments(pool, 120, chunking);
    const b = makeBenchDocuments(pool, 120, chunking);
    expect(a.documents).toEqual(b.documents);
    const counted = a.documents.reduce((n, d) => n + chunkDocument(segmentDocument({ source: d.name, title: d.name, content: d.content }), chunking).length, 0);
    expect(counted).toBe(a.chunks);
    expect(a.chunks).toBeGreaterThanOrEqual(120);
    expect(a.chunks).toBeLessThan(140);
  });

  it('latency summary uses nearest-rank percentiles', () => {
    const l = summarizeLatency(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(l).toMatchObject({ n: 100, p50: 50, p95: 95, p99: 99, mean: 50.5 });
  });
});

describe('runBench (small size)', () => {
  it('measures ours and plain LangChain side by side, with exact-search agreement', async () => {
    const report = await runBench({ sizes: [60], rootDir: ROOT, evalDir: EVAL_DIR, searches: 10, asks: 5, agreementQueries: 10, log: () => undefined, skipExtras: true, settings: { HNSW_EF: '200' } });
    expect(report.sizes).toHaveLength(1);
    const s = report.sizes[0];
    expect(s.ours.chunks).toBeGreaterThanOrEqual(60);
    expect(s.langchain.chunks).toBeGreaterThan(0);
    expect(s.ours.search.n).toBe(10);
    expect(s.langchain.search.n).toBe(10);
    // At 60 points and ef 200 (the environment's setting, honoured), HNSW visits everything: it must agree with brute force exactly.
    expect(s.ours.hnswEf).toBe(200);
    expect(s.ours.top5Agreement).toBe(1);
    expect(s.ours.storeBytes).toBeGreaterThan(0);
    expect(s.ratios.storeBytes).toBeCloseTo(s.ours.storeBytes / s.langchain.storeBytes, 2);
    expect(report.discord).toBe('skipped');

    const table = formatBenchReport(report);
    expect(table).toMatch(/\| briefing-bot \|/);
    expect(table).toMatch(/\| plain LangChain \|/);
    const md = benchmarksMarkdown(report, [], REGENERATE_COMMAND, new Date('2020-01-14T00:00:00Z'));
    expect(md).toContain(`\`${REGENERATE_COMMAND}\``);
    expect(md).toContain(`${report.machine.cores} cores`);
    expect(md).toContain(report.machine.node);
  }, 60_000);
});

describe('npm run bench flags', () => {
  it.each([[['--sizes', 'abc']], [['--frobnicate']]])('bad flags %j → one line, exit 2', async (args) => {
    const r = await runCliInProcess(benchMain, args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing eval folder is one line, exit 2', async () => {
    const r = await runCliInProcess(benchMain, ['--eval-dir', '/no/such/dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });
});
