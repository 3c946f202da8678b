import type { KnowledgeBase, SearchHit } from '../retrieve/knowledgeBase.js';
import type { Language } from '../text/language.js';
import { confidenceOf } from './confidence.js';
import { carriedGroups } from './followUp.js';
import { expandedQuery, questionTermGroups } from './queryTerms.js';
import { analyzeQuestion, scoreSentences, type QuestionAnalysis, type ScoredSentence } from './sentenceScorer.js';
import { groupSeen, sentenceStats } from './sentenceStats.js';
import type { Turn } from './types.js';

/** Everything the engine knows after retrieval: the hits, the scored sentences (best first), the confidence. */
export interface Evidence {
  analysis: QuestionAnalysis;
  hits: SearchHit[];
  ranked: ScoredSentence[];
  confidence: number;
  retrieveMs: number;
}

export interface GatherOptions {
  k: number;
  history?: Turn[];
  source?: string;
  /** Compute the first engine's confidence (v1). The trained reader computes its own: skip it there. */
  v1Confidence?: boolean;
}

export async function gatherEvidence(kb: KnowledgeBase, question: string, language: Language, options: GatherOptions): Promise<Evidence> {
  const started = performance.now();
  const stats = sentenceStats(kb);
  const own = questionTermGroups(question, language);
  const carried = carriedGroups(question, own, options.history, (g) => groupSeen(stats, g));
  const query = expandedQuery([question, ...carried.map((g) => g.label)].join(' '), [...own, ...carried]);
  const hits = await kb.search(query, { k: options.k, source: options.source });
  const analysis = analyzeQuestion(question, language, own, carried, stats);
  const ranked = scoreSentences(analysis, hits);
  const confidence = options.v1Confidence === false ? 0 : confidenceOf(kb, stats, analysis, ranked[0]);
  return { analysis, hits, ranked, confidence, retrieveMs: performance.now() - started };
}
