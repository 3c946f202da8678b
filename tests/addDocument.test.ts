import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocx, makeEncryptedPdf, makePdf, makeZipBomb } from '../src/bench/documentFiles.js';
import { startBotHarness, type BotHarness } from './helpers/discordBotHarness.js';
import { MANAGE_GUILD, MEMBER_PERMISSIONS } from './helpers/fakeDiscord.js';
import { escapeDiscordMarkdown } from '../src/discord/renderText.js';

/**
 * /add-document, /remove-document and /sources over the wire: the real discord.js client and bot against the
 * stand-in Discord, attachments downloaded from its loopback CDN, files saved under a temp seeds folder.
 */

const EPHEMERAL = 64;
const MAX_BYTES = 200_000;
let h: BotHarness;
let userCounter = 0;
const newUser = () => `3000000000000000${String(++userCounter).padStart(2, '0')}`;
const str = (name: string, value: string) => ({ name, type: 3, value });
const bool = (name: string, value: boolean) => ({ name, type: 5, value });

const REPORT_PAGES = [
  ['Laporan ini membahas latihan militer gabungan.'],
  ['Halaman kedua berisi jadwal latihan.'],
  ['Kapal induk Nimitz tiba di pelabuhan Busan pada bulan Maret.'],
];

beforeAll(async () => {
  h = await startBotHarness({ SEED_MAX_BYTES: String(MAX_BYTES), SEED_MAX_PAGES: '50' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const seeds = () => path.join(h.root, 'seeds');

/** Attaches `bytes` as `name` and runs /add-document as a member with Manage Server; the final reply's text. */
async function addDocument(name: string, bytes: Uint8Array, options: { replace?: boolean; size?: number; permissions?: string } = {}): Promise<{ content: string; body: Record<string, unknown> }> {
  const id = h.fake.addAttachment(name, bytes, { size: options.size });
  const args = [{ name: 'file', type: 11, value: id }, ...(options.replace === undefined ? [] : [bool('replace', options.replace)])];
  const { token } = h.fake.sendSlash('add-document', args, { userId: newUser(), permissions: options.permissions ?? MANAGE_GUILD });
  const final = await h.fake.waitForFinal(token, 30_000);
  const body = final.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { content: body.content ?? body.data?.content, body };
}

describe('/add-document', () => {
  it('is refused, ephemerally, without Manage Server, and nothing is downloaded or saved', async () => {
    const { content, body } = await addDocument('report.pdf', await makePdf({ pages: REPORT_PAGES }), { permissions: MEMBER_PERMISSIONS });
    expect(body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(content).toContain('Manage Server');
    expect(h.fake.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
    expect(await fs.readdir(seeds())).not.toContain('report.pdf');
  });

  it('adds a PDF, says what was read, and answers from it with the page cited', async () => {
    const bytes = await makePdf({ pages: REPORT_PAGES, title: 'Laporan Latihan', created: new Date('2021-03-04T00:00:00Z') });
    const { content } = await addDocument('report.pdf', bytes);
    expect(content).toMatch(/^Added \*\*report\.pdf\*\* \(Laporan Latihan, 2021-03-04\): 3 pages, 3 sentences, \d+ chunks\.\nThe briefing now has 2 document\(s\)/);
    expect(await fs.readFile(path.join(seeds(), 'report.pdf'))).toEqual(Buffer.from(bytes));
    expect(h.fake.requests.some((r) => r.path.startsWith('/cdn/attachments/'))).toBe(true);

    const { token } = h.fake.sendSlash('ask', [str('question', 'Kapan kapal induk Nimitz tiba di Busan?')], { userId: newUser() });
    const answer = (await h.fake.waitForFinal(token, 30_000)).body as { embeds: { fields: { name: string; value: string }[] }[] };
    expect(answer.embeds[0].fields[0].name).toBe('[1] report.pdf p. 3 · 2021-03-04');
    expect(answer.embeds[0].fields[0].value).toContain('Kapal induk Nimitz tiba di pelabuhan Busan');
  });

  it('never overwrites without replace:true, and replaces with it', async () => {
    const first = await makeDocx({ paragraphs: ['Versi pertama memo.'], title: 'Memo' });
    expect((await addDocument('memo.docx', first)).content).toMatch(/^Added \*\*memo\.docx\*\* \(Memo, \d{4}-\d{2}-\d{2}\): 1 sentences/);
    const second = await makeDocx({ paragraphs: ['Versi kedua memo. Dengan kalimat tambahan.'], title: 'Memo' });
    expect((await addDocument('memo.docx', second)).content).toBe('Not added: memo.docx is already in the briefing; add it with replace:true to overwrite it.');
    expect(await fs.readFile(path.join(seeds(), 'memo.docx'))).toEqual(Buffer.from(first));
    expect((await addDocument('memo.docx', second, { replace: true })).content).toMatch(/^Replaced \*\*memo\.docx\*\* .*: 2 sentences/);
    expect(await fs.readFile(path.join(seeds(), 'memo.docx'))).toEqual(Buffer.from(second));
  });

  it('refuses bad files by name with the reason, and keeps the briefing as it was', async () => {
    const before = h.bot.ctx.service.manifest.documents.map((d) => d.source).sort();
    // The reason as the bot words it (markdown-escaped in the reply, like everything it did not write itself).
    const cases: [string, Uint8Array, { size?: number }, string][] = [
      ['locked.pdf', await makeEncryptedPdf(), {}, 'encrypted PDF (needs a password)'],
      ['bomb.docx', makeZipBomb(5_000_000), {}, 'zip bomb: its text parts expand to 5000029 bytes (more than 4000000)'],
      ['notes.pdf', new TextEncoder().encode('plain text'), {}, 'wrong extension: this .pdf file is text or another format'],
      ['tool.exe', new Uint8Array([0x4d, 0x5a]), {}, 'only .txt, .md, .html, .htm, .pdf, .docx files can be added'],
      ['big.txt', new Uint8Array(MAX_BYTES + 1).fill(0x61), {}, `the file is larger than SEED_MAX_BYTES (${MAX_BYTES + 1} > ${MAX_BYTES} bytes)`],
      // Discord says it is small; the download is cut at the cap anyway.
      ['liar.txt', new Uint8Array(MAX_BYTES * 3).fill(0x61), { size: 10 }, `the file is larger than SEED_MAX_BYTES (${MAX_BYTES} bytes)`],
      ['empty.md', new Uint8Array(0), {}, 'the file is empty'],
    ];
    for (const [name, bytes, options, reason] of cases) {
      expect((await addDocument(name, bytes, options)).content, name).toBe(`Not added: **${name}**: ${escapeDiscordMarkdown(reason)}.`);
    }
    const files = await fs.readdir(seeds());
    for (const [name] of cases) expect(files).not.toContain(name);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    expect(h.bot.ctx.service.manifest.documents.map((d) => d.source).sort()).toEqual(before);
  });

  it('saves a file whose name tries to leave the seeds folder under a safe name inside it', async () => {
    const { content } = await addDocument('../../etc/.hidden passwd.txt', new TextEncoder().encode('Kalimat dari berkas bernama aneh.'));
    expect(content).toMatch(/^Added \*\*hidden passwd\.txt\*\*/);
    expect(await fs.readFile(path.join(seeds(), 'hidden passwd.txt'), 'utf8')).toBe('Kalimat dari berkas bernama aneh.');
    await expect(fs.access(path.join(h.root, 'etc'))).rejects.toThrow();
  });
});

describe('/sources and /remove-document', () => {
  it('/sources lists pages of a PDF and the files that are not read, with the reason', async () => {
    await fs.writeFile(path.join(seeds(), 'broken.docx'), 'not a zip');
    await h.bot.ctx.service.reindex();
    const { token } = h.fake.sendSlash('sources', [], { userId: newUser() });
    const embed = ((await h.fake.waitForFinal(token)).body as { embeds: { description?: string; fields: { name: string; value: string }[] }[] }).embeds[0];
    const report = embed.fields.find((f) => f.name === 'report.pdf')!;
    expect(report.value).toMatch(/^Laporan Latihan\nDate: 2021-03-04 · 3 pages · \d+ chunks$/);
    expect(embed.description).toContain('Not read: broken.docx (wrong extension: this .docx file is text or another format)');
  });

  it('removes a document by file name and refuses names it does not know', async () => {
    const unknown = h.fake.sendSlash('remove-document', [str('file', '../package.json')], { userId: newUser(), permissions: MANAGE_GUILD });
    expect(((await h.fake.waitForFinal(unknown.token)).body as { content: string }).content).toBe(`Not removed: **../package.json**: ${escapeDiscordMarkdown('no such file in the briefing (see /sources)')}.`);

    const { token } = h.fake.sendSlash('remove-document', [str('file', 'report.pdf')], { userId: newUser(), permissions: MANAGE_GUILD });
    expect(((await h.fake.waitForFinal(token, 30_000)).body as { content: string }).content).toMatch(/^Removed \*\*seeds\/report\.pdf\*\*\. The briefing now has \d+ document\(s\)/);
    expect(await fs.readdir(seeds())).not.toContain('report.pdf');
    expect(h.bot.ctx.service.manifest.documents.map((d) => d.source)).not.toContain('seeds/report.pdf');

    const refused = h.fake.sendSlash('remove-document', [str('file', 'memo.docx')], { userId: newUser(), permissions: MEMBER_PERMISSIONS });
    expect(((await h.fake.waitForFinal(refused.token)).body as { data: { content: string } }).data.content).toContain('Manage Server');
    expect(await fs.readdir(seeds())).toContain('memo.docx');
  });
});
