import { Document as DocxDocument, Packer, Paragraph, TextRun } from 'docx';
import { zipSync } from 'fflate';
import { PDFDocument, PDFHexString, PDFName, StandardFonts, rgb } from 'pdf-lib';

/**
 * Real PDF, DOCX and HTML files made with the libraries people make them with, for the format tests and
 * `npm run bench` (ingest pages/s): nothing here is parsed by the code under test's own hands.
 */

export interface PdfSpec {
  /** Each page's lines (one drawText per line); an empty list is a blank page. */
  pages: string[][];
  title?: string;
  created?: Date;
}

export async function makePdf(spec: PdfSpec): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (spec.title) doc.setTitle(spec.title);
  if (spec.created) doc.setCreationDate(spec.created);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of spec.pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 40, y: 800 - i * 16, size: 10, font }));
  }
  return doc.save();
}

/** A page with only a drawn shape, as a scan has only an image: no text to extract. */
export async function makeImageOnlyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawRectangle({ x: 50, y: 50, width: 300, height: 400, color: rgb(0.3, 0.3, 0.3) });
  return doc.save();
}

/**
 * A PDF whose trailer names a Standard security handler with a user password the empty password does not
 * match: every reader asks for the password.
 */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('Rahasia.', { x: 50, y: 700, size: 12, font });
  const encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, P: -4 });
  encrypt.set(PDFName.of('O'), PDFHexString.of('a7'.repeat(32)));
  encrypt.set(PDFName.of('U'), PDFHexString.of('5c'.repeat(32)));
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of('0f'.repeat(16)), PDFHexString.of('0f'.repeat(16))]);
  return doc.save({ useObjectStreams: false });
}

export interface DocxSpec {
  paragraphs: string[];
  title?: string;
}

export async function makeDocx(spec: DocxSpec): Promise<Uint8Array> {
  const doc = new DocxDocument({
    title: spec.title,
    sections: [{ children: spec.paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })) }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** A DOCX-shaped zip whose document.xml inflates to `expandedBytes` of one repeated byte: a zip bomb. */
export function makeZipBomb(expandedBytes: number): Uint8Array {
  return zipSync(
    {
      '[Content_Types].xml': new TextEncoder().encode('<?xml version="1.0"?><Types/>'),
      'word/document.xml': new Uint8Array(expandedBytes).fill(0x20),
    },
    { level: 9 },
  );
}

/** A news page as browsers get it: scripts, styles, navigation, a header and footer around the article. */
export function makeHtmlPage(spec: { title: string; date?: string; paragraphs: string[] }): string {
  return `<!doctype html>
<html lang="id"><head>
<meta charset="utf-8"><title>${spec.title} | Kantor Berita</title>
<meta property="og:title" content="${spec.title}">
${spec.date ? `<meta property="article:published_time" content="${spec.date}T08:00:00+07:00">` : ''}
<style>body { font-family: sans-serif } .secret { content: "CSS text" }</style>
<script>var tracker = "SCRIPT TEXT"; document.write("SCRIPT TEXT");</script>
</head><body>
<header><a href="/">Beranda</a> <a href="/login">Masuk</a></header>
<nav><ul><li><a href="/politik">Politik</a></li><li><a href="/ekonomi">Ekonomi</a></li></ul></nav>
<main><article>
<h1>${spec.title}</h1>
${spec.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</article></main>
<aside>Baca juga: berita lain yang tidak ada hubungannya.</aside>
<footer>© Kantor Berita. Hak cipta dilindungi.</footer>
<noscript>Aktifkan JavaScript.</noscript>
<script>console.log("SCRIPT TEXT")</script>
</body></html>`;
}
