import path from 'node:path';
import { Command } from 'commander';
import { runCli, strictCommand, parseIntOption } from './common.js';
import { readString } from '../config.js';
import { FeedbackStore, summarizeFeedback } from '../discord/feedbackStore.js';

/** `npm run feedback`: what users thought of the answers (from FEEDBACK_FILE, written by the Discord bot). */
export async function printFeedback(file: string, top: number, print: (line: string) => void = console.log): Promise<void> {
  const { records, skipped } = await new FeedbackStore(file).read();
  // Lines that are torn, not JSON or missing a field are left out, and said so (last, after the summary).
  const noteSkipped = () => skipped > 0 && print(`Skipped ${skipped} unreadable line${skipped === 1 ? '' : 's'} in ${file}.`);
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
    .option('--file <path>', 'feedback file (default FEEDBACK_FILE or data/feedback.jsonl)')
    .option('--top <n>', 'questions listed per group', parseIntOption('--top', 1, 100), 5)
    .parse(args, { from: 'user' });
  const options = program.opts<{ file?: string; top: number }>();
  const file = path.resolve(options.file ?? readString(process.env, 'FEEDBACK_FILE', 'data/feedback.jsonl'));
  await printFeedback(file, options.top);
}

runCli(import.meta.url, main);
