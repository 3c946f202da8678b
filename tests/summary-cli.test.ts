import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as summaryMain } from '../src/cli/summary.js';
import { runCli, runCliInProcess } from './helpers/runCli.js';
import { tempProject } from './helpers/tempProject.js';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.cleanup());

describe('npm run summary', () => {
  it('--json prints one object; the repeat comes from the cache; store logs go to stderr', async () => {
    const first = await runCli('src/cli/summary.ts', ['--json', '--style', 'brief'], {}, '', project.root);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/Building the store/);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(Object.keys(out).slice(0, 5)).toEqual(['style', 'summary', 'citations', 'mode', 'cached']);
    expect(out).toMatchObject({ style: 'brief', mode: 'extractive', cached: false });
    const quotes = (out.citations as { quote: string }[]).map((c) => c.quote).join('\n');
    expect(quotes).toMatch(/Korea Utara|denuklirisasi/);
    expect(quotes).toMatch(/Hormuz/);
    expect(quotes).toMatch(/Motegi/);

    const again = await runCliInProcess(summaryMain, ['--json', '--style', 'brief'], {}, project.root);
    expect(JSON.parse(again.stdout)).toMatchObject({ cached: true, summary: out.summary });
  });

  it('text mode lists the sources with file, date and quote', async () => {
    const r = await runCliInProcess(summaryMain, ['--style', 'bullets', '--topic', 'Hormuz', '--lang', 'en'], {}, project.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^- .*Hormuz.*\[1\]$/m);
    expect(r.stdout).toMatch(/Sources:\n {2}\[1\] seeds\/2020-01_korsel-as-pertemuan-menlu-san-francisco\.txt \(2020-01\)/);
    expect(r.stdout).toMatch(/Note: .*Indonesian/);
  });

  it('bad options → one line on stderr, exit 2 (before the store is opened)', async () => {
    const cases: [string[], RegExp][] = [
      [['--style', 'long'], /--style must be one of brief, bullets, detailed/],
      [['--source', 'seeds/missing.txt'], /Unknown source "seeds\/missing.txt"/],
      [['--topic', '   '], /topic is empty/],
      [['--lang', 'fr'], /--lang must be id or en/],
      [['--verbose'], /unknown option '--verbose'/],
    ];
    const results = [];
    // In-process calls share the process's globals: one at a time.
    for (const [args] of cases) results.push(await runCliInProcess(summaryMain, ['--json', ...args], {}, project.root));
    results.forEach((r, i) => {
      expect(r.code, cases[i][0].join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(cases[i][1]);
    });
  });
});
