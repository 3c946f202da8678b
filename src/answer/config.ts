import { readFloat, readInt } from '../config.js';

/** Settings of the answer engine (README: "Answers"). */
export interface AnswerConfig {
  /**
   * Below this probability that the briefing answers, the engine says it doesn't say. Unset: the threshold
   * shipped with the trained reader (models/reader.bin, chosen on the training data by `npm run train`).
   */
  minConfidence?: number;
  /** Chunks retrieved per question. */
  retrieveK: number;
}

/** The first engine's hand-fitted confidence threshold (reader v1, kept for comparison in `npm run eval`). */
export const V1_MIN_CONFIDENCE = 0.31;

export function loadAnswerConfig(env: Record<string, string | undefined> = process.env): AnswerConfig {
  const raw = env.ANSWER_MIN_CONFIDENCE?.trim();
  return {
    ...(raw ? { minConfidence: readFloat(env, 'ANSWER_MIN_CONFIDENCE', 0, 0, 1) } : {}),
    retrieveK: readInt(env, 'ANSWER_TOP_K', 6, 1, 50),
  };
}
