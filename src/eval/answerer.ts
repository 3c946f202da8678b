import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnswererFactory } from './runEval.js';

/**
 * The answer engine over the eval's in-memory knowledge base, offline (extractive: no LLM calls, so the eval
 * measures the abstention logic itself and never spends money). Null when the engine is not part of the tree.
 */
export const answerEngineFactory: AnswererFactory = async (kb) => {
  const engineFile = fileURLToPath(new URL('../answer/engine.ts', import.meta.url));
  if (!existsSync(engineFile)) return null;
  const [{ AnswerEngine }, { loadAnswerConfig }] = await Promise.all([import('../answer/engine.js'), import('../answer/config.js')]);
  const engine = new AnswerEngine(() => kb, { config: loadAnswerConfig(process.env), chatModel: null });
  return { ask: (question) => engine.ask(question) };
};
