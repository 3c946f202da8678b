import type { Language } from '../text/language.js';
import { detectLanguage } from '../text/language.js';
import { words } from '../text/tokenize.js';
import { questionTermGroups, type TermGroup } from './queryTerms.js';
import type { Turn } from './types.js';

/**
 * Offline follow-ups: a short or pronoun-led question ("and what did Kang reply?", "kapan itu terjadi?") borrows
 * the key terms of the previous question: they steer retrieval and count in the coverage, as the question
 * would read if asked in full.
 */
const ANAPHORA = /^(he|she|they|him|her|his|hers|their|them|it|its|that|this|those|these|there|then|dia|ia|beliau|mereka|itu|tersebut|sana|situ)$/;
const CONTINUATION = /^(and|but|also|what about|how about|dan|lalu|terus|kemudian|bagaimana dengan|tapi|juga)\b/i;
const SHORT_QUESTION_GROUPS = 3;

/**
 * A follow-up has a pronoun or continuation cue, or is short and about nothing new: a short question with a
 * word the briefing never uses ("What is the capital of Australia?") starts a new topic.
 */
export function isFollowUp(question: string, ownGroups: TermGroup[], known: (g: TermGroup) => boolean): boolean {
  const ws = words(question);
  const cued = CONTINUATION.test(question.trim()) || ws.some((w) => ANAPHORA.test(w) || (w.length > 5 && w.endsWith('nya')));
  return cued || (ownGroups.length <= SHORT_QUESTION_GROUPS && ownGroups.every(known));
}

export function carriedGroups(question: string, ownGroups: TermGroup[], history: Turn[] | undefined, known: (g: TermGroup) => boolean): TermGroup[] {
  const previous = history?.at(-1)?.question;
  if (!previous || !isFollowUp(question, ownGroups, known)) return [];
  const ownKeys = new Set(ownGroups.map((g) => g.alternatives[0].join(' ')));
  const language: Language = detectLanguage(previous);
  return questionTermGroups(previous, language, true).filter((g) => !ownKeys.has(g.alternatives[0].join(' ')));
}
