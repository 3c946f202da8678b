import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSeeds } from '../src/seeds/loadSeeds.js';
import { parseMetadata } from '../src/seeds/metadata.js';
import { tempProject } from './helpers/tempProject.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('loadSeeds', () => {
  it('reads .txt and .md files in subfolders, reports bad files by name and keeps the rest', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await fs.mkdir(path.join(p.seeds, 'more/deeper'), { recursive: true });
    await fs.writeFile(path.join(p.seeds, 'more/deeper/note.md'), '---\ntitle: Catatan\ndate: 2020-02-01\nurl: https://example.org/a\n---\nIsi catatan.');
    await fs.writeFile(path.join(p.seeds, 'empty.txt'), '');
    await fs.writeFile(path.join(p.seeds, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await fs.writeFile(path.join(p.seeds, 'big.txt'), 'x'.repeat(5000));
    await fs.writeFile(path.join(p.seeds, 'ignored.json'), '{}');
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'outside-'));
    cleanups.push(() => fs.rm(outside, { recursive: true, force: true }));
    await fs.writeFile(path.join(outside, 'secret.txt'), 'do not read');
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(p.seeds, 'link-out.txt'));
    await fs.symlink(outside, path.join(p.seeds, 'dir-out'));
    await fs.symlink(path.join(p.seeds, 'more/deeper/note.md'), path.join(p.seeds, 'link-in.md'));

    const scan = await loadSeeds(p.seeds, 4000, p.root);
    expect(scan.documents.map((d) => d.source).sort()).toEqual([
      'seeds/2020-01_korsel-as-pertemuan-menlu-san-francisco.txt',
      'seeds/link-in.md',
      'seeds/more/deeper/note.md',
    ]);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]));
    expect(reasons['seeds/empty.txt']).toMatch(/empty/);
    expect(reasons['seeds/latin1.txt']).toMatch(/UTF-8/);
    expect(reasons['seeds/big.txt']).toMatch(/SEED_MAX_BYTES/);
    expect(reasons['seeds/link-out.txt']).toMatch(/outside/);
    expect(reasons['seeds/dir-out']).toMatch(/outside/);
    const note = scan.documents.find((d) => d.source === 'seeds/more/deeper/note.md')!;
    expect(note).toMatchObject({ title: 'Catatan', date: '2020-02-01', url: 'https://example.org/a' });
    expect(note.content.slice(note.bodyStart)).toBe('Isi catatan.');
  });

  it('reports a missing seeds folder instead of failing', async () => {
    const scan = await loadSeeds('/nonexistent/seeds', 1000, '/');
    expect(scan.documents).toEqual([]);
    expect(scan.skipped[0].reason).toMatch(/not found/);
  });
});

describe('parseMetadata', () => {
  it('reads the seed header into date and photo credit, and falls back to the file name for the title', () => {
    const meta = parseMetadata(' date 2020-01 Photo : YONHAP News\n\nPara diplomat.', 'korsel-as_pertemuan.txt');
    expect(meta).toMatchObject({ date: '2020-01', photo: 'YONHAP News', title: 'korsel as pertemuan', bodyStart: 0 });
  });

  it('survives broken front matter', () => {
    const meta = parseMetadata('---\ntitle: [unclosed\n---\nText.', 'x.md');
    expect(meta.title).toBe('x');
    expect(meta.bodyStart).toBeGreaterThan(0);
  });
});
