import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { currentGeneration } from '../src/store/vectorStore.js';
import { ROOT, tempProject } from './helpers/tempProject.js';

/**
 * Rebuilds at once, across processes (`ingest --force` started three times) and in one process (two
 * `/reindex`), must never leave `CURRENT` naming a generation that pruning deleted.
 */
const INGEST = path.join(ROOT, 'dist/src/cli/ingest.js');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * A slow disk, loaded into each ingest with `--import`: every rename into a `gen-*` folder (a finished build)
 * is followed by a pause, so the three saves overlap as they would on a large briefing. Before the rebuild lock
 * this made one process prune the generation another was switching CURRENT to in nearly every round.
 */
const SLOW_DISK = `import fs from 'node:fs';
const rename = fs.promises.rename;
fs.promises.rename = async (from, to) => {
  await rename(from, to);
  if (/gen-[^/]*$/.test(String(to)) && !String(to).includes('.tmp-gen-')) await new Promise((r) => setTimeout(r, 300));
};
`;

function ingestForce(root: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(root, 'slow-disk.mjs')).href, INGEST, '--force', '--json'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function expectCurrentLoadable(p: Awaited<ReturnType<typeof tempProject>>): Promise<void> {
  const gen = await currentGeneration(p.store);
  expect(gen).not.toBeNull();
  expect((await fs.stat(gen!)).isDirectory()).toBe(true);
  const reopened = await openKnowledgeBase(p.config());
  expect(reopened.rebuiltBecause).toBeNull();
  expect((await reopened.kb.search('Toshimitsu Motegi', { k: 1 }))[0].chunk.text).toContain('Motegi');
}

describe('concurrent rebuilds', () => {
  it('three `ingest --force` processes at once leave CURRENT on an existing, loadable generation', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    // A few more documents, so a save writes (and a prune removes) more than a handful of files.
    for (let i = 1; i <= 4; i++) {
      await fs.writeFile(path.join(p.seeds, `tambahan-${i}.txt`), `Dokumen tambahan nomor ${i} tentang Pulau Jeju. Kalimat kedua tentang Motegi.`);
    }
    await fs.writeFile(path.join(p.root, 'slow-disk.mjs'), SLOW_DISK);
    await openKnowledgeBase(p.config());
    for (let round = 0; round < 2; round++) {
      const runs = await Promise.all([ingestForce(p.root), ingestForce(p.root), ingestForce(p.root)]);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      await expectCurrentLoadable(p);
    }
    // No lock left behind.
    expect(await fs.readdir(path.join(p.store, '.lock'))).toEqual([]);
  }, 30_000);

  it('takes over at once the lock of a rebuild whose process was killed', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await openKnowledgeBase(p.config());
    const lockModule = pathToFileURL(path.join(ROOT, 'dist/src/store/rebuildLock.js')).href;
    const script = `const { withRebuildLock } = await import(${JSON.stringify(lockModule)});
await withRebuildLock(${JSON.stringify(p.store)}, () => { process.stdout.write('locked\\n'); return new Promise(() => setInterval(() => {}, 1000)); });`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      holder.on('error', reject);
      holder.on('close', () => reject(new Error('the lock holder exited early')));
    });
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('close', resolve));
    await expect(fs.stat(path.join(p.store, '.lock', 'rebuild'))).resolves.toBeTruthy();
    const started = Date.now();
    const rebuilt = await openKnowledgeBase(p.config(), { force: true });
    expect(rebuilt.rebuiltBecause).toBe('rebuild requested');
    expect(Date.now() - started).toBeLessThan(5_000); // not the 10 s it takes a lock to go stale
    await expectCurrentLoadable(p);
  });

  it('two rebuilds at once in one process build once and share the result', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await openKnowledgeBase(p.config());
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const [a, b] = await Promise.all([
      openKnowledgeBase(p.config(), { force: true, log }),
      openKnowledgeBase(p.config(), { force: true, log }),
    ]);
    expect(lines.filter((l) => l.startsWith('Building the store'))).toHaveLength(1);
    expect(lines).toContain('Joining the store rebuild already in progress.');
    expect(a.manifest.builtAt).toBe(b.manifest.builtAt);
    await expectCurrentLoadable(p);
  });

  it('rebuilds that do not join (different settings) still never delete the current generation', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await openKnowledgeBase(p.config());
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        openKnowledgeBase(p.config({ CHUNK_SIZE: '400' }), { force: true }),
        openKnowledgeBase(p.config({ CHUNK_SIZE: '600' }), { force: true }),
        openKnowledgeBase(p.config({ CHUNK_SIZE: '800' }), { force: true }),
      ]);
      const gen = await currentGeneration(p.store);
      expect(gen).not.toBeNull();
      expect((await fs.stat(gen!)).isDirectory()).toBe(true);
    }
  });
});
