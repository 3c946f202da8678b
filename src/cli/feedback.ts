import path from 'node:path';
import { Command } from 'commander';
import { runCli, strictCommand, parseIntOption } from './common.js';
import { loadSettings } from '../configSchema.js';
import { readFeedbackFile, summarizeFeedback, type FeedbackContents } from '../discord/feedbackStore.js';

/** `npm run feedback`: what users thought of the answers (from DATA_DB_FILE, written by the Discord bot). */
const printLine = (line: string) => void process.stdout.write(`${line}\n`);

export async function printFeedback(file: string, top: number, print: (line: string) => void = printLine, read: () => Promise<FeedbackContents> = async () => readFeedbackFile(file)): Promise<void> {
  const { records, skipped } = await read();
  // Records with a field missing or of the wrong kind are left out, and said so (last, after the summary).
  const noteSkipped = () => skipped > 0 && print(`Skipped ${skipped} unreadable record${skipped === 1 ? '' : 's'} in ${file}.`);
  if (records.length === 0) {
    print(`No feedback yet (${file}).`);
    noteSkipped();
    return;
  }
  const s = summarizeFeedback(records);
  const share = s.total ? Math.round((100 * s.up) / s.total) : 0;
  print(`Feedback in ${file}: ${s.total} votes from ${s.voters} people — 👍 ${s.up} · 👎 ${s.down} (${share}% positive)`);
  print(`First ${records[0].time} · last ${records[records.length - 1].time}`);
  const disliked = s.byQuestion.filter((q) => q.down > 0).slice(0, top);
  if (disliked.length) {
    print('Most 👎:');
    for (const q of disliked) print(`  ${q.down}👎 ${q.up}👍  ${q.question.slice(0, 100)}`);
  }
  const liked = [...s.byQuestion].filter((q) => q.up > 0).sort((a, b) => b.up - a.up).slice(0, top);
  if (liked.length) {
    print('Most 👍:');
    for (const q of liked) print(`  ${q.up}👍 ${q.down}👎  ${q.question.slice(0, 100)}`);
  }
  noteSkipped();
}

export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('feedback'))
    .description('Summarise the 👍/👎 feedback recorded by the Discord bot')
    .option('--db <path>', 'the bot\'s database (default DATA_DB_FILE or data/briefing.db)')
    .option('--top <n>', 'questions listed per group', parseIntOption('--top', 1, 100), 5)
    .parse(args, { from: 'user' });
  const options = program.opts<{ db?: string; top: number }>();
  const settings = loadSettings(process.env);
  // With DATABASE_URL the bot's feedback is in PostgreSQL (unless --db names a SQLite file).
  if (settings.DATABASE_URL && !options.db) {
    await printFeedback('PostgreSQL (DATABASE_URL)', options.top, printLine, () => readSharedFeedback(settings.DATABASE_URL as string));
    return;
  }
  const file = path.resolve(options.db ?? settings.DATA_DB_FILE);
  await printFeedback(file, options.top);
}

/** The feedback in PostgreSQL, read without applying migrations or creating anything. */
async function readSharedFeedback(url: string): Promise<FeedbackContents> {
  const [{ createPool }, { PostgresFeedback }] = await Promise.all([import('../state/postgres/connection.js'), import('../state/postgres/feedback.js')]);
  const pool = createPool(url, { max: 1 });
  try {
    return await new PostgresFeedback(pool).read();
  } catch (error) {
    // A database the bot has not started on yet has no feedback table.
    if ((error as { code?: string }).code === '42P01') return { records: [], skipped: 0 };
    throw new Error(`cannot read feedback from PostgreSQL (${(error as { code?: string }).code ?? 'error'})`);
  } finally {
    await pool.end();
  }
}

runCli(import.meta.url, main);
