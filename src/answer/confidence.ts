import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { FEATURE_NAMES, abstentionFeatures } from './abstentionFeatures.js';
import type { QuestionAnalysis, ScoredSentence } from './sentenceScorer.js';
import type { SentenceStats } from './sentenceStats.js';

export { FEATURE_NAMES };

/**
 * How sure we are that the best sentence answers the question, in [0, 1]: a logistic model over the few
 * features of abstentionFeatures.ts. The weights were fitted by `npx tsx src/answer/calibrate.ts --fit` (L2
 * logistic regression, IRLS) on the training half of IDK-MRC and SQuAD 2.0 (../shared/eval; passages split by
 * a hash of their id, both sets and both classes weighted equally), plus off-topic negatives (answerable
 * questions asked over the other half's passages, at half weight); the other half is held out for reporting.
 * Rerun it after changing the features. The one knob is the abstention threshold, ANSWER_MIN_CONFIDENCE.
 */
export interface LogisticModel {
  bias: number;
  weights: number[];
}

/** Fitted by `npx tsx src/answer/calibrate.ts --fit` (features in FEATURE_NAMES order). */
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
