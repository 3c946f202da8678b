import path from 'node:path';
import { UnreadableDocument, type ExtractedText, type FormatLimits } from './types.js';

export { UnreadableDocument, type ExtractedText, type FormatLimits } from './types.js';

export type SeedFormat = 'text' | 'markdown' | 'html' | 'pdf' | 'docx';

const BY_EXTENSION: Record<string, SeedFormat> = {
  '.txt': 'text',
  '.md': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
};

/** The extensions the briefing reads, for listings and messages. */
export const SEED_EXTENSIONS = Object.keys(BY_EXTENSION);

export function formatOf(fileName: string): SeedFormat | undefined {
  return BY_EXTENSION[path.extname(fileName).toLowerCase()];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the first bytes say the file is, whatever its name says. */
function sniff(bytes: Uint8Array): 'pdf' | 'zip' | 'ole' | 'other' {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) || head.subarray(0, 4).equals(Buffer.from('PK\x05\x06', 'latin1'))) return 'zip';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'ole';
  // The PDF header may follow some junk, within the first kilobyte.
  if (head.includes('%PDF-', 0, 'latin1')) return 'pdf';
  return 'other';
}

const SNIFFED_AS = { pdf: 'a PDF', zip: 'a ZIP/Office file', ole: 'an old binary Office file (.doc/.xls)', other: 'text or another format' };

function wrongExtension(format: SeedFormat, sniffed: keyof typeof SNIFFED_AS, ext: string): string | undefined {
  const expected = format === 'pdf' ? 'pdf' : format === 'docx' ? 'zip' : 'other';
  if (sniffed === expected) return undefined;
  // Text formats accept anything that is not obviously binary: UTF-8 decoding is the real check.
  if (expected === 'other' && sniffed === 'other') return undefined;
  if (sniffed === 'ole' && format === 'docx') return 'an old binary Word .doc renamed .docx: save it as .docx';
  return `wrong extension: this ${ext} file is ${SNIFFED_AS[sniffed]}`;
}

function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new UnreadableDocument('not valid UTF-8');
  }
}

/** The charset a page declares in its first 2 KB (`<meta charset>` or http-equiv), if any. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 2048)).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
}

/** A web page as UTF-8, else in the charset it declares (a page saved from an older site: windows-1252, Shift_JIS…). */
function decodeHtml(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const charset = declaredCharset(bytes);
    if (!charset) throw new UnreadableDocument('not valid UTF-8, and the page declares no other charset');
    try {
      return new TextDecoder(charset, { fatal: true }).decode(bytes);
    } catch {
      throw new UnreadableDocument(`not valid UTF-8, nor the ${charset.slice(0, 40)} it declares`);
    }
  }
}

/** The citable text of one seed file, by its format; a file that can't be read throws UnreadableDocument. */
export async function extractText(bytes: Uint8Array, fileName: string, limits: FormatLimits): Promise<ExtractedText & { format: SeedFormat }> {
  const format = formatOf(fileName);
  if (!format) throw new UnreadableDocument(`not a format the briefing reads (${SEED_EXTENSIONS.join(', ')})`);
  const wrong = wrongExtension(format, sniff(bytes), path.extname(fileName).toLowerCase());
  if (wrong) throw new UnreadableDocument(wrong);
  // The readers (pdf.js, mammoth, html-to-text: ~33 MB of heap) load only when a file of theirs is read, so the
  // bot, its answer workers and a briefing of plain text never carry them.
  let extracted: ExtractedText;
  if (format === 'pdf') extracted = await (await import('./pdf.js')).readPdf(bytes, limits);
  else if (format === 'docx') extracted = await (await import('./docx.js')).readDocx(bytes, limits);
  else if (format === 'html') extracted = (await import('./html.js')).readHtml(decodeHtml(bytes));
  else extracted = { content: decodeText(bytes) };
  if (!extracted.content.trim()) throw new UnreadableDocument(format === 'html' ? 'no readable text on the page' : 'no text (only whitespace)');
  return { ...extracted, format };
}
