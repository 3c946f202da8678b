import type { EvalQuestion } from './dataset.js';
import { containsEitherWay, holdsGoldAnswer, squadExact, squadF1 } from './answerMatch.js';
import { auroc } from './metrics.js';

/** One answer as the reader metrics see it. */
export interface EvalAnswer {
  abstained: boolean;
  confidence: number;
  /** The first sentence the engine ranks (cited first when it answers). */
  firstSentence: string | null;
  /** The "In short" answer as shown to the user (null when not shown or abstained). */
  shortAnswer: string | null;
  /** The SQuAD prediction: "" when abstaining, else the engine's best short answer. */
  prediction: string;
}

export interface SquadScores {
  em: number;
  f1: number;
}

/** The `reader` block of `npm run eval` (issue 9): fractions in [0, 1], SQuAD scores in [0, 100]. */
export interface ReaderMetrics {
  sentenceAt1: number;
  shortPrecision: number | null;
  shortCoverage: number;
  abstainUnanswerable: number | null;
  falseAbstain: number;
  auroc: number | null;
  squad2: { goldPassage: SquadScores; endToEnd: SquadScores };
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const share = (n: number, d: number) => (d > 0 ? round(n / d) : 0);

function squad(answers: readonly EvalAnswer[], questions: readonly EvalQuestion[]): SquadScores {
  let em = 0;
  let f1 = 0;
  questions.forEach((q, i) => {
    em += squadExact(answers[i].prediction, q.answers);
    f1 += squadF1(answers[i].prediction, q.answers);
  });
  const n = Math.max(1, questions.length);
  return { em: round((100 * em) / n, 2), f1: round((100 * f1) / n, 2) };
}

/**
 * `endToEnd[i]` answers questions[i] over the whole corpus (as the bot does); `goldPassage[i]` reads only the
 * passage the question was written against.
 */
export function readerMetrics(questions: readonly EvalQuestion[], endToEnd: readonly EvalAnswer[], goldPassage: readonly EvalAnswer[]): ReaderMetrics {
  const answerable = questions.flatMap((q, i) => (q.answerable ? [i] : []));
  const unanswerable = questions.flatMap((q, i) => (q.answerable ? [] : [i]));
  const sentenceRight = answerable.filter((i) => holdsGoldAnswer(endToEnd[i].firstSentence ?? '', questions[i].answers));
  const shown = answerable.filter((i) => !endToEnd[i].abstained && endToEnd[i].shortAnswer);
  const shortRight = shown.filter((i) => containsEitherWay(endToEnd[i].shortAnswer!, questions[i].answers));
  const a = auroc(endToEnd.map((x) => x.confidence), questions.map((q) => q.answerable));
  return {
    sentenceAt1: share(sentenceRight.length, answerable.length),
    shortPrecision: shown.length ? share(shortRight.length, shown.length) : null,
    shortCoverage: share(shown.length, answerable.length),
    abstainUnanswerable: unanswerable.length ? share(unanswerable.filter((i) => endToEnd[i].abstained).length, unanswerable.length) : null,
    falseAbstain: share(answerable.filter((i) => endToEnd[i].abstained).length, answerable.length),
    auroc: a === null ? null : round(a),
    squad2: { goldPassage: squad(goldPassage, questions), endToEnd: squad(endToEnd, questions) },
  };
}
