import { stem, words } from '../text/tokenize.js';
import { EN_ID_LEXICON, ID_SYNONYMS } from './bilingualLexicon.js';

/** The parsed bilingual lexicon: English key (words joined by a space, raw or stemmed) → Indonesian phrases. */
export interface Lexicon {
  translations: Map<string, string[][]>;
  /** Longest key, in words. */
  maxWords: number;
}

function parse(text: string): Lexicon {
  const translations = new Map<string, string[][]>();
  let maxWords = 1;
  for (const line of text.split('\n')) {
    const [left, right] = line.split('=');
    if (!left?.trim() || !right?.trim()) continue;
    const phrases = right.split(';').map((p) => words(p)).filter((p) => p.length > 0);
    for (const key of left.split(',')) {
      const keyWords = words(key);
      if (keyWords.length === 0) continue;
      maxWords = Math.max(maxWords, keyWords.length);
      for (const k of new Set([keyWords.join(' '), keyWords.map(stem).join(' ')])) {
        const list = translations.get(k) ?? [];
        for (const p of phrases) if (!list.some((q) => q.join(' ') === p.join(' '))) list.push(p);
        translations.set(k, list);
      }
    }
  }
  return { translations, maxWords };
}

export const LEXICON: Lexicon = parse(EN_ID_LEXICON);
export const SYNONYMS: Lexicon = parse(ID_SYNONYMS);

/** Indonesian phrases (as word lists) for a word sequence, or undefined. */
export function translate(sequence: string[], lexicon: Lexicon = LEXICON): string[][] | undefined {
  return lexicon.translations.get(sequence.join(' ')) ?? lexicon.translations.get(sequence.map(stem).join(' '));
}
