import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCoreConfig } from '../config.js';
import { BriefingService } from '../service.js';
import { createSummarizer } from '../summary/summarizer.js';
import { generateSyntheticBriefing, writeSyntheticBriefing } from './syntheticBriefing.js';
import type { SummaryRequest } from '../summary/types.js';

/**
 * Summary latency, cold (empty cache) and cached, for the seed and for a generated briefing of N documents.
 * Runs in a temp folder (own seeds, store and cache); never touches the project's vectorstore/.
 * `npx tsx src/bench/summaryBench.ts [documents]`, or call `runSummaryBench()` from `npm run bench`.
 */
export interface SummaryBenchRow {
  briefing: string;
  documents: number;
  request: string;
  coldMs: number;
  cachedMs: number;
  citations: number;
  leftOut: number;
}

export interface SummaryBenchResult {
  rows: SummaryBenchRow[];
  buildMs: Record<string, number>;
}

const REQUESTS: SummaryRequest[] = [{ style: 'brief' }, { style: 'bullets' }, { style: 'detailed' }];

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: Math.round((performance.now() - started) * 10) / 10, value };
}

async function benchBriefing(name: string, root: string, requests: SummaryRequest[], log: (line: string) => void): Promise<{ rows: SummaryBenchRow[]; buildMs: number }> {
  const config = loadCoreConfig({}, root);
  const { ms: buildMs, value: service } = await timeIt(() => BriefingService.open(config));
  log(`${name}: store built in ${buildMs} ms (${service.kb.documents.length} documents, ${service.kb.size} chunks)`);
  const rows: SummaryBenchRow[] = [];
  for (const request of requests) {
    const env = { SUMMARY_CACHE_DIR: path.join(root, 'summary-cache') };
    const cold = await timeIt(() => createSummarizer(service, env).summarize(request));
    const cached = await timeIt(() => createSummarizer(service, env).summarize(request));
    if (!cached.value.cached) throw new Error('the repeated summary was not served from the cache');
    rows.push({
      briefing: name,
      documents: service.kb.documents.length,
      request: request.topic ? `${request.style} --topic "${request.topic}"` : request.style,
      coldMs: cold.ms,
      cachedMs: cached.ms,
      citations: cold.value.citations.length,
      leftOut: cold.value.leftOut?.length ?? 0,
    });
  }
  return { rows, buildMs };
}

export async function runSummaryBench(options: { documents?: number; rootDir?: string; log?: (line: string) => void } = {}): Promise<SummaryBenchResult> {
  const rootDir = options.rootDir ?? process.cwd();
  const documents = options.documents ?? 1000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'summary-bench-'));
  try {
    const seedRoot = path.join(temp, 'seed');
    await fs.cp(path.join(rootDir, 'seeds'), path.join(seedRoot, 'seeds'), { recursive: true });
    const seed = await benchBriefing('seed', seedRoot, [...REQUESTS, { style: 'brief', topic: 'Hormuz' }], log);

    const manyRoot = path.join(temp, 'many');
    const docs = generateSyntheticBriefing({ documents, evalDir: path.resolve(rootDir, '../shared/eval') });
    await writeSyntheticBriefing(path.join(manyRoot, 'seeds'), docs);
    const topic = docs[0].content.split(/\s+/).filter((w) => /^\p{Lu}\p{Ll}{4,}$/u.test(w))[2] ?? 'government';
    const many = await benchBriefing(`${documents} docs`, manyRoot, [...REQUESTS, { style: 'bullets', topic }], log);
    return { rows: [...seed.rows, ...many.rows], buildMs: { seed: seed.buildMs, [`${documents} docs`]: many.buildMs } };
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }
}

export function formatSummaryBench(result: SummaryBenchResult): string {
  const lines = ['| briefing | request | cold ms | cached ms | citations | docs left out |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of result.rows) lines.push(`| ${r.briefing} | ${r.request} | ${r.coldMs} | ${r.cachedMs} | ${r.citations} | ${r.leftOut} |`);
  const builds = Object.entries(result.buildMs).map(([k, v]) => `${k}: ${v} ms`).join(', ');
  return `${lines.join('\n')}\n\nStore build (not part of the summary latency): ${builds}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const documents = Number(process.argv[2] ?? 1000);
  const result = await runSummaryBench({ documents: Number.isInteger(documents) && documents > 0 ? documents : 1000 });
  process.stdout.write(formatSummaryBench(result));
}
