import { Readable, Writable } from 'node:stream';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../src/console/console.js';
import { parseLine } from '../src/console/parseLine.js';
import { BriefingService } from '../src/service.js';
import { runCli, type CliResult } from './helpers/runCli.js';
import { tempProject } from './helpers/tempProject.js';

let project: Awaited<ReturnType<typeof tempProject>>;
// DISCORD_TOKEN is not passed: runCli gives the child only PATH, HOME and what we set.
const start = (input: string) => runCli('src/main.ts', [], {}, input, project.root);

/** The same console in this process (what `npm start` runs after its first line), without a process start. */
async function consoleInProcess(input: string): Promise<CliResult> {
  const service = await BriefingService.open(project.config(), { log: () => undefined });
  let stdout = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stdout += chunk.toString();
      done();
    },
  });
  await runConsole({ service, input: Readable.from([input]), output, env: {} });
  return { code: 0, stdout, stderr: '' };
}

beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.cleanup());

describe('npm start without DISCORD_TOKEN: the local console', () => {
  it('says Discord is off first, answers questions and commands, and leaves at end of input', async () => {
    const r = await start(
      [
        'Di mana Kang Kyung-wha dan Mike Pompeo bertemu?',
        'What is the capital of Australia?',
        '/sources',
        '/search Motegi',
        '/help',
        '/bogus',
        '/ask ',
        // Only right-to-left / bidi controls: as empty as '/ask ' (and a bare line of them is a blank line).
        '/ask \u202e\u2066\u200f\u061c',
        '\u202b\u2069',
        '/ask Siapa Menteri Luar Negeri Jepang?',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/Discord is off: no DISCORD_TOKEN is set\. .*DISCORD_TOKEN=/);
    expect(r.stdout).toMatch(/San Francisco\. \[1\]\n\nSumber:\n\[1\] seeds\/2020-01_korsel-as-pertemuan-menlu-san-francisco\.txt \(2020-01\): "Menteri Luar Negeri/);
    // An off-topic question: the abstention, and no "closest passages" (none is about it).
    expect(r.stdout).toMatch(/The briefing doesn't say[^\n]*\n/);
    expect(r.stdout).not.toMatch(/Closest passages/);
    expect(r.stdout).toMatch(/1\. seeds\/2020-01_korsel-as-pertemuan-menlu-san-francisco\.txt \(2020-01\): .*12 sentences/);
    expect(r.stdout).toMatch(/^1\. \d\.\d{3} seeds\/\S+ \[\d+, \d+\)\n {3}\S/m);
    expect(r.stdout).toMatch(/\/summary \[brief\|bullets\|detailed\] \[topic\]/);
    expect(r.stdout).toMatch(/error: Unknown command \/bogus; type \/help/);
    expect(r.stdout.match(/error: The question is empty\./g)).toHaveLength(2);
    expect(r.stdout.match(/The briefing doesn't say/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/Toshimitsu Motegi.*\[1\]/);
    expect(r.stdout.trimEnd()).toMatch(/Bye\.$/);
    expect(r.stderr).toMatch(/Building the store/);
  });

  it('feeds earlier turns into follow-ups and stops at /exit', async () => {
    // The question after /exit would abstain with closest passages (tests/answer.test.ts), if it were read.
    const r = await consoleInProcess(['Who is the Japanese foreign minister in the trilateral talks?', 'And how long did it last?', '/exit', 'How much oil passes through the Strait of Hormuz each day?'].join('\n'));
    expect(r.code).toBe(0);
    // Answer lines cite [1] (and maybe more); Sources lines start with their number.
    const answers = r.stdout.split('\n').filter((l) => /\[1\]/.test(l) && !/^\[\d+\]/.test(l));
    expect(answers[1]).toMatch(/Toshimitsu Motegi selama 50 menit/);
    expect(r.stdout).not.toMatch(/Closest passages/); // the question after /exit is never read
  });

  it('/summary prints a cited summary', async () => {
    const r = await consoleInProcess('/summary bullets\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^- .*\[1\]/m);
    expect(r.stdout).toMatch(/Sources:\n\[1\] seeds\//);
  });
});

describe('seed text with terminal control sequences', () => {
  let hostile: Awaited<ReturnType<typeof tempProject>>;
  beforeAll(async () => {
    hostile = await tempProject(false);
    // Clear the screen, recolour, ring the bell, and reverse the line with a bidi override.
    await fs.writeFile(
      path.join(hostile.seeds, 'kontrol.txt'),
      'Catatan rapat\n\nPelabuhan Merak dibuka kembali pada hari Senin \u001b[2J\u001b[31mpukul tujuh pagi\u0007 menurut \u202edinas perhubungan\u202c setempat.\n',
    );
  });
  afterAll(() => hostile?.cleanup());

  it('answers, sources, search and summaries show control characters as "\ufffd", never raw', async () => {
    const r = await runCli('src/main.ts', [], {}, 'Kapan Pelabuhan Merak dibuka kembali?\n/search Pelabuhan Merak\n/summary\n/sources\n', hostile.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Pelabuhan Merak/);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    // One question, one search hit, one summary, each showing the three controls (and the answer's source line too).
    expect(r.stdout.match(/\ufffd\[2J\ufffd\[31mpukul tujuh pagi\ufffd/g)!.length).toBeGreaterThanOrEqual(3);
  });
});

describe('console line parsing', () => {
  it.each([
    ['Siapa Motegi?', { kind: 'ask', question: 'Siapa Motegi?' }],
    ['/ask Siapa Motegi?', { kind: 'ask', question: 'Siapa Motegi?' }],
    ['/summary', { kind: 'summary', style: 'brief' }],
    ['/summary detailed Selat Hormuz', { kind: 'summary', style: 'detailed', topic: 'Selat Hormuz' }],
    ['/summary Selat Hormuz', { kind: 'summary', style: 'brief', topic: 'Selat Hormuz' }],
    ['/SOURCES', { kind: 'sources' }],
    ['/search  Motegi ', { kind: 'search', query: 'Motegi' }],
    ['/quit', { kind: 'exit' }],
    ['   ', { kind: 'empty' }],
    ['\u202e\u202a\u2066\u200e\u061c ', { kind: 'empty' }],
    ['/frobnicate x', { kind: 'unknown', name: '/frobnicate' }],
  ])('%j', (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });
});
