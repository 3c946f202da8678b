import path from 'node:path';
import { Command } from 'commander';
import { benchmarksMarkdown, REGENERATE_COMMAND } from '../bench/benchmarksMd.js';
import { formatBenchReport } from '../bench/format.js';
import { loadSentencePool } from '../bench/corpus.js';
import { formatPathologicalRows, runPathologicalBench } from '../bench/pathological.js';
import { runBench } from '../bench/runBench.js';
import { UserInputError } from '../errors.js';
import { loadDataset } from '../eval/dataset.js';
import { runCli, strictCommand } from './common.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

/**
 * `npm run bench [-- --json] [--large] [--write-benchmarks]`: ingest/search/ask speed, memory and scale at
 * ~1k and ~10k chunks (and ~100k with --large), side by side with the plain LangChain pipeline.
 * --write-benchmarks also runs the evals and writes BENCHMARKS.md from the figures.
 */
const DEFAULT_SIZES = [1000, 10000];
const LARGE_SIZES = [...DEFAULT_SIZES, 100000];

function parseSizes(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 10 || n > 1_000_000)) throw new UserInputError('--sizes takes whole numbers from 10 to 1000000, comma-separated.');
  return sizes;
}

function parseSection(value: string): 'latency' | 'formats' {
  if (value !== 'latency' && value !== 'formats') throw new UserInputError('--only takes "latency" or "formats".');
  return value;
}

function parseMegabytes(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isFinite(n) || n <= 0 || n > 50)) throw new UserInputError('--megabytes takes numbers above 0 and up to 50, comma-separated.');
  return sizes;
}

export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('bench'))
    .description('Speed, memory and scale of ingest, search and ask, against plain LangChain')
    .option('--json', 'print one JSON object')
    .option('--large', 'add the ~100k-chunk size')
    .option('--sizes <list>', 'chunk counts to run, comma-separated (overrides the defaults)', parseSizes)
    .option('--eval-dir <dir>', 'the shared eval sets (sentences for the bench text, questions for queries)', '../shared/eval')
    .option('--write-benchmarks', 'also run the evals and write BENCHMARKS.md')
    .option('--pathological', 'only build times of 1, 2 and 4 MB of repeated, single-word and varied text')
    .option('--megabytes <list>', 'with --pathological: seed file sizes in MB, comma-separated', parseMegabytes)
    .option('--only <section>', 'run one section: "latency" (ingest, load and search beside LangChain; no ask, agreement, Discord or summaries) or "formats" (PDF/DOCX ingest pages/s beside the LangChain loaders)', parseSection)
    .allowExcessArguments(false);
  program.parse(args, { from: 'user' });
  const opts = program.opts<{ json?: boolean; large?: boolean; sizes?: number[]; evalDir: string; writeBenchmarks?: boolean; pathological?: boolean; megabytes?: number[]; only?: 'latency' | 'formats' }>();
  if (opts.only && opts.writeBenchmarks) throw new UserInputError('--only runs part of the bench; BENCHMARKS.md needs all of it (drop --write-benchmarks).');
  const rootDir = process.cwd();
  const evalDir = path.resolve(rootDir, opts.evalDir);
  // Fail early, in one line, when the eval sets are missing.
  for (const set of ['idk_mrc_id', 'squad2_en']) await loadDataset(path.join(evalDir, set));
  const log = opts.json ? () => undefined : (line: string) => process.stderr.write(`${line}\n`);
  if (opts.only === 'formats') {
    const { formatFormatsBench, runFormatsBench } = await import('../bench/formatsBench.js');
    const result = await runFormatsBench({ evalDir, log });
    process.stdout.write(opts.json ? `${JSON.stringify({ formats: result })}\n` : formatFormatsBench(result));
    return;
  }
  if (opts.pathological) {
    const rows = await runPathologicalBench({ megabytes: opts.megabytes ?? [1, 2, 4], pool: await loadSentencePool(evalDir), log });
    process.stdout.write(opts.json ? `${JSON.stringify({ pathological: rows })}\n` : formatPathologicalRows(rows));
    return;
  }
  const report = await runBench({
    sizes: opts.sizes ?? (opts.large ? LARGE_SIZES : DEFAULT_SIZES),
    rootDir,
    evalDir,
    searches: 200,
    asks: opts.only === 'latency' ? 0 : 100,
    agreementQueries: opts.only === 'latency' ? 0 : 100,
    log,
    skipExtras: opts.only === 'latency',
    settings: process.env,
  });
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatBenchReport(report));
  if (opts.writeBenchmarks) {
    const { evaluate } = await import('../eval/evaluate.js');
    const evals = [];
    for (const set of ['idk_mrc_id', 'squad2_en']) evals.push(await evaluate(path.join(evalDir, set)));
    evals.push(await evaluate('seed'));
    const command = opts.large ? `${REGENERATE_COMMAND} --large` : REGENERATE_COMMAND;
    await writeFileAtomic(path.join(rootDir, 'BENCHMARKS.md'), benchmarksMarkdown(report, evals, command));
    log('Wrote BENCHMARKS.md');
  }
}

runCli(import.meta.url, main);
