import type { Language } from '../text/language.js';
import { isStopword } from '../text/stopwords.js';
import { stem, words } from '../text/tokenize.js';
import { LEXICON, SYNONYMS, translate } from './lexicon.js';

/**
 * What a question asks about, as groups of interchangeable terms: a group is "present" in a sentence when all
 * stems of any one alternative are. An English word with a lexicon entry gets its Indonesian translations as
 * alternatives, so "When did the ministers meet?" can match "pertemuan … Menteri".
 */
export interface TermGroup {
  label: string;
  alternatives: string[][];
  /** Lexicon translations as plain words (the English word itself may not appear in an Indonesian text). */
  translations: string[];
  /** Carried over from a previous question (follow-ups): helps retrieval, not the confidence. */
  carried: boolean;
}

/** Words that shape a question without saying what it is about. */
const QUESTION_FILLER = new Set(
  `happen happened happens occur occurred take took taking place held mention mentioned mentions tell told according briefing article text document name
  named called many much long old far kind type sort exactly actually please briefly
  mean means meant meaning definition define defined dimaksud maksud pengertian arti definisi
  menurut soal mengenai terkait perihal disebutkan berlangsung artikel dokumen teks terjadi nama bernama lama jumlah jelaskan sebutkan tolong`.split(/\s+/),
);

export function isContentWord(word: string): boolean {
  return !isStopword(word) && !QUESTION_FILLER.has(word) && word.length > 1;
}

export function questionTermGroups(question: string, language: Language, carried = false): TermGroup[] {
  const content = words(question).filter(isContentWord);
  const groups: TermGroup[] = [];
  const seen = new Set<string>();
  let i = 0;
  while (i < content.length) {
    let taken = 1;
    let translations: string[][] | undefined;
    // English → Indonesian for English questions; Indonesian variants for any question.
    for (const lexicon of language === 'en' ? [LEXICON, SYNONYMS] : [SYNONYMS]) {
      for (let n = Math.min(lexicon.maxWords, content.length - i); n >= 1 && !translations; n--) {
        translations = translate(content.slice(i, i + n), lexicon);
        if (translations) taken = n;
      }
      if (translations) break;
    }
    const own = content.slice(i, i + taken);
    const alternatives = [own.map(stem), ...(translations ?? []).map((p) => p.map(stem))];
    const key = alternatives[0].join(' ');
    if (!seen.has(key)) {
      seen.add(key);
      groups.push({ label: own.join(' '), alternatives, translations: (translations ?? []).map((p) => p.join(' ')), carried });
    }
    i += taken;
  }
  return groups;
}

/** Is the group present in a sentence whose stems are `stems`? */
export function groupPresent(group: TermGroup, stems: Set<string>): boolean {
  return group.alternatives.some((alt) => alt.every((s) => stems.has(s)));
}

/** A retrieval query that carries the translations along, so the lexical index sees Indonesian words too. */
export function expandedQuery(question: string, groups: TermGroup[]): string {
  const extra = groups.flatMap((g) => g.translations);
  return extra.length ? `${question} ${extra.join(' ')}` : question;
}
