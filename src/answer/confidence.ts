import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { FEATURE_NAMES, abstentionFeatures } from './abstentionFeatures.js';
import type { QuestionAnalysis, ScoredSentence } from './sentenceScorer.js';
import type { SentenceStats } from './sentenceStats.js';

export { FEATURE_NAMES };

/**
 * The first engine's confidence (reader v1): a logistic model over the six features of abstentionFeatures.ts,
 * hand-fitted in an earlier version on half of ../shared/eval. That fitting tool is gone (the eval sets are
 * test sets only); the weights stay frozen so `npm run eval` can report the old engine (`reader_v1`) beside the
 * trained reader in the same run. Answers use the trained reader (src/reader/).
 */
export interface LogisticModel {
  bias: number;
  weights: number[];
}

/** Frozen v1 weights (features in FEATURE_NAMES order). */
export const CONFIDENCE_MODEL: LogisticModel = {
  bias: -1.818,
  weights: [2.341, -0.324, 0.155, -0.647, -2.429, 0.454],
};

export function logistic(features: number[], model: LogisticModel = CONFIDENCE_MODEL): number {
  let z = model.bias;
  features.forEach((f, i) => (z += model.weights[i] * f));
  return 1 / (1 + Math.exp(-z));
}

export function confidenceFeatures(kb: KnowledgeBase, stats: SentenceStats, analysis: QuestionAnalysis, best: ScoredSentence | undefined): number[] {
  return abstentionFeatures(kb, stats, analysis, best);
}

export function confidenceOf(kb: KnowledgeBase, stats: SentenceStats, analysis: QuestionAnalysis, best: ScoredSentence | undefined): number {
  return best ? logistic(confidenceFeatures(kb, stats, analysis, best)) : 0;
}
