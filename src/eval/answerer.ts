import { AnswerEngine } from '../answer/engine.js';
import { loadAnswerConfig } from '../answer/config.js';
import type { AnswererFactory } from './runEval.js';

/**
 * The answer engine over the eval's in-memory knowledge base, offline (extractive: no LLM calls, so the eval
 * measures the abstention logic itself and never spends money).
 */
export const answerEngineFactory: AnswererFactory = async (kb) => {
  const engine = new AnswerEngine(() => kb, { config: loadAnswerConfig(process.env), chatModel: null });
  return { ask: (question) => engine.ask(question) };
};
