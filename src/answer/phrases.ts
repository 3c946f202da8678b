import type { Language } from '../text/language.js';

/** Everything the bot itself says about answers, in both languages. The question's language picks one. */
export const PHRASES = {
  abstain: {
    en: "The briefing doesn't say: nothing in it answers this question.",
    id: 'Briefing ini tidak menyebutkan hal itu: tidak ada bagian yang menjawab pertanyaan ini.',
  },
  closestHeading: {
    en: 'Closest passages (not an answer):',
    id: 'Bagian terdekat (bukan jawaban):',
  },
  sourcesHeading: { en: 'Sources:', id: 'Sumber:' },
  shortAnswer: { en: 'In short:', id: 'Singkatnya:' },
  notInBriefing: { en: 'Not in the briefing', id: 'Tidak ada di briefing' },
  closestPassage: { en: 'Closest passage (not an answer)', id: 'Bagian terdekat (bukan jawaban)' },
  searchHint: {
    en: 'Try `/search` to look through the raw passages yourself.',
    id: 'Coba `/search` untuk menelusuri bagian-bagian briefing sendiri.',
  },
  llmFallback: {
    en: (reason: string) => `The language model failed (${reason}); this is the extractive answer instead.`,
    id: (reason: string) => `Model bahasa gagal (${reason}); ini jawaban ekstraktif sebagai gantinya.`,
  },
  llmUncited: {
    en: 'The language model gave an answer without valid citations; this is the extractive answer instead.',
    id: 'Model bahasa menjawab tanpa kutipan yang sah; ini jawaban ekstraktif sebagai gantinya.',
  },
} as const;

type SimplePhrase = 'abstain' | 'closestHeading' | 'sourcesHeading' | 'llmUncited' | 'shortAnswer' | 'notInBriefing' | 'closestPassage' | 'searchHint';

export function phrase(key: SimplePhrase, language: Language): string {
  return PHRASES[key][language];
}
