import { stem } from './stem.js';
import { isStopword } from './stopwords.js';

export { stem };

/**
 * Tokenisation shared by the lexical index, the hashing embedder and answer scoring, so that all three agree
 * on what a "term" is. Unicode-aware: letters and digits of any script; case and accents folded.
 */
const WORD = /[\p{L}\p{N}]+/gu;

export function normalize(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Lower-cased words, accents removed, in order. */
export function words(text: string): string[] {
  return normalize(text).match(WORD) ?? [];
}

/** Stemmed words: the terms of the lexical index. */
export function terms(text: string): string[] {
  return words(text).map(stem);
}

/** Stemmed words without function words: what a question is about. */
export function keyTerms(text: string): string[] {
  return words(text).filter((w) => !isStopword(w)).map(stem);
}

/**
 * The terms a search query is scored on: its key terms, or all its terms when it has nothing but function
 * words ("siapa dia?"), so such a query still finds something.
 */
export function queryTerms(text: string): string[] {
  const keys = keyTerms(text);
  return keys.length ? keys : terms(text);
}

/** Character n-grams of each word, with word-boundary markers ("<kang>" → "<kan", "kang", "ang>"). */
export function charNgrams(text: string, n: number): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const padded = `<${w}>`;
    if (padded.length <= n) {
      out.push(padded);
      continue;
    }
    for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
  }
  return out;
}
