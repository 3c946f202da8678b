import type { Chunk, IndexedDocument } from '../chunk/chunker.js';
import { words } from '../text/tokenize.js';

/** A sentence that may go into a summary, with where it comes from. */
export interface CandidateSentence {
  source: string;
  start: number;
  end: number;
  text: string;
  /** Position among the document's candidates (source order). */
  position: number;
  chunkId: string;
}

/** Sentences shorter than this many words are headers, captions or fragments, not statements. */
const MIN_WORDS = 6;
/** Without closing punctuation a line must be this long to count as prose (headlines, "date … Photo: …"). */
const MIN_WORDS_UNPUNCTUATED = 12;
const ENDS_LIKE_SENTENCE = /[.!?…。！？]["'”’)\]»]*$/u;

/** Is this a statement worth summarising, rather than a header line, a caption or a list fragment? */
export function isProse(text: string): boolean {
  const count = words(text).length;
  if (count < MIN_WORDS) return false;
  return ENDS_LIKE_SENTENCE.test(text.trim()) || count >= MIN_WORDS_UNPUNCTUATED;
}

/** The chunk that holds a sentence whole (the first, when chunks overlap). */
function chunkFor(chunks: Chunk[], start: number, end: number): string {
  for (const chunk of chunks) if (chunk.start <= start && end <= chunk.end) return chunk.id;
  return chunks[0]?.id ?? '';
}

/**
 * A document's summarisable sentences in source order, at most `cap` of them. Past the cap the first sentences
 * win: news puts what matters first, and the cap is what keeps the per-document graph work bounded.
 */
export function documentCandidates(doc: IndexedDocument, chunks: Chunk[], cap: number): CandidateSentence[] {
  const out: CandidateSentence[] = [];
  for (const span of doc.sentences) {
    if (out.length >= cap) break;
    const text = doc.content.slice(span.start, span.end);
    if (!isProse(text)) continue;
    out.push({ source: doc.source, start: span.start, end: span.end, text, position: out.length, chunkId: chunkFor(chunks, span.start, span.end) });
  }
  return out;
}

/** Candidate sentences inside the given chunks (for a topic), deduplicated across overlapping chunks. */
export function chunkCandidates(doc: IndexedDocument, chunks: Chunk[], cap: number): CandidateSentence[] {
  const seen = new Set<number>();
  const spans = chunks
    .flatMap((chunk) => chunk.sentences.map((span) => ({ span, chunkId: chunk.id })))
    .filter(({ span }) => (seen.has(span.start) ? false : (seen.add(span.start), true)))
    .sort((a, b) => a.span.start - b.span.start);
  const out: CandidateSentence[] = [];
  for (const { span, chunkId } of spans) {
    if (out.length >= cap) break;
    const text = doc.content.slice(span.start, span.end);
    if (!isProse(text)) continue;
    out.push({ source: doc.source, start: span.start, end: span.end, text, position: out.length, chunkId });
  }
  return out;
}
