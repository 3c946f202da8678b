import { PDFParse } from 'pdf-parse';
import { cleanTitle, isoDate, UnreadableDocument, type ExtractedText, type FormatLimits } from './types.js';

/** Pages are joined by a blank line, which is a paragraph boundary: no sentence spans two pages. */
const PAGE_JOINER = '\n\n';

function reasonFor(error: unknown): string {
  const name = (error as Error)?.name ?? '';
  if (name === 'PasswordException') return 'encrypted PDF (needs a password)';
  if (name === 'InvalidPDFException') return 'corrupt PDF (invalid structure)';
  return `unreadable PDF (${String((error as Error)?.message ?? error).split('\n', 1)[0].slice(0, 120)})`;
}

/**
 * Text per page through pdf-parse (the library LangChain's PDFLoader wraps; used directly for the page count
 * before extraction and for each page's offset in the joined text).
 */
export async function readPdf(bytes: Uint8Array, limits: FormatLimits): Promise<ExtractedText> {
  // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    let info;
    try {
      info = await parser.getInfo();
    } catch (error) {
      throw new UnreadableDocument(reasonFor(error));
    }
    if (info.total > limits.maxPages) {
      throw new UnreadableDocument(`more pages than SEED_MAX_PAGES (${info.total} > ${limits.maxPages})`);
    }
    let text;
    try {
      text = await parser.getText({ pageJoiner: '' });
    } catch (error) {
      throw new UnreadableDocument(reasonFor(error));
    }
    const pages = [...text.pages].sort((a, b) => a.num - b.num).map((p) => p.text.trim());
    if (!pages.some((p) => p.length > 0)) throw new UnreadableDocument('no text in the PDF (image-only or scanned?)');
    const pageStarts: number[] = [];
    let content = '';
    for (const [i, page] of pages.entries()) {
      if (i > 0) content += PAGE_JOINER;
      pageStarts.push(content.length);
      content += page;
    }
    const dates = info.getDateNode();
    return {
      content,
      pageStarts,
      title: cleanTitle(info.info?.Title),
      date: isoDate(dates.CreationDate ?? dates.XmpCreateDate ?? undefined),
    };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
