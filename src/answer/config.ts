import { readFloat, readInt } from '../config.js';

/** Settings of the answer engine (README: "Answers"). */
export interface AnswerConfig {
  /** Below this confidence the engine says the briefing doesn't say. */
  minConfidence: number;
  /** Chunks retrieved per question. */
  retrieveK: number;
}

/** The fitted model's balanced point is 0.5; 0.40 answers more paraphrased questions (see README, "Answers"). */
export const DEFAULT_MIN_CONFIDENCE = 0.4;

export function loadAnswerConfig(env: Record<string, string | undefined> = process.env): AnswerConfig {
  return {
    minConfidence: readFloat(env, 'ANSWER_MIN_CONFIDENCE', DEFAULT_MIN_CONFIDENCE, 0, 1),
    retrieveK: readInt(env, 'ANSWER_TOP_K', 6, 1, 50),
  };
}
