import { Command } from 'commander';
import { createAnswerEngine } from '../answer/engine.js';
import { renderAnswerText } from '../answer/renderText.js';
import { answerJson } from '../answer/toJson.js';
import { loadCoreConfig } from '../config.js';
import { UserInputError } from '../errors.js';
import { BriefingService } from '../service.js';
import { readBatchFile, runCli, strictCommand, type BatchItem } from './common.js';
import { cleanQuery } from '../text/userInput.js';

/** `npm run ask -- [--json] [--source S] "question"` or `--json --batch FILE` (one question per line). */
export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('ask'))
    .description('Answer a question about the briefing, citing the sentences it comes from')
    .argument('[question...]', 'the question')
    .option('--json', 'print one JSON object per question')
    .option('--batch <file>', 'one question per line; with --json, one JSON object per line')
    .option('--source <file>', 'only this source file (seeds/<file>)');
  program.parse(args, { from: 'user' });
  const options = program.opts<{ json?: boolean; batch?: string; source?: string }>();
  const joined = program.args.join(' ');
  if (options.batch && joined.trim()) throw new UserInputError('Give either a question or --batch FILE, not both.');

  // Validate everything before the (slow) store is opened.
  const items: BatchItem[] = options.batch ? await readBatchFile(options.batch, 'question') : [{ line: 1, text: cleanQuery(joined, 'question') }];

  const service = await BriefingService.open(loadCoreConfig(), { log: (line) => process.stderr.write(`${line}\n`) });
  if (options.source && !service.kb.chunksBySource.has(options.source)) {
    throw new UserInputError(`Unknown source ${options.source}; see the sources with npm run ingest.`);
  }
  const engine = createAnswerEngine(service);
  const dateOf = (source: string) => service.kb.documents.find((d) => d.source === source)?.date;
  const pagesOf = (source: string) => service.kb.documents.find((d) => d.source === source)?.pageStarts;
  for (const [i, item] of items.entries()) {
    const gap = i > 0 ? '\n' : '';
    if ('error' in item) {
      // A bad line keeps its place in the output instead of stopping the batch.
      if (options.json) process.stdout.write(`${JSON.stringify({ line: item.line, error: item.error })}\n`);
      else process.stdout.write(`${gap}line ${item.line}: error: ${item.error}\n`);
      continue;
    }
    const result = await engine.ask(item.text, { source: options.source });
    if (options.json) process.stdout.write(`${JSON.stringify(answerJson(result, pagesOf))}\n`);
    else process.stdout.write(`${gap}${options.batch ? `Q: ${item.text}\n` : ''}${renderAnswerText(result, dateOf, pagesOf)}\n`);
  }
}

runCli(import.meta.url, main);
