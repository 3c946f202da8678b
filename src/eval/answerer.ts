import { AnswerEngine } from '../answer/engine.js';
import { loadAnswerConfig } from '../answer/config.js';
import type { AskOptions } from '../answer/types.js';
import type { EvalAnswer } from './readerMetrics.js';
import type { AnswererFactory, Answerer } from './runEval.js';

/**
 * An engine as the eval sees it. `prediction` is what a SQuAD scorer gets: "" when abstaining; the trained
 * reader's best span (shown as "In short" or not); for v1, its short answer, else its first sentence (what its
 * reader sees first).
 */
function evalAnswerer(engine: AnswerEngine): Answerer {
  return {
    inspect: async (question: string, options?: AskOptions): Promise<EvalAnswer> => {
      const { result, bestSpan, topSentence } = await engine.inspect(question, options);
      const v1Prediction = result.shortAnswer ?? result.citations[0]?.quote ?? '';
      return {
        abstained: result.abstained,
        confidence: result.confidence,
        firstSentence: topSentence,
        shortAnswer: result.abstained ? null : (result.shortAnswer ?? null),
        prediction: result.abstained ? '' : engine.reader ? (bestSpan?.text ?? '') : v1Prediction,
      };
    },
  };
}

/**
 * The answer engine over the eval's in-memory knowledge base, offline (extractive: no LLM calls, so the eval
 * measures the reader itself and never spends money): the shipped trained reader, and the first engine (v1)
 * for comparison in the same run.
 */
export const answerEngineFactory: AnswererFactory = async (kb) => {
  const config = loadAnswerConfig(process.env);
  return {
    current: evalAnswerer(new AnswerEngine(() => kb, { config, chatModel: null })),
    v1: evalAnswerer(new AnswerEngine(() => kb, { config, chatModel: null, reader: null })),
  };
};
