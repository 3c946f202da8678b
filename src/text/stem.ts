import { Stemmer } from 'sastrawijs';

/**
 * Word → stem, shared by the lexical index, the hashing embedder and answer scoring.
 *
 * Indonesian goes through Sastrawi (sastrawijs: the dictionary-based Nazief–Adriani stemmer with its root-word
 * dictionary), which only strips an affix when what is left is a real root: "selatan" stays "selatan" (the old
 * suffix stripper made it "selat"), "pemerintah" → "perintah", "kebijakan" → "bijak", "perundingan" and
 * "berunding" → "runding". A word Sastrawi neither knows nor can reduce (names, English) gets the English
 * plural/-ing/-ed rules. Stems are cached: a briefing repeats its words, and Sastrawi costs ~6 µs a word.
 */
const sastrawi = new Stemmer();
const MIN_LENGTH = 4;
const CACHE_MAX = 200_000;
const cache = new Map<string, string>();

function englishStem(w: string): string {
  if (w.endsWith('ies') && w.length > 5) return `${w.slice(0, -3)}y`;
  if (w.endsWith('ing') && w.length - 3 >= MIN_LENGTH) return w.slice(0, -3);
  if (w.endsWith('ed') && w.length - 2 >= MIN_LENGTH) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && w.length - 1 >= MIN_LENGTH) return w.slice(0, -1);
  return w;
}

function computeStem(word: string): string {
  if (sastrawi.find(word)) return word; // an Indonesian root word
  const root = sastrawi.stem(word);
  if (root !== word && root.length >= 3) return root;
  return englishStem(word);
}

/** `word` must already be lower-cased and accent-folded (tokenize.ts `words`). */
export function stem(word: string): string {
  if (word.length < MIN_LENGTH || /\d/.test(word)) return word;
  let out = cache.get(word);
  if (out === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    out = computeStem(word);
    cache.set(word, out);
  }
  return out;
}
