import { isStopword } from './stopwords.js';

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

const PARTICLES = /(lah|kah|tah|pun)$/;
const POSSESSIVES = /(ku|mu|nya)$/;
const DERIVATIONAL = /(kan|an)$/;
const PREFIXES = /^(meng|meny|mem|men|me|peng|peny|pem|pen|per|pe|di|ter|ber|be|ke|se)/;
const MIN_STEM = 4;

function stripSuffix(word: string, pattern: RegExp): string {
  const m = pattern.exec(word);
  if (!m) return word;
  const stem = word.slice(0, word.length - m[0].length);
  return stem.length >= MIN_STEM ? stem : word;
}

/**
 * A light, dictionary-free stemmer: Indonesian affixes (particles, possessives, -kan/-an, the common prefixes)
 * and the English plural/-ing/-ed endings. Both sides of every comparison go through it, so a "wrong" stem
 * only costs a rare collision, while "perundingan"/"berunding" and "talks"/"talk" meet.
 */
export function stem(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let w = word;
  w = stripSuffix(w, PARTICLES);
  w = stripSuffix(w, POSSESSIVES);
  w = stripSuffix(w, DERIVATIONAL);
  const prefix = PREFIXES.exec(w);
  if (prefix && w.length - prefix[0].length >= MIN_STEM) w = w.slice(prefix[0].length);
  if (w === word) {
    // Not Indonesian-looking: English inflections.
    if (w.endsWith('ies') && w.length > 5) w = `${w.slice(0, -3)}y`;
    else if (w.endsWith('ing') && w.length - 3 >= MIN_STEM) w = w.slice(0, -3);
    else if (w.endsWith('ed') && w.length - 2 >= MIN_STEM) w = w.slice(0, -2);
    else if (w.endsWith('s') && !w.endsWith('ss') && w.length - 1 >= MIN_STEM) w = w.slice(0, -1);
  }
  return w;
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
