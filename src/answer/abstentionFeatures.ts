import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { normalize, terms, words } from '../text/tokenize.js';
import { groupPresent } from './queryTerms.js';
import type { QuestionAnalysis, ScoredSentence } from './sentenceScorer.js';
import { unseenIdf, type SentenceStats } from './sentenceStats.js';

/**
 * Features of "does the best sentence answer the question?" for the abstention model (confidence.ts). Each
 * targets one way a near-miss question differs from its text (SQuAD 2.0 / IDK-MRC unanswerables are written
 * against a passage by swapping an entity or number, adding a negation, or moving a relation elsewhere):
 * - gram: soft (character 4-gram) IDF-weighted match of the question's terms in the best sentence;
 * - absentMax: the IDF of the rarest question term its whole passage lacks (a swapped-in word; off-topic);
 * - spreadMax: the IDF of the rarest question term that its passage has but the best sentence lacks (the
 *   question joins words from different sentences: a relation the text never states);
 * - entityMissing: a name (capitalised) or number of the question is not in the best sentence;
 * - negationMissing: the question is negated ("not", "tidak", "belum", …) and the sentence is not;
 * - typeOk: the sentence holds a new answer of the expected kind (a date for "when", …).
 * IDFs are divided by the IDF of an unseen term, so they are in [0, 1] whatever the size of the text.
 */
export const FEATURE_NAMES = ['gram', 'absentMax', 'spreadMax', 'entityMissing', 'negationMissing', 'typeOk'] as const;

const NEGATION = /\b(not|never|no|nor|none|neither|without|cannot|tidak|tak|bukan|belum|tanpa|jangan|non)\b|n['’]t\b/;

const passageTermsCache = new WeakMap<KnowledgeBase, Map<string, Set<string>>>();

/** The stems of a whole source document (one passage of an eval set; the whole article for a briefing). */
function passageTerms(kb: KnowledgeBase, source: string): Set<string> {
  let bySource = passageTermsCache.get(kb);
  if (!bySource) passageTermsCache.set(kb, (bySource = new Map()));
  let set = bySource.get(source);
  if (!set) {
    const doc = kb.documents.find((d) => d.source === source);
    set = new Set(doc ? terms(doc.content) : []);
    bySource.set(source, set);
  }
  return set;
}

/** Lower-cased words written with a capital in the question, except its first word (capitalised anyway). */
function capitalisedWords(question: string): Set<string> {
  const tokens = question.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  return new Set(tokens.filter((t, i) => i > 0 && /^\p{Lu}/u.test(t)).flatMap((t) => words(t)));
}

export const isNegated = (text: string): boolean => NEGATION.test(normalize(text));

export function abstentionFeatures(kb: KnowledgeBase, stats: SentenceStats, analysis: QuestionAnalysis, best: ScoredSentence | undefined): number[] {
  if (!best) return FEATURE_NAMES.map(() => 0);
  const scale = unseenIdf(stats);
  const passage = passageTerms(kb, best.source);
  const caps = capitalisedWords(analysis.question);
  let absentMax = 0;
  let spreadMax = 0;
  let entityMissing = 0;
  analysis.groups.forEach((g, i) => {
    // Carried (follow-up) terms come from an earlier question: their absence says nothing about this one.
    if (g.carried || best.matched[i]) return;
    const weight = analysis.weights[i] / scale;
    if (groupPresent(g, passage)) spreadMax = Math.max(spreadMax, weight);
    else absentMax = Math.max(absentMax, weight);
    if (g.label.split(' ').some((w) => caps.has(w) || /\d/.test(w))) entityMissing = 1;
  });
  const negationMissing = isNegated(analysis.question) && !isNegated(best.text) ? 1 : 0;
  return [best.gram, absentMax, spreadMax, entityMissing, negationMissing, best.typeOk ? 1 : 0];
}
