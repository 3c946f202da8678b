import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSeeds, scanSeeds, sha256 } from '../src/seeds/loadSeeds.js';
import { parseMetadata } from '../src/seeds/metadata.js';
import { removeSeedFile, safeSeedFileName, saveSeedFile } from '../src/seeds/seedFiles.js';
import { tempProject } from './helpers/tempProject.js';
import { openToEveryone, runUnprivileged, unprivilegedSkipReason } from './helpers/unprivileged.js';

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
      'seeds/more/deeper/note.md',
    ]);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]));
    expect(reasons['seeds/link-in.md']).toBe('same file as seeds/more/deeper/note.md, which is read instead');
    expect(reasons['seeds/empty.txt']).toMatch(/empty/);
    expect(reasons['seeds/latin1.txt']).toMatch(/UTF-8/);
    expect(reasons['seeds/big.txt']).toMatch(/SEED_MAX_BYTES/);
    expect(reasons['seeds/link-out.txt']).toMatch(/outside/);
    expect(reasons['seeds/dir-out']).toMatch(/outside/);
    const note = scan.documents.find((d) => d.source === 'seeds/more/deeper/note.md')!;
    expect(note).toMatchObject({ title: 'Catatan', date: '2020-02-01', url: 'https://example.org/a' });
    expect(note.content.slice(note.bodyStart)).toBe('Isi catatan.');
  });

  it('reads a file reached through symlinks once, from its real path, whatever the names sort like', async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    await fs.mkdir(path.join(p.seeds, 'zz-real'));
    await fs.writeFile(path.join(p.seeds, 'zz-real/berita.txt'), 'Satu berita. Kalimat kedua.');
    await fs.symlink(path.join(p.seeds, 'zz-real/berita.txt'), path.join(p.seeds, 'aa-link.txt'));
    await fs.symlink('zz-real', path.join(p.seeds, 'aa-folder-link'));
    const scan = await loadSeeds(p.seeds, 4000, p.root);
    expect(scan.documents.map((d) => d.source)).toEqual(['seeds/zz-real/berita.txt']);
    expect(scan.skipped).toEqual([
      { source: 'seeds/aa-folder-link', reason: 'same folder as seeds/zz-real, which is read instead' },
      { source: 'seeds/aa-link.txt', reason: 'same file as seeds/zz-real/berita.txt, which is read instead' },
    ]);
  });

  it('tells symlink loops from broken symlinks', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await fs.symlink('ping.txt', path.join(p.seeds, 'pong.txt'));
    await fs.symlink('pong.txt', path.join(p.seeds, 'ping.txt'));
    await fs.symlink('missing.txt', path.join(p.seeds, 'gone.txt'));
    await fs.mkdir(path.join(p.seeds, 'sub'));
    await fs.symlink('..', path.join(p.seeds, 'sub/up'));
    const scan = await loadSeeds(p.seeds, 1_000_000, p.root);
    expect(scan.documents).toHaveLength(1);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]));
    expect(reasons).toEqual({
      'seeds/ping.txt': 'symlink loop',
      'seeds/pong.txt': 'symlink loop',
      'seeds/gone.txt': 'broken symlink (its target does not exist)',
      'seeds/sub/up': 'symlink loop (leads back to seeds)',
    });
  });

  it('reports a seeds folder it cannot list (ENOTDIR) instead of failing', async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    await fs.writeFile(path.join(p.root, 'not-a-folder'), 'teks');
    const scan = await loadSeeds(path.join(p.root, 'not-a-folder'), 1000, p.root);
    expect(scan).toEqual({ documents: [], skipped: [{ source: 'not-a-folder', reason: 'unreadable folder (ENOTDIR)' }], notices: [] });
  });

  it.skipIf(unprivilegedSkipReason !== null)('skips an unreadable subfolder by name and indexes the rest (as a user without root)', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await fs.mkdir(path.join(p.seeds, 'locked'));
    await fs.writeFile(path.join(p.seeds, 'locked/rahasia.txt'), 'Tidak terbaca. Sama sekali.');
    await fs.writeFile(path.join(p.seeds, 'open.txt'), 'Dokumen terbuka tentang Pulau Jeju. Kalimat kedua.');
    await openToEveryone(p.root);
    await fs.chmod(path.join(p.seeds, 'locked'), 0o000);
    const ingest = await runUnprivileged('src/cli/ingest.ts', ['--json'], {}, p.root);
    expect(ingest.stderr).toContain('Skipped seeds/locked: unreadable folder (EACCES)');
    expect(ingest.code).toBe(0);
    const summary = JSON.parse(ingest.stdout) as { documents: number; skipped: { source: string; reason: string }[] };
    expect(summary.documents).toBe(2);
    expect(summary.skipped).toEqual([{ source: 'seeds/locked', reason: 'unreadable folder (EACCES)' }]);
  });

  it('names a file with malformed front matter in one notice and reads it as plain text', async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    const text = '---\ntitle: [unclosed\n---\nIsi catatan yang tetap dibaca.';
    await fs.writeFile(path.join(p.seeds, 'rusak.md'), text);
    const scan = await loadSeeds(p.seeds, 4000, p.root);
    expect(scan.documents).toMatchObject([{ source: 'seeds/rusak.md', title: 'rusak', bodyStart: 0, content: text }]);
    expect(scan.notices).toEqual([{ source: 'seeds/rusak.md', reason: expect.stringMatching(/^malformed front matter \(.+\); read as plain text$/) }]);
    expect(scan.notices[0].reason).not.toContain('\n');
  });

  it("silences yaml's own warning about a tag and says it in one notice of ours", async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    await fs.writeFile(path.join(p.seeds, 'tagged.md'), '---\ntitle: !custom Judul\n---\nIsi.');
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const scan = await loadSeeds(p.seeds, 4000, p.root);
      expect(emitWarning).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
      expect(scan.documents).toMatchObject([{ title: 'Judul', bodyStart: '---\ntitle: !custom Judul\n---\n'.length }]);
      expect(scan.notices).toEqual([{ source: 'seeds/tagged.md', reason: expect.stringMatching(/^front matter: Unresolved tag: !custom.* \(ignored\)$/) }]);
    } finally {
      emitWarning.mockRestore();
      warn.mockRestore();
    }
  });

  it('reports a missing seeds folder instead of failing', async () => {
    const scan = await loadSeeds('/nonexistent/seeds', 1000, '/');
    expect(scan.documents).toEqual([]);
    expect(scan.skipped[0].reason).toMatch(/not found/);
  });
});

describe('scanSeeds', () => {
  it('lists the same files as loadSeeds with their sha256 and size, refusing empty and oversized files without parsing', async () => {
    const p = await tempProject();
    cleanups.push(p.cleanup);
    await fs.writeFile(path.join(p.seeds, 'empty.txt'), '');
    await fs.writeFile(path.join(p.seeds, 'big.txt'), 'x'.repeat(5000));
    await fs.writeFile(path.join(p.seeds, 'extra.md'), 'Satu kalimat.');
    const scan = await scanSeeds(p.seeds, 4000, p.root);
    const loaded = await loadSeeds(p.seeds, 4000, p.root);
    expect(scan.files.map((f) => [f.source, f.sha256, f.bytes])).toEqual(loaded.documents.map((d) => [d.source, d.sha256, d.bytes]));
    const extra = scan.files.find((f) => f.source === 'seeds/extra.md')!;
    expect(extra.sha256).toBe(sha256('Satu kalimat.'));
    expect(Object.fromEntries(scan.skipped.map((s) => [s.source, s.reason]))).toEqual({
      'seeds/empty.txt': 'empty file',
      'seeds/big.txt': 'larger than SEED_MAX_BYTES (5000 > 4000 bytes)',
    });
  });

  it('reports a missing seeds folder', async () => {
    const scan = await scanSeeds('/nonexistent/seeds', 1000, '/');
    expect(scan).toEqual({ files: [], skipped: [{ source: 'nonexistent/seeds', reason: 'seeds folder not found' }] });
  });
});

describe('seed files from users', () => {
  it('makes a safe file name: last path segment, no hidden files, known extensions only', () => {
    expect(safeSeedFileName('../../etc/passwd.txt')).toBe('passwd.txt');
    expect(safeSeedFileName('C:\\Users\\x\\Laporan Akhir.PDF')).toBe('Laporan Akhir.pdf');
    expect(safeSeedFileName('.env.md')).toBe('env.md');
    expect(safeSeedFileName('berita <b>$(rm -rf ~)|x.html')).toBe('berita _b_rm -rf _x.html');
    expect(safeSeedFileName('Catatan Rapat — Seoul.docx')).toBe('Catatan Rapat _ Seoul.docx');
    expect(safeSeedFileName(`${'a'.repeat(300)}.txt`)).toBe(`${'a'.repeat(96)}.txt`);
    expect(() => safeSeedFileName('tool.exe')).toThrow(/only .txt, .md, .html, .htm, .pdf, .docx files/);
    expect(() => safeSeedFileName('....pdf')).toThrow(/no usable characters/);
    expect(() => safeSeedFileName('report.pdf/')).toThrow(/only/);
  });

  it('saves atomically, never over an existing file without replace, and removes only files inside the seeds folder', async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    expect(await saveSeedFile(p.seeds, 'memo.txt', new TextEncoder().encode('Satu.'), false)).toEqual({ replaced: false });
    await expect(saveSeedFile(p.seeds, 'memo.txt', new TextEncoder().encode('Dua.'), false)).rejects.toThrow(/already in the briefing; add it with replace:true/);
    expect(await fs.readFile(path.join(p.seeds, 'memo.txt'), 'utf8')).toBe('Satu.');
    // Two uploads of one name at once: exactly one wins, the other is refused, nothing is half-written.
    const results = await Promise.allSettled(['Tiga.', 'Empat.'].map((t) => saveSeedFile(p.seeds, 'race.txt', new TextEncoder().encode(t), false)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(['Tiga.', 'Empat.']).toContain(await fs.readFile(path.join(p.seeds, 'race.txt'), 'utf8'));
    expect(await saveSeedFile(p.seeds, 'memo.txt', new TextEncoder().encode('Dua.'), true)).toEqual({ replaced: true });
    expect(await fs.readFile(path.join(p.seeds, 'memo.txt'), 'utf8')).toBe('Dua.');
    expect((await fs.readdir(p.seeds)).sort()).toEqual(['memo.txt', 'race.txt']);
    await expect(saveSeedFile(p.seeds, '../escape.txt', new Uint8Array([0x61]), true)).rejects.toThrow(/unsafe file name/);

    await expect(removeSeedFile(p.seeds, p.root, 'package.json')).rejects.toThrow(/not a file of the briefing/);
    await expect(removeSeedFile(p.seeds, p.root, 'seeds/../package.json')).rejects.toThrow(/not a file of the briefing/);
    await fs.symlink(path.join(p.seeds, 'memo.txt'), path.join(p.seeds, 'link.txt'));
    await removeSeedFile(p.seeds, p.root, 'seeds/link.txt');
    expect((await fs.readdir(p.seeds)).sort()).toEqual(['memo.txt', 'race.txt']);
    await expect(removeSeedFile(p.seeds, p.root, 'seeds/link.txt')).rejects.toThrow(/already gone/);
    await fs.mkdir(path.join(p.seeds, 'sub'));
    await expect(removeSeedFile(p.seeds, p.root, 'seeds/sub')).rejects.toThrow(/a folder, not a file/);
  });
});

describe('parseMetadata', () => {
  it('reads the seed header into date and photo credit, and falls back to the file name for the title', () => {
    const meta = parseMetadata(' date 2020-01 Photo : YONHAP News\n\nPara diplomat.', 'korsel-as_pertemuan.txt');
    expect(meta).toMatchObject({ date: '2020-01', photo: 'YONHAP News', title: 'korsel as pertemuan', bodyStart: 0 });
  });

  it('reads broken front matter as plain text, with a notice', () => {
    const meta = parseMetadata('---\ntitle: [unclosed\n---\nText.', 'x.md');
    expect(meta).toMatchObject({ title: 'x', bodyStart: 0, notice: expect.stringMatching(/^malformed front matter/) });
  });

  it('reads a Markdown file that opens with a --- rule and prose, not fields, as plain text', () => {
    const meta = parseMetadata('---\nSebuah pengantar.\n---\nText.', 'x.md');
    expect(meta).toMatchObject({ title: 'x', bodyStart: 0, notice: expect.stringMatching(/not a list of "key: value" fields/) });
  });

  it('accepts empty front matter without a notice', () => {
    const meta = parseMetadata('---\n\n---\nText.', 'x.md');
    expect(meta).toEqual({ title: 'x', bodyStart: '---\n\n---\n'.length, notice: undefined });
  });
});
