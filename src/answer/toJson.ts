import type { AnswerResult, Citation } from './types.js';
import type { PagesOf } from './renderText.js';
import { pageAt } from '../seeds/pages.js';

/** A citation of a PDF gets its `page` (1-based); other citations are unchanged. */
function withPage(c: Citation, pagesOf: PagesOf): Citation & { page?: number } {
  const page = pageAt(pagesOf(c.source), c.start);
  return page === undefined ? c : { ...c, page };
}

/** The `ask --json` shape: exactly these keys, `closest` only when abstained (see README, "ask"). */
export function answerJson(result: AnswerResult, pagesOf: PagesOf = () => undefined): Record<string, unknown> {
  return {
    question: result.question,
    language: result.language,
    mode: result.mode,
    abstained: result.abstained,
    answer: result.answer,
    ...(result.shortAnswer ? { shortAnswer: result.shortAnswer } : {}),
    citations: result.citations.map((c) => withPage(c, pagesOf)),
    ...(result.abstained ? { closest: (result.closest ?? []).map((c) => withPage(c, pagesOf)) } : {}),
    ...(result.notice ? { notice: result.notice } : {}),
    confidence: result.confidence,
    timings: result.timings,
  };
}
