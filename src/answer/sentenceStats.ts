import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { detectLanguage, type Language } from '../text/language.js';
import { terms } from '../text/tokenize.js';
import type { TermGroup } from './queryTerms.js';

/**
 * Sentence-level statistics of a knowledge base, computed once per knowledge base: document frequencies of
 * stems over sentences (for IDF weights) and the language most of the text is in.
 */
export interface SentenceStats {
  sentenceCount: number;
  df: Map<string, number>;
  language: Language;
}

const cache = new WeakMap<KnowledgeBase, SentenceStats>();

export function sentenceStats(kb: KnowledgeBase): SentenceStats {
  const cached = cache.get(kb);
  if (cached) return cached;
  const df = new Map<string, number>();
  let sentenceCount = 0;
  let idVotes = 0;
  for (const doc of kb.documents) {
    for (const span of doc.sentences) {
      sentenceCount++;
      for (const s of new Set(terms(doc.content.slice(span.start, span.end)))) df.set(s, (df.get(s) ?? 0) + 1);
    }
    idVotes += detectLanguage(doc.content.slice(0, 3000)) === 'id' ? 1 : -1;
  }
  const stats: SentenceStats = { sentenceCount, df, language: idVotes > 0 ? 'id' : 'en' };
  cache.set(kb, stats);
  return stats;
}

export function idf(stats: SentenceStats, stemmed: string): number {
  const df = stats.df.get(stemmed) ?? 0;
  return Math.log((stats.sentenceCount + 1) / (df + 0.5));
}

/** The IDF of a term the text never uses: the largest an IDF can be, to put IDFs on a [0, 1] scale. */
export function unseenIdf(stats: SentenceStats): number {
  return Math.log((stats.sentenceCount + 1) / 0.5);
}

/** Does the text use the group's term (or one of its alternatives) anywhere? */
export function groupSeen(stats: SentenceStats, group: TermGroup): boolean {
  return group.alternatives.some((alt) => alt.every((s) => stats.df.has(s)));
}

/** Carried (follow-up) terms count half: the new question's own words matter more. */
const CARRIED_FACTOR = 0.5;

/**
 * A group's weight: the IDF of the question's own word when the text has it, else of the most common
 * alternative the text has (a phrase counts as rare as its rarest word), else the IDF of an unseen term.
 * An English word with no translation that never occurs in an Indonesian briefing gets half weight: it may
 * simply be missing from the lexicon rather than absent from the text.
 */
export function groupWeight(stats: SentenceStats, group: TermGroup, questionLanguage: Language): number {
  const phraseIdf = (alt: string[]) => Math.max(...alt.map((s) => idf(stats, s)));
  const seen = group.alternatives.filter((alt) => alt.every((s) => stats.df.has(s)));
  const unseen = seen.length === 0;
  const best = unseen ? phraseIdf(group.alternatives[0]) : seen[0] === group.alternatives[0] ? phraseIdf(seen[0]) : Math.min(...seen.map(phraseIdf));
  const untranslated = questionLanguage !== stats.language && group.translations.length === 0;
  const weight = unseen && untranslated ? best / 2 : best;
  return group.carried ? weight * CARRIED_FACTOR : weight;
}
