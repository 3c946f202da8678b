import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePdf } from '../src/bench/documentFiles.js';
import { BriefingService } from '../src/service.js';
import { watchBriefing } from '../src/seeds/watchBriefing.js';
import { watchSeeds, type SeedWatcher } from '../src/seeds/watchSeeds.js';
import { compiledEntry } from './helpers/runCli.js';
import { tempProject } from './helpers/tempProject.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(withSeed = false) {
  const p = await tempProject(withSeed);
  cleanups.push(p.cleanup);
  return p;
}

function track(watcher: SeedWatcher): SeedWatcher {
  cleanups.push(() => watcher.close());
  return watcher;
}

/** Resolves when `check` holds, polling; fails the test after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watchSeeds', () => {
  it('rebuilds once for a burst of changes, and again for a later change', async () => {
    const p = await project();
    let rebuilds = 0;
    const watcher = track(watchSeeds(p.seeds, { debounceMs: 400, rebuild: async () => void rebuilds++ }));
    await watcher.ready;
    await Promise.all(['a.txt', 'b.txt', 'c.md', 'd.txt', 'e.txt'].map((f) => fs.writeFile(path.join(p.seeds, f), 'Satu kalimat.')));
    await until(() => rebuilds > 0);
    await watcher.idle();
    expect(rebuilds).toBe(1);
    await fs.rm(path.join(p.seeds, 'a.txt'));
    await until(() => rebuilds > 1);
    await watcher.idle();
    expect(rebuilds).toBe(2);
  });

  it('never runs two rebuilds at once: changes during one give exactly one more after it', async () => {
    const p = await project();
    let running = 0;
    let overlapped = false;
    let rebuilds = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const watcher = track(
      watchSeeds(p.seeds, {
        debounceMs: 100,
        rebuild: async () => {
          overlapped ||= running > 0;
          running++;
          rebuilds++;
          if (rebuilds === 1) await gate;
          running--;
        },
      }),
    );
    await watcher.ready;
    await fs.writeFile(path.join(p.seeds, 'first.txt'), 'Satu.');
    await until(() => rebuilds === 1);
    await fs.writeFile(path.join(p.seeds, 'second.txt'), 'Dua.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fs.writeFile(path.join(p.seeds, 'third.txt'), 'Tiga.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rebuilds).toBe(1);
    release();
    await until(() => rebuilds === 2);
    await watcher.idle();
    expect(rebuilds).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('logs a failed rebuild in one line and keeps watching', async () => {
    const p = await project();
    const lines: string[] = [];
    let calls = 0;
    const watcher = track(
      watchSeeds(p.seeds, {
        debounceMs: 100,
        log: (line) => lines.push(line),
        rebuild: async () => {
          calls++;
          if (calls === 1) throw new Error('disk full');
        },
      }),
    );
    await watcher.ready;
    await fs.writeFile(path.join(p.seeds, 'x.txt'), 'X.');
    await until(() => calls === 1);
    await watcher.idle();
    expect(lines).toEqual([`Rebuild after a change in ${p.seeds} failed: disk full`]);
    await fs.writeFile(path.join(p.seeds, 'y.txt'), 'Y.');
    await until(() => calls === 2);
  });
});

describe('watchBriefing', () => {
  it('answers from the old store while a changed briefing is rebuilt, then from the new one; an unchanged save rebuilds nothing', async () => {
    const p = await project(true);
    const config = p.config();
    const service = await BriefingService.open(config);
    const before = service.kb;
    const seenDuringBuild: boolean[] = [];
    const watcher = track(
      watchBriefing(
        service,
        (line) => {
          if (line.startsWith('Building the store')) seenDuringBuild.push(service.kb === before);
        },
        200,
      ),
    );
    await watcher.ready;
    await fs.writeFile(path.join(p.seeds, 'report.pdf'), await makePdf({ pages: [['Halaman pertama.'], ['Kapal perang dikirim ke Selat Hormuz.']] }));
    await until(() => service.kb !== before);
    await watcher.idle();
    expect(seenDuringBuild).toEqual([true]);
    const pdf = service.kb.documents.find((d) => d.source === 'seeds/report.pdf')!;
    expect(pdf.pageStarts).toHaveLength(2);
    const hit = (await service.kb.search('kapal perang Selat Hormuz', { k: 1 }))[0];
    expect(hit.chunk.source).toBe('seeds/report.pdf');

    // Rewriting a file with the same bytes: scanned, found unchanged, the store in use is kept.
    const after = service.kb;
    const seed = (await fs.readdir(p.seeds)).find((f) => f.endsWith('.txt'))!;
    await fs.writeFile(path.join(p.seeds, seed), await fs.readFile(path.join(p.seeds, seed)));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await watcher.idle();
    expect(service.kb).toBe(after);
  });
});

describe('npm start (the console) watches the seeds folder', () => {
  it('picks up a PDF dropped into seeds/ while it runs', async () => {
    const p = await project(true);
    const child = spawn(process.execPath, [compiledEntry('src/main.ts')], {
      cwd: p.root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      child.stdin.write('/sources\n');
      await until(() => /1\. seeds\//.test(stdout), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the watcher has read the folder
      await fs.writeFile(path.join(p.seeds, 'report.pdf'), await makePdf({ pages: [['Halaman satu.'], ['Kapal perang tiba di Busan.']] }));
      await until(() => /Building the store: seeds changed/.test(stderr), 30_000);
      // The new store is swapped in after the build: /sources answers from whichever is in use.
      for (let tries = 0; tries < 100 && !/report\.pdf/.test(stdout); tries++) {
        child.stdin.write('/sources\n');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(stdout).toMatch(/\d\. seeds\/report\.pdf \(\d{4}-\d{2}-\d{2}\): report, 2 pages, 2 sentences, 1 chunks/);
    } finally {
      child.stdin.end();
      // It ends with its input: the idle document reader (kept 10 s for the next file) never holds it open.
      const ended = Date.now();
      expect(await closed).toBe(0);
      expect(Date.now() - ended).toBeLessThan(8000);
    }
  });
});
