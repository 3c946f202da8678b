import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCoreConfig, type CoreConfig } from '../../src/config.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SEED_FILE = path.join(ROOT, 'seeds/2020-01_korsel-as-pertemuan-menlu-san-francisco.txt');

/** A scratch project root with its own seeds/ and vectorstore/, so tests never touch the real ones. */
export async function tempProject(withSeed = true): Promise<{ root: string; seeds: string; store: string; config: (env?: Record<string, string>) => CoreConfig; cleanup: () => Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'briefing-test-'));
  const seeds = path.join(root, 'seeds');
  const store = path.join(root, 'vectorstore');
  await fs.mkdir(seeds);
  if (withSeed) await fs.copyFile(SEED_FILE, path.join(seeds, path.basename(SEED_FILE)));
  return {
    root,
    seeds,
    store,
    config: (env = {}) => loadCoreConfig({ ...env }, root),
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}
