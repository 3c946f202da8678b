import { FEATURE_NAMES } from '../answer/abstentionFeatures.js';
import { FeatureVector, bucket } from './features.js';
import type { QuestionCues } from './questionCues.js';

/** What the answerability model sees of one question after the sentence ranker and the span model ran. */
export interface AnswerabilitySignals {
  /** The ranker's raw score of the best sentence, and its softmax share among the candidates. */
  topScore: number;
  topProbability: number;
  /** Raw score margin over the second-best sentence. */
  margin: number;
  /** The best span's probability within the best sentence, and its raw score. */
  spanProbability: number;
  spanScore: number;
  /** The old evidence features of the best sentence (abstentionFeatures.ts, FEATURE_NAMES order). */
  evidence: number[];
  coverage: number;
  questionTerms: number;
}

/**
 * Features of "the briefing answers this question": how sure the ranker and the span model are, and the
 * near-miss evidence (a question word the passage lacks, a relation spread over two sentences, a missing name,
 * negation), conjoined with the question type.
 */
export function answerabilityFeatures(s: AnswerabilitySignals, cues: QuestionCues): FeatureVector {
  const f = new FeatureVector();
  const [type, wh] = cues.contexts;
  f.add('topScore', s.topScore).add('topProbability', s.topProbability).add('margin', Math.min(s.margin, 10));
  f.add('spanProbability', s.spanProbability).add('spanScore', s.spanScore).add('coverage', s.coverage);
  FEATURE_NAMES.forEach((name, i) => f.addWith(`evidence.${name}`, [type], s.evidence[i]));
  f.addWith(`topProbability=${Math.round(s.topProbability * 5)}`, [type]);
  f.addWith(`spanProbability=${Math.round(s.spanProbability * 5)}`, [type]);
  f.addWith(`terms=${bucket(s.questionTerms)}`, [type]);
  f.addWith(`wh=${wh}`, []);
  return f;
}

/** What the short-answer model sees: how sure the span and sentence models are, and what the span looks like. */
export interface ShortAnswerSignals {
  signals: AnswerabilitySignals;
  /** Shape of the span (tokens.ts spanShape) and its length in words. */
  shape: string;
  words: number;
  /** Share of the span's words the question already has. */
  seen: number;
}

/**
 * Features of "the best span is the right short answer": dense confidences only, and the question type and
 * span length as plain indicators (conjoined, lexical versions overfit the few thousand training answers).
 */
export function shortAnswerFeatures(s: ShortAnswerSignals, cues: QuestionCues): FeatureVector {
  const f = new FeatureVector();
  const { signals } = s;
  f.add('spanProbability', signals.spanProbability).add('spanScore', Math.max(-10, Math.min(10, signals.spanScore)) / 5).add('topProbability', signals.topProbability);
  f.add('joint', signals.spanProbability * signals.topProbability).add('margin', Math.min(signals.margin, 10) / 5).add('seen', s.seen);
  f.add(cues.contexts[0]).add(`words=${bucket(s.words)}`);
  return f;
}
