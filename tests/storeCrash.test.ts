import { spawn } from 'node:child_process';
import { watch, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { compiledEntry } from './helpers/runCli.js';
import { tempProject } from './helpers/tempProject.js';

/**
 * `kill -9` during ingest must never leave half a store: the next start finds either the old store (and
 * rebuilds because the seeds changed) or the new one, never an unreadable one. The ingest is killed at the
 * n-th change it makes in vectorstore/ (temp folder made, renamed, CURRENT replaced, old generation removed…),
 * so every step of the save is hit, not just the long build before it.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Runs the ingest CLI and SIGKILLs it at the `n`-th filesystem event in `storeDir` (or lets it finish). */
function ingestKilledAt(root: string, storeDir: string, n: number): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiledEntry('src/cli/ingest.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: 'ignore',
    });
    let events = 0;
    let killed = false;
    const watcher = watch(storeDir, () => {
      if (++events === n && child.exitCode === null) killed = child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', () => {
      watcher.close();
      resolve({ killed });
    });
  });
}

describe('kill -9 during ingest', () => {
  it('leaves the old store or the new one, never half of one', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await openKnowledgeBase(p.config());
    let killedAtLeastOnce = false;
    for (let n = 1; n <= 5; n++) {
      await fs.writeFile(path.join(p.seeds, `tambahan-${n}.txt`), `Dokumen tambahan nomor ${n} tentang Pulau Jeju. Kalimat kedua.`);
      const { killed } = await ingestKilledAt(p.root, p.store, n);
      killedAtLeastOnce ||= killed;
      const reopened = await openKnowledgeBase(p.config());
      // Old store: rebuilt because the new seed is missing from it; new store: used as is.
      if (reopened.rebuiltBecause !== null) expect(reopened.rebuiltBecause).toBe(`seeds changed: added seeds/tambahan-${n}.txt`);
      expect(reopened.kb.chunksBySource.has(`seeds/tambahan-${n}.txt`)).toBe(true);
    }
    expect(killedAtLeastOnce).toBe(true);
  }, 120_000);
});
