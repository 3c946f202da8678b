import type { SearchHit } from '../retrieve/knowledgeBase.js';
import type { Language } from '../text/language.js';
import { charNgrams, terms } from '../text/tokenize.js';
import { expectedAnswerType, hasAnswerEvidence, type AnswerType } from './answerType.js';
import { groupPresent, type TermGroup } from './queryTerms.js';
import { groupWeight, type SentenceStats } from './sentenceStats.js';

/** A question prepared for scoring: its term groups (own and carried), their IDF weights, its answer type. */
export interface QuestionAnalysis {
  question: string;
  language: Language;
  type: AnswerType;
  groups: TermGroup[];
  weights: number[];
}

/** One sentence of a retrieved chunk, with the evidence that it answers the question. */
export interface ScoredSentence {
  source: string;
  start: number;
  end: number;
  text: string;
  chunkId: string;
  /** Hybrid retrieval score of the best chunk holding the sentence. */
  chunkScore: number;
  /** IDF-weighted fraction of the question's term groups (with any carried from a follow-up) present in the sentence. */
  coverage: number;
  /** The same over the whole chunk (the sentence's context). */
  contextCoverage: number;
  /** Soft (character 4-gram) match of the question's terms, for spelling and affix variants. */
  gram: number;
  /** Weighted fraction of carried (follow-up) terms present. */
  carried: number;
  /** The sentence holds something of the expected answer type. */
  typeOk: boolean;
  /** Own groups present, by index into analysis.groups. */
  matched: boolean[];
  score: number;
}

/** Ranking weights: key-term coverage dominates; the rest break ties and favour the right kind of answer. */
const W = { coverage: 0.5, gram: 0.15, chunk: 0.1, type: 0.15, carried: 0.1 };
const GRAM = 4;
const SOFT_MATCH_MIN = 0.6;

export function analyzeQuestion(question: string, language: Language, own: TermGroup[], carried: TermGroup[], stats: SentenceStats): QuestionAnalysis {
  const groups = [...own, ...carried];
  return { question, language, type: expectedAnswerType(question), groups, weights: groups.map((g) => groupWeight(stats, g, language)) };
}

type Which = 'all' | 'carried';

function weightedFraction(analysis: QuestionAnalysis, present: (g: TermGroup, i: number) => number, which: Which): number {
  let total = 0;
  let got = 0;
  analysis.groups.forEach((g, i) => {
    if (which === 'carried' && !g.carried) return;
    total += analysis.weights[i];
    got += analysis.weights[i] * present(g, i);
  });
  return total > 0 ? got / total : 0;
}

function gramMatch(group: TermGroup, sentenceGrams: Set<string>): number {
  let best = 0;
  for (const alt of group.alternatives) {
    const grams = charNgrams(alt.join(' '), GRAM);
    if (grams.length === 0) continue;
    best = Math.max(best, grams.filter((g) => sentenceGrams.has(g)).length / grams.length);
  }
  return best;
}

/** Scores every sentence of the retrieved chunks (each sentence once), best first. */
export function scoreSentences(analysis: QuestionAnalysis, hits: SearchHit[]): ScoredSentence[] {
  const bySpan = new Map<string, ScoredSentence>();
  for (const hit of hits) {
    const { chunk } = hit;
    const chunkStems = new Set(terms(chunk.text));
    const contextCoverage = weightedFraction(analysis, (g) => (groupPresent(g, chunkStems) ? 1 : 0), 'all');
    for (const span of chunk.sentences) {
      const key = `${chunk.source}\u0000${span.start}`;
      const existing = bySpan.get(key);
      if (existing && existing.chunkScore >= hit.score) continue;
      const text = chunk.text.slice(span.start - chunk.start, span.end - chunk.start);
      const stems = new Set(terms(text));
      const grams = new Set(charNgrams(text, GRAM));
      const matched = analysis.groups.map((g) => groupPresent(g, stems));
      const soft = analysis.groups.map((g, i) => (matched[i] ? 1 : gramMatch(g, grams)));
      // A near-identical word form ("disepakati" ~ "sepakat") counts as present, in proportion to its likeness.
      const coverage = weightedFraction(analysis, (_g, i) => (soft[i] >= SOFT_MATCH_MIN ? soft[i] : 0), 'all');
      const gram = weightedFraction(analysis, (_g, i) => soft[i], 'all');
      const carried = weightedFraction(analysis, (_g, i) => (matched[i] ? 1 : 0), 'carried');
      const typeOk = hasAnswerEvidence(analysis.type, text, analysis.question);
      const score = W.coverage * coverage + W.gram * gram + W.chunk * hit.score + W.type * (typeOk ? 1 : 0) + W.carried * carried;
      bySpan.set(key, {
        source: chunk.source,
        start: span.start,
        end: span.end,
        text,
        chunkId: chunk.id,
        chunkScore: hit.score,
        coverage,
        contextCoverage: Math.max(contextCoverage, existing?.contextCoverage ?? 0),
        gram,
        carried,
        typeOk,
        matched,
        score,
      });
    }
  }
  return [...bySpan.values()].sort((a, b) => b.score - a.score || a.start - b.start);
}
