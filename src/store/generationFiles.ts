import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { chunkId, chunkOfSentences, type Chunk, type IndexedDocument } from '../chunk/chunker.js';
import type { HashingIdf } from '../embed/hashingEmbeddings.js';
import type { Span } from '../text/sentences.js';

/**
 * The files of one store generation, and how the briefing is encoded in them. The text is kept once: each
 * document's extracted content (the text the store was built from, so loading never re-reads or re-parses the
 * seed files), with its sentences as offsets; chunks are offsets into their document, and their text is sliced
 * from it at load. Offsets are checked when the generation is built; at load the file checksums stand for them.
 */
export const FILES = {
  manifest: 'manifest.json',
  index: 'hnswlib.index',
  documents: 'documents.json',
  chunks: 'chunks.json',
  idf: 'idf.bin',
  lexical: 'lexical.bin',
} as const;

/** A document as stored: every metadata field as it came (PDF page starts, …), sentences as flat offset pairs. */
type StoredDocument = Omit<IndexedDocument, 'sentences'> & { sentences: number[] };

/** Chunks as columns: the document, offsets, sentence range and HNSW label of each. */
interface ChunkTable {
  ids: string[];
  doc: number[];
  start: number[];
  end: number[];
  firstSentence: number[];
  sentenceCount: number[];
  label: number[];
}

export function encodeDocuments(documents: IndexedDocument[]): string {
  const stored: StoredDocument[] = documents.map((d) => ({ ...d, sentences: d.sentences.flatMap((s) => [s.start, s.end]) }));
  return JSON.stringify(stored);
}

export function decodeDocuments(json: string): IndexedDocument[] {
  const stored = JSON.parse(json) as StoredDocument[];
  if (!Array.isArray(stored)) throw new Error('documents are malformed');
  return stored.map((d) => {
    if (typeof d?.source !== 'string' || typeof d.content !== 'string' || !Array.isArray(d.sentences) || d.sentences.length % 2) {
      throw new Error('documents are malformed');
    }
    const sentences: Span[] = [];
    for (let i = 0; i < d.sentences.length; i += 2) sentences.push({ start: d.sentences[i], end: d.sentences[i + 1] });
    return { ...d, sentences };
  });
}

/**
 * Encodes the chunks as offsets into `documents`. Checks, at build time, that each chunk is exactly its
 * document's text between its offsets and that its sentences are the document's own.
 */
export function encodeChunks(chunks: Chunk[], documents: IndexedDocument[], pointOf: Int32Array): string {
  const docIndex = new Map(documents.map((d, i) => [d.source, i]));
  const table: ChunkTable = { ids: [], doc: [], start: [], end: [], firstSentence: [], sentenceCount: [], label: [] };
  chunks.forEach((c, i) => {
    const d = docIndex.get(c.source);
    if (d === undefined) throw new Error(`chunk ${c.id} has no document`);
    const doc = documents[d];
    const first = sentenceAt(doc.sentences, c.sentences[0]?.start ?? -1);
    const same = first >= 0 && c.sentences.every((s, j) => doc.sentences[first + j]?.start === s.start && doc.sentences[first + j]?.end === s.end);
    if (!same || doc.content.slice(c.start, c.end) !== c.text) throw new Error(`chunk ${c.id} does not match its document`);
    table.ids.push(c.id);
    table.doc.push(d);
    table.start.push(c.start);
    table.end.push(c.end);
    table.firstSentence.push(first);
    table.sentenceCount.push(c.sentences.length);
    table.label.push(pointOf[i]);
  });
  return JSON.stringify(table);
}

/** Index of the sentence starting at `start` (sentences are in order), or -1. */
function sentenceAt(sentences: Span[], start: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sentences[mid].start === start) return mid;
    if (sentences[mid].start < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The chunks back, their text sliced from the documents; throws on anything out of range. */
export function decodeChunks(json: string, documents: IndexedDocument[]): { chunks: Chunk[]; pointOf: Int32Array } {
  const t = JSON.parse(json) as ChunkTable;
  const n = t?.ids?.length;
  const columns = [t?.doc, t?.start, t?.end, t?.firstSentence, t?.sentenceCount, t?.label];
  if (!Array.isArray(t?.ids) || columns.some((col) => !Array.isArray(col) || col.length !== n)) throw new Error('chunk list is malformed');
  const chunks: Chunk[] = new Array<Chunk>(n);
  const pointOf = new Int32Array(n);
  const ordinals = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const doc = documents[t.doc[i]];
    const [start, end, first, count, label] = [t.start[i], t.end[i], t.firstSentence[i], t.sentenceCount[i], t.label[i]];
    if (!doc || !(start >= 0 && start < end && end <= doc.content.length) || !(first >= 0 && count > 0 && first + count <= doc.sentences.length) || !(label >= 0)) {
      throw new Error(`chunk ${i} is out of range`);
    }
    const ordinal = ordinals.get(t.doc[i]) ?? 0;
    ordinals.set(t.doc[i], ordinal + 1);
    chunks[i] = chunkOfSentences(doc, first, first + count - 1, ordinal, t.ids[i]);
    if (chunks[i].start !== start || chunks[i].end !== end) throw new Error(`chunk ${i} does not match its sentences`);
    pointOf[i] = label;
  }
  return { chunks, pointOf };
}

/** Checks stored chunk ids against their offsets (a cheap spot check: ids are hashes of source and offsets). */
export function chunkIdsMatch(chunks: Chunk[], sample = 16): boolean {
  const step = Math.max(1, Math.floor(chunks.length / sample));
  for (let i = 0; i < chunks.length; i += step) {
    const c = chunks[i];
    if (chunkId(c.source, c.start, c.end) !== c.id) return false;
  }
  return true;
}

const IDF_MAGIC = 'BBDF';
const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

/** The hashing embedder's document frequencies: `BBDF`, the document count (uint32 LE), the deflated table. */
export async function encodeIdf(idf: HashingIdf): Promise<Buffer> {
  const head = Buffer.alloc(8);
  head.write(IDF_MAGIC, 0, 'latin1');
  head.writeUInt32LE(idf.documents, 4);
  // Mostly zeros on a small briefing: 1 MiB raw, a few KiB to a few hundred deflated.
  return Buffer.concat([head, await deflate(Buffer.from(idf.df.buffer, idf.df.byteOffset, idf.df.byteLength))]);
}

export async function decodeIdf(bytes: Buffer, buckets: number): Promise<HashingIdf> {
  if (bytes.byteLength < 8 || bytes.toString('latin1', 0, 4) !== IDF_MAGIC) throw new Error('idf table is malformed');
  const raw = await inflate(bytes.subarray(8));
  if (raw.byteLength !== buckets * 4) throw new Error('idf table has the wrong size');
  const df = new Uint32Array(buckets);
  new Uint8Array(df.buffer).set(raw);
  return { documents: bytes.readUInt32LE(4), df };
}
