import type { AnswerResult } from './types.js';

/** The `ask --json` shape: exactly these keys, `closest` only when abstained (see README, "ask"). */
export function answerJson(result: AnswerResult): Record<string, unknown> {
  return {
    question: result.question,
    language: result.language,
    mode: result.mode,
    abstained: result.abstained,
    answer: result.answer,
    ...(result.shortAnswer ? { shortAnswer: result.shortAnswer } : {}),
    citations: result.citations,
    ...(result.abstained ? { closest: result.closest ?? [] } : {}),
    ...(result.notice ? { notice: result.notice } : {}),
    confidence: result.confidence,
    timings: result.timings,
  };
}
