import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedHashCache } from '../src/seeds/hashCache.js';
import { scanSeeds, sha256 } from '../src/seeds/loadSeeds.js';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await fs.rm(dirs.pop()!, { recursive: true, force: true });
});

async function folder(): Promise<{ root: string; seeds: string; cacheFile: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'seed-hashes-'));
  dirs.push(root);
  const seeds = path.join(root, 'seeds');
  await fs.mkdir(seeds);
  return { root, seeds, cacheFile: path.join(root, 'vectorstore', 'seed-hashes.json') };
}

/** Writes a file and dates it a minute back, as a file that has been still for a while. */
async function writeSettled(file: string, text: string, mtime = new Date(Date.now() - 60_000)): Promise<void> {
  await fs.writeFile(file, text);
  await fs.utimes(file, mtime, mtime);
}

describe('seed hash cache', () => {
  it('gives the hash of an unchanged file without reading it, and survives a restart', async () => {
    const { root, seeds, cacheFile } = await folder();
    const file = path.join(seeds, 'a.txt');
    await writeSettled(file, 'Kalimat pertama.');
    // Settled a while ago, so the hash may be trusted later; but ctime is now, so wait for it to settle too.
    const stat = await fs.stat(file);
    const cache = await SeedHashCache.open(cacheFile);
    cache.remember(file, stat, 'f'.repeat(64), Date.now() + 10_000);
    await cache.save();
    // What the cache says is what the scan reports: proof that the file was not read again.
    const reopened = await SeedHashCache.open(cacheFile);
    expect(reopened.lookup(file, stat)).toBe('f'.repeat(64));
    const scan = await scanSeeds(seeds, 1_000_000, root, reopened);
    expect(scan.files.map((f) => f.sha256)).toEqual(['f'.repeat(64)]);
  });

  it('hashes again a file edited in place to the same size and modification time', async () => {
    const { root, seeds, cacheFile } = await folder();
    const file = path.join(seeds, 'a.txt');
    const mtime = new Date(Date.now() - 60_000);
    await writeSettled(file, 'Kalimat pertama.', mtime);
    const cache = await SeedHashCache.open(cacheFile);
    const stat = await fs.stat(file);
    cache.remember(file, stat, sha256(await fs.readFile(file)), Date.now() + 10_000);
    await writeSettled(file, 'Kalimat kedua!!.', mtime); // same length, same mtime: only ctime tells
    const scan = await scanSeeds(seeds, 1_000_000, root, cache);
    expect(scan.files[0].sha256).toBe(sha256('Kalimat kedua!!.'));
  });

  it('never trusts a hash taken while the file had just changed', async () => {
    const { cacheFile, seeds } = await folder();
    const file = path.join(seeds, 'a.txt');
    await fs.writeFile(file, 'baru saja ditulis');
    const stat = await fs.stat(file);
    const cache = await SeedHashCache.open(cacheFile);
    cache.remember(file, stat, sha256('baru saja ditulis'));
    expect(cache.lookup(file, stat)).toBeUndefined();
  });

  it('scans the same with and without the cache, and ignores a damaged cache file', async () => {
    const { root, seeds, cacheFile } = await folder();
    for (let i = 0; i < 40; i++) await writeSettled(path.join(seeds, `d${i}.txt`), `Dokumen ${i}.`);
    await fs.writeFile(path.join(seeds, 'empty.txt'), '');
    const plain = await scanSeeds(seeds, 1_000_000, root);
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    await fs.writeFile(cacheFile, '{"format":1,"entries":{"x":{"key":1}}');
    const first = await scanSeeds(seeds, 1_000_000, root, await SeedHashCache.open(cacheFile));
    const second = await scanSeeds(seeds, 1_000_000, root, await SeedHashCache.open(cacheFile));
    expect(first).toEqual(plain);
    expect(second).toEqual(plain);
    expect(plain.skipped).toEqual([{ source: 'seeds/empty.txt', reason: 'empty file' }]);
  });
});
