import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as askMain } from '../src/cli/ask.js';
import { runCli, runCliInProcess } from './helpers/runCli.js';
import { tempProject } from './helpers/tempProject.js';

let project: Awaited<ReturnType<typeof tempProject>>;
let seed: string;
// One case runs `npm run ask`'s own process; the rest call its main in this process (same code, no start-up).
const askProcess = (args: string[]) => runCli('src/cli/ask.ts', args, {}, '', project.root);
const ask = (args: string[]) => runCliInProcess(askMain, args, {}, project.root);

beforeAll(async () => {
  project = await tempProject();
  seed = await fs.readFile(path.join(project.seeds, (await fs.readdir(project.seeds))[0]), 'utf8');
});
afterAll(() => project.cleanup());

describe('npm run ask', () => {
  it('--json prints exactly one object; store logs go to stderr', async () => {
    const r = await askProcess(['--json', 'Di mana Kang Kyung-wha dan Mike Pompeo bertemu?']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Building the store/);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(out).toMatchObject({ question: 'Di mana Kang Kyung-wha dan Mike Pompeo bertemu?', language: 'id', mode: 'extractive', abstained: false });
    expect(out).not.toHaveProperty('closest');
    expect(out.citations[0].quote).toContain('San Francisco');
    for (const c of out.citations) {
      expect(Object.keys(c).sort()).toEqual(['chunkId', 'end', 'n', 'quote', 'score', 'source', 'start']);
      expect(seed.slice(c.start, c.end)).toBe(c.quote);
    }
    expect(typeof out.timings.retrieveMs).toBe('number');
    expect(typeof out.timings.answerMs).toBe('number');
  });

  it('abstains on the capital of Australia with no citations and at most 2 closest passages', async () => {
    const out = JSON.parse((await ask(['--json', 'What is the capital of Australia?'])).stdout);
    expect(out).toMatchObject({ language: 'en', abstained: true, citations: [] });
    expect(out.answer).toMatch(/^The briefing doesn't say/);
    expect(out.closest.length).toBeLessThanOrEqual(2);
  });

  it('--json --batch prints one object per input line, in order; a blank line keeps its place as an error object', async () => {
    const batch = path.join(project.root, 'questions.txt');
    await fs.writeFile(batch, 'Siapa Menteri Luar Negeri Jepang?\n\nWhat is the capital of Australia?\r\n   \nHow long was the meeting between Kang and Pompeo?\n');
    const r = await ask(['--json', '--batch', batch]);
    expect(r.code).toBe(0);
    const outs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(outs).toHaveLength(5);
    expect(outs.map((o) => o.question ?? null)).toEqual(['Siapa Menteri Luar Negeri Jepang?', null, 'What is the capital of Australia?', null, 'How long was the meeting between Kang and Pompeo?']);
    expect(outs[1]).toEqual({ line: 2, error: 'The question is empty.' });
    expect(outs[3]).toEqual({ line: 4, error: 'The question is empty.' });
    expect(outs.map((o) => o.abstained ?? null)).toEqual([false, null, true, null, false]);
  });

  it('text --batch numbers a bad line instead of dropping it', async () => {
    const batch = path.join(project.root, 'questions-text.txt');
    await fs.writeFile(batch, '\u202e\u2066\nSiapa Menteri Luar Negeri Jepang?\n');
    const r = await ask(['--batch', batch]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^line 1: error: The question is empty\.\n\nQ: Siapa Menteri Luar Negeri Jepang\?\n/);
  });

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n  \n\t\n'],
  ])('a batch file with %s is an error: one line, exit 2, no output', async (_name, content) => {
    const batch = path.join(project.root, `empty-${content.length}.txt`);
    await fs.writeFile(batch, content);
    const r = await ask(['--json', '--batch', batch]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/has no question/);
  });

  it('without --json prints the answer and a numbered Sources list', async () => {
    const r = await ask(['Who is the Japanese foreign minister in the trilateral talks?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Toshimitsu Motegi.*\[1\]\n\nSources:\n\[1\] seeds\/2020-01_korsel-as-pertemuan-menlu-san-francisco\.txt \(2020-01\): "/s);
  });

  it.each([
    [['--json', ''], /question is empty/],
    [['--json', '   '], /question is empty/],
    // Only right-to-left / bidi controls: nothing anyone could read.
    [['--json', '\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c'], /question is empty/],
    [['--json', 'x'.repeat(2001)], /too long/],
    [['--json', '--nope', 'q'], /unknown option/],
    [['--json', '--batch', '/nonexistent/file.txt'], /Cannot read batch file/],
  ])('bad input %# → one line on stderr, exit 2', async (args, message) => {
    const r = await ask(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('control characters are stripped, never echoed raw', async () => {
    const r = await ask(['--json', 'Siapa\u001b[31m Menteri\u0007 Luar Negeri Jepang?']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(JSON.parse(r.stdout).question).toBe('Siapa [31m Menteri Luar Negeri Jepang?');
  });
});
