import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as ingestMain } from '../src/cli/ingest.js';
import { main as searchMain } from '../src/cli/search.js';
import { runCli, runCliInProcess } from './helpers/runCli.js';
import { tempProject } from './helpers/tempProject.js';

let env: Record<string, string>;
let project: Awaited<ReturnType<typeof tempProject>>;
let seedContent: string;

beforeAll(async () => {
  project = await tempProject();
  env = {};
  seedContent = await fs.readFile(path.join(project.seeds, (await fs.readdir(project.seeds))[0]), 'utf8');
});
afterAll(() => project.cleanup());

describe('npm run ingest / search', () => {
  it('ingest builds the store and reports documents, sentences and chunks', async () => {
    const r = await runCli('src/cli/ingest.ts', [], env, '', project.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 document\(s\), 12 sentences, \d+ chunks/);
    expect(r.stderr).toMatch(/Building the store: no store yet/);
    const again = await runCliInProcess(ingestMain, ['--json'], env, project.root);
    expect(JSON.parse(again.stdout)).toMatchObject({ rebuilt: false, documents: 1, sentences: 12 });
  });

  it('search --json prints exactly one object whose texts are exact slices of the source', async () => {
    const r = await runCli('src/cli/search.ts', ['--json', '-k', '5', 'Selat Hormuz'], env, '', project.root);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(out.query).toBe('Selat Hormuz');
    expect(out.results[0].text).toContain('Selat Hormuz');
    for (const [i, res] of out.results.entries()) {
      expect(res.rank).toBe(i + 1);
      expect(res.source).toMatch(/^seeds\/.+\.txt$/);
      expect(seedContent.slice(res.start, res.end)).toBe(res.text);
      expect(typeof res.score).toBe('number');
    }
  });

  it('search --batch prints one object per input line, in order; a blank line keeps its place as an error object', async () => {
    const batch = path.join(project.root, 'queries.txt');
    await fs.writeFile(batch, 'Toshimitsu Motegi\n\nSan Francisco\nSelat Hormuz\n');
    const r = await runCliInProcess(searchMain, ['--json', '--batch', batch, '-k', '2'], env, project.root);
    expect(r.code).toBe(0);
    const outs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(outs).toHaveLength(4);
    expect(outs.map((o) => o.query ?? null)).toEqual(['Toshimitsu Motegi', null, 'San Francisco', 'Selat Hormuz']);
    expect(outs[1]).toEqual({ line: 2, error: 'The query is empty.' });
    expect(outs[0].results[0].text).toContain('Motegi');
  });

  it('an empty batch file is an error: one line, exit 2, no output', async () => {
    const batch = path.join(project.root, 'no-queries.txt');
    await fs.writeFile(batch, '');
    const r = await runCliInProcess(searchMain, ['--json', '--batch', batch], env, project.root);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/has no query/);
  });

  it('without --json prints a readable table', async () => {
    const r = await runCliInProcess(searchMain, ['Motegi'], env, project.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Query: Motegi/);
    expect(r.stdout).toMatch(/1 {2}\d\.\d{3} {2}seeds\//);
  });

  it.each([
    [['--json', ''], /empty/],
    [['--json', '   '], /empty/],
    [['--json', '\u202e\u2067\u200f\u061c'], /empty/],
    [['--json', 'x'.repeat(2001)], /too long/],
    [['-k', '0', 'Hormuz'], /-k must be from 1 to 50/],
    [['-k', '51', 'Hormuz'], /-k must be from 1 to 50/],
    [['-k', 'abc', 'Hormuz'], /-k must be a whole number/],
    [['--batch', '/nonexistent/file.txt'], /Cannot read batch file/],
    [['--frobnicate', 'Hormuz'], /unknown option/],
  ])('bad input %j → one line on stderr, exit code 2', async (args, message) => {
    const r = await runCliInProcess(searchMain, args as string[], env, project.root);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(r.stdout).toBe('');
  });

  it('control characters in a query are stripped, never echoed raw', async () => {
    const r = await runCliInProcess(searchMain, ['--json', 'Selat\u0007 Hormuz\u001b[31m'], env, project.root);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0007\u001b]/);
    expect(JSON.parse(r.stdout).query).toBe('Selat Hormuz [31m');
  });

  it('a bad configuration value is one line and exit code 2', async () => {
    const r = await runCli('src/cli/search.ts', ['Hormuz'], { CHUNK_SIZE: 'big' }, '', project.root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CHUNK_SIZE must be a whole number/);
  });
});
