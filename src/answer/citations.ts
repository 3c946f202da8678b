import type { Citation } from './types.js';

/** A sentence the answer uses, before it is numbered. */
export type CitedSentence = Omit<Citation, 'n'>;

/**
 * Numbers cited sentences from 1 in order of first use; the same sentence cited again keeps its number.
 * Incremental, so a renderer can cite as it writes (summaries) as well as all at once (answers).
 */
export class CitationNumbering {
  readonly citations: Citation[] = [];
  private readonly byKey = new Map<string, number>();

  cite(s: CitedSentence): number {
    const key = `${s.source}\u0000${s.start}\u0000${s.end}`;
    let n = this.byKey.get(key);
    if (n === undefined) {
      n = this.citations.length + 1;
      this.byKey.set(key, n);
      this.citations.push({ n, source: s.source, start: s.start, end: s.end, quote: s.quote, chunkId: s.chunkId, score: round(s.score) });
    }
    return n;
  }
}

/** Numbers all `used` sentences at once: the citations and each input's number. */
export function numberCitations(used: CitedSentence[]): { citations: Citation[]; numbers: number[] } {
  const numbering = new CitationNumbering();
  const numbers = used.map((s) => numbering.cite(s));
  return { citations: numbering.citations, numbers };
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
