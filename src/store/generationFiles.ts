import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { chunkId, chunkOfSentences, type Chunk, type IndexedDocument } from '../chunk/chunker.js';
import type { HashingIdf } from '../embed/hashingEmbeddings.js';
import type { Span } from '../text/sentences.js';
import { TimeSlice } from '../util/timeSlice.js';

/**
 * The files of one store generation, and how the briefing is encoded in them. The text is kept once: each
 * document's extracted content (the text the store was built from, so loading never re-reads or re-parses the
 * seed files), with its sentences as offsets (`documentsFile.ts`); chunks are offsets into their document, and
 * their text is sliced from it at load. Offsets are checked when the generation is built; at load the file
 * checksums stand for them.
 */
export const FILES = {
  manifest: 'manifest.json',
  index: 'hnswlib.index',
  documents: 'documents.bin',
  chunks: 'chunks.json',
  idf: 'idf.bin',
  lexical: 'lexical.bin',
} as const;

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
  const decoder = chunkDecoder(json, documents);
  decoder.decode(decoder.count);
  return decoder.result;
}

/** `decodeChunks`, a slice at a time between turns of the event loop. */
export async function decodeChunksSliced(json: string, documents: IndexedDocument[], signal?: AbortSignal): Promise<{ chunks: Chunk[]; pointOf: Int32Array }> {
  signal?.throwIfAborted();
  const decoder = chunkDecoder(json, documents);
  const slice = new TimeSlice();
  while (decoder.decode(256)) {
    if (slice.due()) {
      await slice.pause();
      signal?.throwIfAborted();
    }
  }
  return decoder.result;
}

/** Decodes the chunk table a few rows per `decode(rows)` call (false once all are done). */
function chunkDecoder(json: string, documents: IndexedDocument[]) {
  const t = JSON.parse(json) as ChunkTable;
  const n = t?.ids?.length;
  const columns = [t?.doc, t?.start, t?.end, t?.firstSentence, t?.sentenceCount, t?.label];
  if (!Array.isArray(t?.ids) || columns.some((col) => !Array.isArray(col) || col.length !== n)) throw new Error('chunk list is malformed');
  const chunks: Chunk[] = new Array<Chunk>(n);
  const pointOf = new Int32Array(n);
  const ordinals = new Int32Array(documents.length);
  let i = 0;
  return {
    count: n,
    result: { chunks, pointOf },
    decode(rows: number): boolean {
      for (const stop = Math.min(n, i + rows); i < stop; i++) {
        const d = t.doc[i];
        const doc = documents[d];
        const start = t.start[i];
        const end = t.end[i];
        const first = t.firstSentence[i];
        const count = t.sentenceCount[i];
        const label = t.label[i];
        if (
          !doc || !Number.isInteger(d) || !(start >= 0 && start < end && end <= doc.content.length) ||
          !(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count > 0 && first + count <= doc.sentences.length) ||
          !(Number.isInteger(label) && label >= 0 && label <= 0x7fffffff) || typeof t.ids[i] !== 'string'
        ) {
          throw new Error(`chunk ${i} is out of range`);
        }
        const chunk = chunkOfSentences(doc, first, first + count - 1, ordinals[d]++, t.ids[i]);
        if (chunk.start !== start || chunk.end !== end) throw new Error(`chunk ${i} does not match its sentences`);
        chunks[i] = chunk;
        pointOf[i] = label;
      }
      return i < n;
    },
  };
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

/** The hashing embedder's document frequencies: `BBDF`, the document count (uint32 LE), the deflated table. */
export async function encodeIdf(idf: HashingIdf): Promise<Buffer> {
  const head = Buffer.alloc(8);
  head.write(IDF_MAGIC, 0, 'latin1');
  head.writeUInt32LE(idf.documents, 4);
  // Mostly zeros on a small briefing: 1 MiB raw, a few KiB to a few hundred deflated.
  return Buffer.concat([head, await deflate(Buffer.from(idf.df.buffer, idf.df.byteOffset, idf.df.byteLength))]);
}

/**
 * Inflated here, in one pass into one buffer of the table's size (~2 ms for 1 MiB): zlib's asynchronous
 * inflate waited its turn in libuv's thread pool behind hnswlib's read of the index and came back in 16 KiB
 * pieces, one callback each — 30–60 ms of a 10k-chunk load. A table that would inflate larger is refused.
 */
export async function decodeIdf(bytes: Buffer, buckets: number): Promise<HashingIdf> {
  if (bytes.byteLength < 8 || bytes.toString('latin1', 0, 4) !== IDF_MAGIC) throw new Error('idf table is malformed');
  let raw: Buffer;
  try {
    raw = zlib.inflateRawSync(bytes.subarray(8), { chunkSize: buckets * 4, maxOutputLength: buckets * 4 });
  } catch {
    throw new Error('idf table is malformed or has the wrong size');
  }
  if (raw.byteLength !== buckets * 4) throw new Error('idf table has the wrong size');
  const df = new Uint32Array(buckets);
  new Uint8Array(df.buffer).set(raw);
  return { documents: bytes.readUInt32LE(4), df };
}
