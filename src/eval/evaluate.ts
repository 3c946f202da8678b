import { loadCoreConfig } from '../config.js';
import { createProgress } from '../cli/progress.js';
import { answerEngineFactory } from './answerer.js';
import { loadDataset } from './dataset.js';
import { passageTask, runEval, type EvalReport } from './runEval.js';
import { seedTask } from './seedTask.js';

/**
 * One eval run: a shared-format dataset folder, or "seed" for the project's own gold set. Embeddings are
 * always the offline hashing ones (the eval must be reproducible without a network); the rest of the core
 * configuration (chunking, fusion weight, dimensions) comes from the environment.
 */
export async function evaluate(dataset: string, env: Record<string, string | undefined> = process.env, rootDir = process.cwd()): Promise<EvalReport> {
  const config = loadCoreConfig({ ...env, EMBEDDINGS_PROVIDER: 'hashing', EMBEDDINGS_MODEL: '' }, rootDir);
  const task = dataset === 'seed' ? await seedTask(config) : passageTask(await loadDataset(dataset));
  const progress = createProgress(`eval ${task.dataset.name}`);
  try {
    return await runEval(task, { config, answerer: answerEngineFactory, onProgress: progress.update });
  } finally {
    progress.stop();
  }
}

/** The `--json` object: the fields the issue names, then the ratio, the components alone and detail. */
export function reportJson(report: EvalReport): string {
  const { dataset, passages, questions, retrieval, baseline_bm25, abstention, reader, reader_v1, timings, ratio, components, detail } = report;
  return JSON.stringify({ dataset, passages, questions, retrieval, baseline_bm25, abstention, reader, reader_v1, timings, ratio, components, detail });
}
