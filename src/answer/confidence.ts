import type { ScoredSentence } from './sentenceScorer.js';

/**
 * How sure we are that the best sentence answers the question, in [0, 1]: a logistic model over a few
 * features of that sentence. The weights were fitted by `src/answer/calibrate.ts` on the answerable vs
 * unanswerable questions of IDK-MRC and SQuAD 2.0 (../shared/eval); rerun it after changing the features.
 * The one knob is the abstention threshold, ANSWER_MIN_CONFIDENCE.
 */
export const FEATURE_NAMES = ['coverage', 'gram', 'typeOk', 'chunkScore'] as const;

export const CONFIDENCE_MODEL = {
  bias: -1.778,
  weights: [0.725, 1.043, 0.423, 0.317],
};

export function confidenceFeatures(best: ScoredSentence | undefined): number[] {
  if (!best) return FEATURE_NAMES.map(() => 0);
  return [best.coverage, best.gram, best.typeOk ? 1 : 0, best.chunkScore];
}

export function logistic(features: number[], model = CONFIDENCE_MODEL): number {
  let z = model.bias;
  features.forEach((f, i) => (z += model.weights[i] * f));
  return 1 / (1 + Math.exp(-z));
}

export function confidenceOf(best: ScoredSentence | undefined): number {
  return best ? logistic(confidenceFeatures(best)) : 0;
}
