import type { Citation } from './types.js';

/** A sentence the answer uses, before it is numbered. */
export type CitedSentence = Omit<Citation, 'n'>;

/**
 * Numbers cited sentences from 1 in order of first use; the same sentence used twice keeps its number.
 * Returns the citations and each input's number.
 */
export function numberCitations(used: CitedSentence[]): { citations: Citation[]; numbers: number[] } {
  const citations: Citation[] = [];
  const byKey = new Map<string, number>();
  const numbers = used.map((s) => {
    const key = `${s.source}\u0000${s.start}\u0000${s.end}`;
    let n = byKey.get(key);
    if (n === undefined) {
      n = citations.length + 1;
      byKey.set(key, n);
      citations.push({ n, source: s.source, start: s.start, end: s.end, quote: s.quote, chunkId: s.chunkId, score: round(s.score) });
    }
    return n;
  });
  return { citations, numbers };
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
