import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildGeneration, type BuildOutcome, type BuildRequest } from './buildGeneration.js';
import type { ProgressFn } from './vectorIndex.js';

/**
 * Runs a store build in a worker thread: chunking, embedding, HNSW insertion and the BM25 index take seconds
 * to minutes on a large briefing, and on the main thread they would keep the bot from acknowledging anyone.
 * The worker saves the generation; the caller loads it (a few hundred ms of mostly asynchronous reads).
 * A build that throws or whose worker dies rejects here, and the store in use stays as it was.
 */

/** The compiled worker. Run from TypeScript sources (tests, tsx), the compiled copy in dist/ is used. */
function workerFile(): string | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/store/buildWorker.js', here) : new URL('./buildWorker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

export async function runBuild(request: BuildRequest, onProgress?: ProgressFn): Promise<BuildOutcome> {
  const file = workerFile();
  // Without a compiled worker (sources run before any `npm run build`): the same build, on this thread.
  if (!file) return buildGeneration(request, onProgress);
  return new Promise<BuildOutcome>((resolve, reject) => {
    const worker = new Worker(file, { workerData: request });
    let outcome: BuildOutcome | null = null;
    worker.on('message', (message: { type: 'progress'; done: number; total: number } | { type: 'done'; outcome: BuildOutcome }) => {
      if (message.type === 'progress') onProgress?.(message.done, message.total);
      else outcome = message.outcome;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`the store build stopped before it finished (worker exit code ${code})`));
    });
  });
}
