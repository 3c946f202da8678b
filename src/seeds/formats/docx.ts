import mammoth from 'mammoth';
import { DomUtils, parseDocument } from 'htmlparser2';
import { checkZip, readZipEntry } from './zipCheck.js';
import { cleanTitle, isoDate, UnreadableDocument, type ExtractedText, type FormatLimits } from './types.js';

/** Title and creation date from docProps/core.xml (Dublin Core), when the document has them. */
function coreProperties(bytes: Uint8Array): { title?: string; date?: string } {
  const xml = readZipEntry(bytes, 'docProps/core.xml');
  if (!xml) return {};
  const doc = parseDocument(new TextDecoder().decode(xml), { xmlMode: true });
  const text = (name: string) => {
    const el = DomUtils.findOne((e) => e.name === name, doc.children, true);
    return el ? DomUtils.textContent(el) : undefined;
  };
  return { title: cleanTitle(text('dc:title')), date: isoDate(text('dcterms:created')) };
}

/** The document's text through mammoth (what LangChain's DocxLoader uses), paragraphs separated by blank lines. */
export async function readDocx(bytes: Uint8Array, limits: FormatLimits): Promise<ExtractedText> {
  const names = checkZip(bytes, limits.maxExpandedBytes, 'DOCX');
  if (!names.includes('word/document.xml')) throw new UnreadableDocument('corrupt DOCX (no word/document.xml: not a Word document)');
  let raw: string;
  try {
    raw = (await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
  } catch (error) {
    throw new UnreadableDocument(`corrupt DOCX (${String((error as Error).message).split('\n', 1)[0].slice(0, 120)})`);
  }
  // mammoth ends every paragraph with "\n\n"; trailing space is not citable.
  const content = raw.replace(/\s+$/, '');
  if (!content.trim()) throw new UnreadableDocument('no text in the DOCX');
  let meta: { title?: string; date?: string } = {};
  try {
    meta = coreProperties(bytes);
  } catch {
    // Unreadable properties are not worth refusing the text for.
  }
  return { content, ...meta };
}
