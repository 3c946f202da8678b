import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checksumFiles } from '../src/store/checksum.js';
import { runningVerifiedReadWorkers, startVerifiedReads, type VerifiedRead } from '../src/store/verifiedReads.js';

/**
 * A generation's files are read and checked on a thread of their own and handed over as they pass; without the
 * thread the same reads and checks run in the calling thread. Either way a damaged or missing file is refused by
 * name and nothing is left running.
 */
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function generation(): Promise<{ dir: string; files: VerifiedRead[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'verified-'));
  dirs.push(dir);
  await fs.writeFile(path.join(dir, 'a.bin'), Buffer.from('first file'));
  await fs.writeFile(path.join(dir, 'b.bin'), Buffer.alloc(3 * 1024 * 1024 + 5, 7));
  await fs.writeFile(path.join(dir, 'c.bin'), Buffer.from('checked, not kept'));
  const sums = await checksumFiles(dir, ['a.bin', 'b.bin', 'c.bin']);
  return {
    dir,
    files: [
      { name: 'a.bin', want: sums['a.bin'], keep: true },
      { name: 'b.bin', want: sums['b.bin'], keep: true },
      { name: 'c.bin', want: sums['c.bin'], keep: false },
    ],
  };
}

async function settledWorkers(): Promise<number> {
  for (let i = 0; i < 50 && runningVerifiedReadWorkers() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return runningVerifiedReadWorkers();
}

for (const [where, settings] of [
  ['on its own thread', { minThreadBytes: 0 }],
  ['in the calling thread', { workerFile: null }],
] as const) {
  describe(`verified reads, ${where}`, () => {
    it('hand over each file as it was written; a file not kept is checked and comes back empty', async () => {
      const { dir, files } = await generation();
      const reads = startVerifiedReads(dir, files, settings);
      expect((await reads.file('a.bin')).toString()).toBe('first file');
      const b = await reads.file('b.bin');
      expect(b.byteLength).toBe(3 * 1024 * 1024 + 5);
      expect(b.every((x) => x === 7)).toBe(true);
      expect(b.byteOffset % 4).toBe(0); // views of it must be aligned (point vectors)
      expect((await reads.file('c.bin')).byteLength).toBe(0);
      await expect(reads.file('d.bin')).rejects.toThrow(/not asked for/);
      expect(await settledWorkers()).toBe(0);
    });

    it('read a file marked `here` in the calling thread, the others as they come', async () => {
      const { dir, files } = await generation();
      const b = await fs.readFile(path.join(dir, 'b.bin'));
      b[7] ^= 1;
      await fs.writeFile(path.join(dir, 'b.bin'), b);
      const reads = startVerifiedReads(dir, [{ ...files[0], here: true }, { ...files[1], here: true }, files[2]], settings);
      expect((await reads.file('a.bin')).toString()).toBe('first file');
      await expect(reads.file('b.bin')).rejects.toThrow(/b\.bin checksum mismatch/);
      expect((await reads.file('c.bin')).byteLength).toBe(0);
      expect(await settledWorkers()).toBe(0);
    });

    it('refuse a damaged, a longer and a missing file by name, and still hand over the good ones', async () => {
      const { dir, files } = await generation();
      const b = await fs.readFile(path.join(dir, 'b.bin'));
      b[1000] ^= 1;
      await fs.writeFile(path.join(dir, 'b.bin'), b);
      await fs.appendFile(path.join(dir, 'a.bin'), 'more');
      await fs.rm(path.join(dir, 'c.bin'));
      const reads = startVerifiedReads(dir, files, settings);
      await expect(reads.file('a.bin')).rejects.toThrow(/a\.bin has \d+ bytes, not 10/);
      await expect(reads.file('b.bin')).rejects.toThrow(/b\.bin checksum mismatch/);
      await expect(reads.file('c.bin')).rejects.toThrow(/ENOENT/);
      expect(await settledWorkers()).toBe(0);
    });

    it('stop: what has not arrived is refused and the thread ends', async () => {
      const { dir, files } = await generation();
      const reads = startVerifiedReads(dir, files, settings);
      reads.stop();
      await expect(reads.file('b.bin')).rejects.toThrow(/stopped/);
      expect(await settledWorkers()).toBe(0);
    });
  });
}

it('verified reads: a thread that cannot start leaves the work to the calling thread', async () => {
  const { dir, files } = await generation();
  const reads = startVerifiedReads(dir, files, { workerFile: path.join(dir, 'no-such-worker.js'), minThreadBytes: 0 });
  expect((await reads.file('a.bin')).toString()).toBe('first file');
  await expect(reads.file('c.bin')).resolves.toHaveLength(0);
  expect(await settledWorkers()).toBe(0);
});

it('verified reads: files too small to be worth a thread are read and checked in the calling thread', async () => {
  const { dir, files } = await generation();
  const reads = startVerifiedReads(dir, files);
  expect(runningVerifiedReadWorkers()).toBe(0); // 3 MB: under the threshold, no thread started
  expect((await reads.file('b.bin')).byteLength).toBe(3 * 1024 * 1024 + 5);
});
