import { Command } from 'commander';
import { terminalSafe } from '../answer/renderText.js';
import { loadCoreConfig } from '../config.js';
import { UserInputError } from '../errors.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { parseIntOption, readBatchFile, runCli, strictCommand, type BatchItem } from './common.js';
import { cleanQuery } from '../text/userInput.js';

export interface SearchOutput {
  query: string;
  results: { rank: number; chunkId: string; source: string; start: number; end: number; text: string; score: number }[];
}

export async function searchJson(kb: KnowledgeBase, query: string, k: number, source?: string): Promise<SearchOutput> {
  const hits = await kb.search(query, { k, source });
  return {
    query,
    results: hits.map((h) => ({
      rank: h.rank,
      chunkId: h.chunk.id,
      source: h.chunk.source,
      start: h.chunk.start,
      end: h.chunk.end,
      text: h.chunk.text,
      score: Number(h.score.toFixed(6)),
    })),
  };
}

function printTable(out: SearchOutput): void {
  process.stdout.write(`Query: ${out.query}\n`);
  if (out.results.length === 0) {
    process.stdout.write('  (no passages)\n');
    return;
  }
  for (const r of out.results) {
    // Seed text is shown, never obeyed: control characters become a visible replacement.
    const snippet = terminalSafe(r.text.length > 160 ? `${r.text.slice(0, 157)}…` : r.text);
    process.stdout.write(`${String(r.rank).padStart(3)}  ${r.score.toFixed(3)}  ${r.source} [${r.start}, ${r.end})\n     ${snippet}\n`);
  }
}

/** `npm run search -- [--json] [-k N] [--source S] "query"` or `--batch FILE`. */
export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('search'))
    .description('Find the passages of the briefing that match a query')
    .argument('[query...]', 'the query')
    .option('-k, --k <n>', 'number of results (1-50)', parseIntOption('-k', 1, 50), 5)
    .option('--json', 'print JSON')
    .option('--batch <file>', 'one query per line; one JSON object per line')
    .option('--source <file>', 'only passages from this source file (seeds/<file>)');
  program.parse(args, { from: 'user' });
  const options = program.opts<{ k: number; json?: boolean; batch?: string; source?: string }>();
  const queryArgs = program.args.join(' ');

  if (options.batch && queryArgs.trim()) throw new UserInputError('Give either a query or --batch FILE, not both.');
  // Validate everything before the (slow) store is opened.
  const items: BatchItem[] = options.batch ? await readBatchFile(options.batch, 'query') : [{ line: 1, text: cleanQuery(queryArgs) }];

  const config = loadCoreConfig();
  // Loaded only after the input is known to be good: bad input fails fast, without loading LangChain.
  const { openKnowledgeBase } = await import('../store/openKnowledgeBase.js');
  const opened = await openKnowledgeBase(config, { log: (line) => process.stderr.write(`${line}\n`) });
  if (options.source && !opened.kb.chunksBySource.has(options.source)) {
    throw new UserInputError(`Unknown source ${options.source}; see the sources with npm run ingest.`);
  }
  for (const item of items) {
    if ('error' in item) {
      // A bad line in a batch keeps its place in the output instead of stopping the batch.
      process.stdout.write(`${JSON.stringify({ line: item.line, error: item.error })}\n`);
      continue;
    }
    const out = await searchJson(opened.kb, item.text, options.k, options.source);
    if (options.json || options.batch) process.stdout.write(`${JSON.stringify(out)}\n`);
    else printTable(out);
  }
}

runCli(import.meta.url, main);
