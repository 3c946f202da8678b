import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createAnswerEngine, type AnswerEngine } from '../answer/engine.js';
import { renderAnswerText, renderSources, terminalSafe } from '../answer/renderText.js';
import type { Turn } from '../answer/types.js';
import { cleanQuery } from '../text/userInput.js';
import { UserInputError, oneLine } from '../errors.js';
import type { BriefingService } from '../service.js';
import { parseLine, type ConsoleCommand } from './parseLine.js';
import { CONSOLE_READY, HELP } from './texts.js';

type Env = Record<string, string | undefined>;

export interface ConsoleOptions {
  service: BriefingService;
  input: Readable;
  output: Writable;
  env?: Env;
  /** Show a prompt ("> "); on for a terminal, off when input is piped. */
  prompt?: boolean;
}

/** How many earlier exchanges a follow-up sees. */
const HISTORY_TURNS = 3;
const SEARCH_K = 5;

/**
 * The local console: reads lines until /exit or end of input and answers each with the same engine and the same
 * rendering as the CLI. Bad input is one line, never fatal.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { service, output } = options;
  const env = options.env ?? process.env;
  const engine = createAnswerEngine(service, env);
  const write = (text: string) => output.write(`${text}\n`);
  const history: Turn[] = [];
  const dateOf = (source: string) => service.kb.documents.find((d) => d.source === source)?.date;
  const pagesOf = (source: string) => service.kb.documents.find((d) => d.source === source)?.pageStarts;

  write(CONSOLE_READY);
  const rl = readline.createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const showPrompt = () => options.prompt && output.write('> ');
  showPrompt();
  for await (const line of rl) {
    const command = parseLine(line);
    if (command.kind === 'exit') break;
    try {
      await handle(command, { engine, service, env, write, history, dateOf, pagesOf });
      if (command.kind !== 'empty') write('');
    } catch (error) {
      write(`error: ${oneLine(error)}`);
    }
    showPrompt();
  }
  rl.close();
  write('Bye.');
}

interface Context {
  engine: AnswerEngine;
  service: BriefingService;
  env: Env;
  write: (text: string) => void;
  history: Turn[];
  dateOf: (source: string) => string | undefined;
  pagesOf: (source: string) => readonly number[] | undefined;
}

async function handle(command: ConsoleCommand, ctx: Context): Promise<void> {
  switch (command.kind) {
    case 'empty':
      return;
    case 'help':
      return ctx.write(HELP);
    case 'unknown':
      throw new UserInputError(`Unknown command ${command.name}; type /help for the list.`);
    case 'ask': {
      const question = cleanQuery(command.question, 'question');
      const result = await ctx.engine.ask(question, { history: ctx.history.slice(-HISTORY_TURNS) });
      ctx.history.push({ question, answer: result.answer });
      return ctx.write(renderAnswerText(result, ctx.dateOf, ctx.pagesOf));
    }
    case 'sources':
      return ctx.write(listSources(ctx.service));
    case 'search': {
      const query = cleanQuery(command.query, 'query');
      const hits = await ctx.service.kb.search(query, { k: SEARCH_K });
      if (hits.length === 0) return ctx.write('No passages match.');
      return ctx.write(
        hits.map((h) => `${h.rank}. ${h.score.toFixed(3)} ${h.chunk.source} [${h.chunk.start}, ${h.chunk.end})\n   ${terminalSafe(snippet(h.chunk.text))}`).join('\n'),
      );
    }
    case 'summary': {
      // Loaded on use: summaries are written by their own module (issue 4).
      const { createSummarizer } = await import('../summary/summarizer.js');
      const result = await createSummarizer(ctx.service, ctx.env).summarize({ style: command.style, ...(command.topic ? { topic: command.topic } : {}) });
      const lines = [terminalSafe(result.summary)];
      if (result.notice && result.notice !== result.summary) lines.push(`(${result.notice})`);
      if (result.citations.length) lines.push('', 'Sources:', ...renderSources(result.citations, ctx.dateOf, ctx.pagesOf));
      return ctx.write(lines.join('\n'));
    }
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}

function listSources(service: BriefingService): string {
  const docs = service.kb.documents;
  if (docs.length === 0) return 'The briefing is empty: add .txt, .md, .pdf, .docx or .html files to seeds/.';
  return docs
    .map((d, i) => `${i + 1}. ${d.source}${d.date ? ` (${d.date})` : ''}: ${terminalSafe(d.title)}, ${d.pageStarts ? `${d.pageStarts.length} pages, ` : ''}${d.sentences.length} sentences, ${service.kb.chunksBySource.get(d.source)?.length ?? 0} chunks`)
    .join('\n');
}
