import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Vitest global setup: the end-to-end tests start the compiled program (dist/, as `npm start` does), so dist/
 * is rebuilt first when any source is newer than its output. `npm ci` builds it already (prepare); this covers
 * sources edited since. Emit only (--noCheck): type errors are `npm run typecheck`'s job.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
// Several test runs may start at once in one checkout: one builds, the others wait for it.
const LOCK = path.join(ROOT, '.tmp-dist-build.lock');
const LOCK_STALE_MS = 180_000;

async function newerThanOutput(dir: string): Promise<string | null> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const stale = await newerThanOutput(file);
      if (stale) return stale;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const output = path.join(DIST, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
      const [source, built] = await Promise.all([fs.stat(file), fs.stat(output).catch(() => null)]);
      if (!built || built.mtimeMs < source.mtimeMs) return path.relative(ROOT, file);
    }
  }
  return null;
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      await fs.mkdir(LOCK);
      return;
    } catch {
      const held = await fs.stat(LOCK).catch(() => null);
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) await fs.rm(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export default async function buildDist(): Promise<void> {
  if (!(await newerThanOutput(SRC))) return;
  await acquireLock();
  try {
    const stale = await newerThanOutput(SRC); // another run may have built it while we waited
    if (!stale) return;
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building dist/ failed (${stale} changed):\n${build.stdout}${build.stderr}`);
  } finally {
    await fs.rm(LOCK, { recursive: true, force: true });
  }
}
