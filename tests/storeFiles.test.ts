import { describe, expect, it } from 'vitest';
import { chunkDocument, segmentDocument, type IndexedDocument } from '../src/chunk/chunker.js';
import { decodeDocumentsFile, encodeDocumentsFile } from '../src/store/documentsFile.js';
import { decodeChunks, encodeChunks } from '../src/store/generationFiles.js';

/**
 * A generation keeps each document's text once, with whatever metadata its reader attached, and chunks as offsets
 * into it: what is saved comes back the same, and offsets that do not fit are refused, never sliced blindly.
 */
const CONTENT = 'Halaman satu. Kalimat kedua di halaman satu.\fHalaman dua dimulai di sini. Kalimat terakhir.';

function pdfLike(): IndexedDocument {
  const doc = segmentDocument({ source: 'seeds/laporan.pdf', title: 'Laporan', date: '2020-01', content: CONTENT, bodyStart: 0, pageStarts: [0, CONTENT.indexOf('Halaman dua')], format: 'pdf' });
  return doc as IndexedDocument;
}

describe('generation files', () => {
  it('keep every document field (page starts, format, …) and the chunks, text sliced from the document', async () => {
    const doc = pdfLike();
    const chunks = chunkDocument(doc, { targetChars: 50, overlapSentences: 1 });
    const labels = Int32Array.from(chunks, (_, i) => i * 3);
    const documents = await decodeDocumentsFile(encodeDocumentsFile([doc]));
    expect(documents).toEqual([doc]);
    const decoded = decodeChunks(encodeChunks(chunks, [doc], labels), documents);
    expect(decoded.chunks).toEqual(chunks);
    expect([...decoded.pointOf]).toEqual([...labels]);
  });

  it('refuse a chunk whose text is not its document between its offsets, at build', () => {
    const doc = pdfLike();
    const [chunk] = chunkDocument(doc, { targetChars: 50, overlapSentences: 0 });
    expect(() => encodeChunks([{ ...chunk, text: `${chunk.text}!` }], [doc], new Int32Array(1))).toThrow(/does not match its document/);
  });

  it('refuse offsets outside the document, at load', () => {
    const doc = pdfLike();
    const chunks = chunkDocument(doc, { targetChars: 50, overlapSentences: 0 });
    const table = JSON.parse(encodeChunks(chunks, [doc], new Int32Array(chunks.length))) as { end: number[] };
    table.end[0] = CONTENT.length + 5;
    expect(() => decodeChunks(JSON.stringify(table), [doc])).toThrow(/out of range/);
  });
});
