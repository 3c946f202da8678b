import { createHash } from 'node:crypto';
import { splitSentences, type Span } from '../text/sentences.js';

/**
 * A document ready for indexing: its text and where its sentences are. Any other metadata the reader attached
 * rides along and is stored with it (see `store/generationFiles.ts`).
 */
export interface IndexedDocument {
  source: string;
  title: string;
  date?: string;
  photo?: string;
  url?: string;
  /** Offset of the first character after front matter, when the reader found some. */
  bodyStart?: number;
  content: string;
  sentences: Span[];
  /** PDFs: offset in `content` where each page starts, so a citation can name its page. */
  pageStarts?: number[];
}

export interface Chunk {
  id: string;
  source: string;
  title: string;
  date?: string;
  /** `[start, end)` into the document's content; `content.slice(start, end) === text`. */
  start: number;
  end: number;
  text: string;
  sentences: Span[];
  /** Position of the chunk in its document, from 0. */
  ordinal: number;
}

export interface ChunkingOptions {
  targetChars: number;
  overlapSentences: number;
}

export function segmentDocument<T extends { content: string; bodyStart?: number }>(doc: T): T & { sentences: Span[] } {
  return { ...doc, sentences: splitSentences(doc.content, doc.bodyStart ?? 0) };
}

/** Stable across rebuilds as long as the document and its chunk boundaries are the same. */
export function chunkId(source: string, start: number, end: number): string {
  return `c${createHash('sha256').update(`${source}\u0000${start}\u0000${end}`).digest('hex').slice(0, 12)}`;
}

/**
 * The chunk of `doc` made of its sentences `first`…`last` (inclusive), the `ordinal`-th of the document; `id` when
 * already known (a store being loaded), else computed.
 */
export function chunkOfSentences(doc: IndexedDocument, first: number, last: number, ordinal: number, id?: string): Chunk {
  const start = doc.sentences[first].start;
  const end = doc.sentences[last].end;
  return {
    id: id ?? chunkId(doc.source, start, end),
    source: doc.source,
    title: doc.title,
    date: doc.date,
    start,
    end,
    text: doc.content.slice(start, end),
    sentences: doc.sentences.slice(first, last + 1),
    ordinal,
  };
}

/**
 * Packs whole sentences into chunks of about `targetChars`, repeating the last `overlapSentences` sentences of
 * a chunk at the start of the next, so a passage that straddles a boundary is still found whole.
 * A sentence is never cut; one longer than the target is a chunk of its own.
 */
export function chunkDocument(doc: IndexedDocument, options: ChunkingOptions): Chunk[] {
  const { sentences } = doc;
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    while (
      last + 1 < sentences.length &&
      sentences[last + 1].end - sentences[first].start <= options.targetChars
    ) {
      last++;
    }
    chunks.push(chunkOfSentences(doc, first, last, chunks.length));
    if (last + 1 >= sentences.length) break;
    // Overlap, but always move forward by at least one sentence.
    first = Math.max(first + 1, last + 1 - options.overlapSentences);
  }
  return chunks;
}
