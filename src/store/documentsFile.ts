import type { IndexedDocument } from '../chunk/chunker.js';
import type { Span } from '../text/sentences.js';
import { TimeSlice } from '../util/timeSlice.js';

/**
 * `documents.bin`: the briefing's text as the store keeps it, laid out to be loaded with little work and little
 * garbage. Decoding one JSON line per document made three copies of the text (the line, the parsed string, the
 * spans) in V8's young generation, which copied the survivors again: ~20 ms and a good share of the GC of a
 * 10k-chunk load. Here the text of many documents is decoded as one large string (allocated outside the young
 * generation) and each document's content is a slice of it; sentence offsets are one Int32Array.
 *
 *   "BBDC", format (uint32 LE), header length (uint32 LE), header (UTF-8 JSON), padding to 4 bytes,
 *   sentence offsets (int32 LE pairs, every document's in order), Latin-1 text, UTF-8 text.
 *
 * The header lists each document's metadata (every field its reader attached, as it came), its sentence count,
 * its length in UTF-16 units (`chars`) and in bytes, and where its text is: `latin1` (one byte per character: most
 * English and Indonesian text, accents included), `utf8` (the rest), or, for the rare text that is not valid
 * Unicode (a lone surrogate from a PDF), `json`: in the header itself, as JSON escapes it. Each kind's text is
 * the documents' texts back to back, in document order.
 */
const MAGIC = 'BBDC';
const FORMAT = 1;
/** Texts are decoded in pieces of about this many bytes, at document boundaries. */
const PIECE_BYTES = 1 << 20;

type TextKind = 'latin1' | 'utf8' | 'json';
/**
 * A document in the header: `metadata` is every field but the text and sentences, and becomes the document
 * itself at load (its text and sentences added to it), without copying its fields into a new object.
 */
type HeaderDocument = { metadata: Omit<IndexedDocument, 'content' | 'sentences'>; sentences: number; chars: number; bytes: number; text: TextKind; content?: string };
interface Header {
  documents: HeaderDocument[];
  latin1Bytes: number;
  utf8Bytes: number;
}

const LATIN1 = /^[\u0000-\u00ff]*$/;
/** A surrogate without its pair: UTF-8 cannot hold it (it would come back as U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textKind(content: string): TextKind {
  if (LATIN1.test(content)) return 'latin1';
  return LONE_SURROGATE.test(content) ? 'json' : 'utf8';
}

export function encodeDocumentsFile(documents: IndexedDocument[]): Buffer {
  const latin1: string[] = [];
  const utf8: string[] = [];
  const spans = new Int32Array(2 * documents.reduce((sum, d) => sum + d.sentences.length, 0));
  let at = 0;
  const entries = documents.map(({ content, sentences, ...metadata }): HeaderDocument => {
    for (const s of sentences) {
      spans[at++] = s.start;
      spans[at++] = s.end;
    }
    const text = textKind(content);
    const bytes = text === 'latin1' ? content.length : text === 'utf8' ? Buffer.byteLength(content, 'utf8') : 0;
    if (text === 'latin1') latin1.push(content);
    else if (text === 'utf8') utf8.push(content);
    return { metadata, sentences: sentences.length, chars: content.length, bytes, text, ...(text === 'json' ? { content } : {}) };
  });
  const latin1Text = Buffer.from(latin1.join(''), 'latin1');
  const utf8Text = Buffer.from(utf8.join(''), 'utf8');
  const header = Buffer.from(JSON.stringify({ documents: entries, latin1Bytes: latin1Text.byteLength, utf8Bytes: utf8Text.byteLength } satisfies Header), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(header.byteLength, 8);
  const padding = Buffer.alloc((4 - ((12 + header.byteLength) % 4)) % 4);
  const spanBytes = littleEndian(Buffer.from(spans.buffer, spans.byteOffset, spans.byteLength));
  return Buffer.concat([head, header, padding, spanBytes, latin1Text, utf8Text]);
}

const bigEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 0;
/** The file is little-endian whatever the machine: int32s are swapped in place on a big-endian one. */
function littleEndian(int32s: Buffer): Buffer {
  return bigEndianHost ? int32s.swap32() : int32s;
}

function malformed(): Error {
  return new Error('documents are malformed');
}

function isHeaderDocument(d: HeaderDocument): boolean {
  return (
    typeof d?.metadata?.source === 'string' &&
    typeof d.metadata.title === 'string' &&
    !('content' in d.metadata) &&
    !('sentences' in d.metadata) &&
    Number.isInteger(d.sentences) && d.sentences >= 0 &&
    Number.isInteger(d.chars) && d.chars >= 0 &&
    Number.isInteger(d.bytes) && d.bytes >= 0 &&
    (d.text === 'latin1' ? d.bytes === d.chars : d.text === 'utf8' || (d.text === 'json' && typeof d.content === 'string' && d.content.length === d.chars))
  );
}

/**
 * The documents of a `documents.bin`, decoded a few at a time between turns of the event loop; throws on
 * anything that does not add up (the file's checksum has passed by then: this guards against a bad encoder).
 */
export async function decodeDocumentsFile(bytes: Uint8Array, signal?: AbortSignal): Promise<IndexedDocument[]> {
  signal?.throwIfAborted();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.byteLength < 12 || buffer.toString('latin1', 0, 4) !== MAGIC || buffer.readUInt32LE(4) !== FORMAT) throw malformed();
  const headerEnd = 12 + buffer.readUInt32LE(8);
  if (headerEnd > buffer.byteLength) throw malformed();
  let header: Header;
  try {
    header = JSON.parse(buffer.toString('utf8', 12, headerEnd)) as Header;
  } catch {
    throw malformed();
  }
  const entries = header?.documents;
  if (!Array.isArray(entries) || !entries.every(isHeaderDocument)) throw malformed();
  const spanCount = entries.reduce((sum, d) => sum + d.sentences, 0);
  const spanStart = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const latin1Start = spanStart + 8 * spanCount;
  const utf8Start = latin1Start + header.latin1Bytes;
  const sum = (kind: TextKind) => entries.reduce((total, d) => total + (d.text === kind ? d.bytes : 0), 0);
  if (sum('latin1') !== header.latin1Bytes || sum('utf8') !== header.utf8Bytes || utf8Start + header.utf8Bytes !== buffer.byteLength) throw malformed();
  const spans = new Int32Array(2 * spanCount);
  const spanBytes = Buffer.from(spans.buffer);
  spanBytes.set(buffer.subarray(spanStart, latin1Start));
  littleEndian(spanBytes);

  const latin1 = new TextPieces(buffer, latin1Start, 'latin1', entries);
  const utf8 = new TextPieces(buffer, utf8Start, 'utf8', entries);
  const documents: IndexedDocument[] = new Array<IndexedDocument>(entries.length);
  const slice = new TimeSlice();
  let span = 0;
  for (let i = 0; i < entries.length; i++) {
    const { sentences: count, chars, text, content: inHeader, metadata } = entries[i];
    const content = text === 'json' ? inHeader! : (text === 'latin1' ? latin1 : utf8).next(i);
    const sentences: Span[] = new Array<Span>(count);
    for (let j = 0; j < count; j++, span += 2) {
      const start = spans[span];
      const end = spans[span + 1];
      if (!(start >= 0 && start <= end && end <= chars)) throw malformed();
      sentences[j] = { start, end };
    }
    const document = metadata as IndexedDocument;
    document.content = content;
    document.sentences = sentences;
    documents[i] = document;
    if (slice.due()) {
      await slice.pause();
      signal?.throwIfAborted();
    }
  }
  return documents;
}

/**
 * One kind of text (Latin-1 or UTF-8), handed out a document at a time: decoded a piece of ~1 MiB at a time
 * (whole documents), each document's content a slice of its piece's string.
 */
class TextPieces {
  private piece = '';
  private at = 0;
  private byte: number;
  /** The documents of this kind, by index, not yet decoded. */
  private readonly order: number[];
  private nextInOrder = 0;

  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly kind: 'latin1' | 'utf8',
    private readonly entries: HeaderDocument[],
  ) {
    this.byte = start;
    this.order = entries.flatMap((d, i) => (d.text === kind ? [i] : []));
  }

  /** The content of document `index`, the next of this kind. */
  next(index: number): string {
    if (this.at >= this.piece.length) this.decodePiece();
    const chars = this.entries[index].chars;
    const content = this.piece.slice(this.at, this.at + chars);
    this.at += chars;
    if (content.length !== chars) throw malformed();
    return content;
  }

  private decodePiece(): void {
    let bytes = 0;
    let chars = 0;
    const first = this.nextInOrder;
    while (this.nextInOrder < this.order.length && (this.nextInOrder === first || bytes < PIECE_BYTES)) {
      const d = this.entries[this.order[this.nextInOrder++]];
      bytes += d.bytes;
      chars += d.chars;
    }
    this.piece = this.buffer.toString(this.kind, this.byte, this.byte + bytes);
    this.byte += bytes;
    this.at = 0;
    // A UTF-8 text whose stated lengths do not match what it decodes to was not written by this encoder.
    if (this.piece.length !== chars) throw malformed();
  }
}
