import { Command } from 'commander';
import { evaluate, reportJson } from '../eval/evaluate.js';
import { formatEvalReport } from '../eval/format.js';
import { runCli, strictCommand } from './common.js';

/**
 * `npm run eval -- --dataset DIR|seed [--json]`: retrieval quality (recall@1/@5, MRR@10) against a plain BM25
 * baseline computed in the same run, and the answer engine's abstention quality.
 */
export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('eval'))
    .description('Retrieval and abstention quality on an eval set, against plain BM25')
    .requiredOption('--dataset <dir>', 'folder with corpus.jsonl + questions.jsonl, or "seed" for the seed gold set')
    .option('--json', 'print one JSON object')
    .allowExcessArguments(false);
  program.parse(args, { from: 'user' });
  const opts = program.opts<{ dataset: string; json?: boolean }>();
  const report = await evaluate(opts.dataset);
  process.stdout.write(opts.json ? `${reportJson(report)}\n` : formatEvalReport(report));
}

runCli(import.meta.url, main);
