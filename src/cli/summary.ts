import { Command } from 'commander';
import { loadCoreConfig } from '../config.js';
import { UserInputError } from '../errors.js';
import type { IndexedDocument } from '../chunk/chunker.js';
import { MAX_TOPIC_CHARS, SUMMARY_STYLES, type SummaryRequest, type SummaryResult, type SummaryStyle } from '../summary/types.js';
import { runCli, strictCommand } from './common.js';
import { cleanQuery } from '../text/userInput.js';
import { createProgress } from './progress.js';
import { pageSuffix } from '../seeds/pages.js';

interface SummaryOptions {
  json?: boolean;
  style: string;
  topic?: string;
  source?: string;
  lang?: string;
}

/** Checks the flags before the (possibly slow) store is opened. */
function toRequest(options: SummaryOptions): SummaryRequest {
  const style = options.style.trim().toLowerCase();
  if (!SUMMARY_STYLES.includes(style as SummaryStyle)) {
    throw new UserInputError(`--style must be one of ${SUMMARY_STYLES.join(', ')}, got "${options.style.slice(0, 40)}".`);
  }
  const request: SummaryRequest = { style: style as SummaryStyle };
  if (options.lang !== undefined) {
    const lang = options.lang.trim().toLowerCase();
    if (lang !== 'id' && lang !== 'en') throw new UserInputError(`--lang must be id or en, got "${options.lang.slice(0, 20)}".`);
    request.lang = lang;
  }
  if (options.topic !== undefined) request.topic = cleanQuery(options.topic, 'topic', MAX_TOPIC_CHARS);
  if (options.source !== undefined) {
    if (!options.source.trim()) throw new UserInputError('--source is empty.');
    request.source = options.source;
  }
  return request;
}

/** Readable form: the summary, the notice, then each citation with its file, date and exact quote. */
export function formatSummaryText(result: SummaryResult, documents: IndexedDocument[]): string {
  const bySource = new Map(documents.map((d) => [d.source, d]));
  const lines = [result.summary, ''];
  if (result.notice) lines.push(`Note: ${result.notice}`, '');
  if (result.citations.length > 0) {
    lines.push('Sources:');
    for (const c of result.citations) {
      const doc = bySource.get(c.source);
      lines.push(`  [${c.n}] ${c.source}${pageSuffix(doc?.pageStarts, c.start)}${doc?.date ? ` (${doc.date})` : ''}, characters ${c.start}-${c.end}`, `      "${c.quote.replace(/\s+/g, ' ')}"`);
    }
  }
  const how = result.mode === 'llm' ? 'written by the language model' : 'extracted from the text';
  lines.push('', `(${result.style}, ${how}${result.cached ? ', from the cache' : ''})`);
  return `${lines.join('\n')}\n`;
}

/** `npm run summary -- [--json] [--style brief|bullets|detailed] [--topic T] [--source S] [--lang id|en]` */
export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('summary'))
    .description('Summarise the briefing (or one document, or a topic) with exact citations')
    .option('--json', 'print one JSON object')
    .option('--style <style>', `one of ${SUMMARY_STYLES.join(', ')}`, 'brief')
    .option('--topic <topic>', 'summarise what the briefing says about this topic')
    .option('--source <file>', 'only this source file (seeds/<file>)')
    .option('--lang <lang>', 'language asked for: id or en')
    .allowExcessArguments(false);
  program.parse(args, { from: 'user' });
  const options = program.opts<SummaryOptions>();
  const request = toRequest(options);

  // Loaded after the flags are checked, so a typo is reported at once.
  const [{ BriefingService }, { createSummarizer }] = await Promise.all([import('../service.js'), import('../summary/summarizer.js')]);
  // No delay: the build reports progress only while embedding, which may start after the usual half second.
  const indexing = createProgress('Indexing', 0);
  const service = await BriefingService.open(loadCoreConfig(), {
    log: (line) => process.stderr.write(`${line}\n`),
    onProgress: indexing.update,
  });
  indexing.stop();
  const summarizer = createSummarizer(service);
  const progress = createProgress('Summarising');
  const result = await summarizer.summarize(request, { onProgress: progress.update });
  progress.stop();

  if (options.json) {
    const { style, summary, citations, mode, cached, notice, leftOut } = result;
    process.stdout.write(`${JSON.stringify({ style, summary, citations, mode, cached, ...(notice ? { notice } : {}), ...(leftOut ? { leftOut } : {}) })}\n`);
  } else {
    process.stdout.write(formatSummaryText(result, service.kb.documents));
  }
}

runCli(import.meta.url, main);
