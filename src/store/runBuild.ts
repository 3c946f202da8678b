import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildGeneration, type BuildOutcome, type BuildRequest } from './buildGeneration.js';
import type { ProgressFn } from './vectorIndex.js';

/**
 * Runs a store build in a worker thread: chunking, embedding, HNSW insertion and the BM25 index take seconds
 * to minutes on a large briefing, and on the main thread they would keep the bot from acknowledging anyone.
 * The worker saves the generation; the caller loads it (a few hundred ms of mostly asynchronous reads).
 * A build that throws or whose worker dies rejects here, and the store in use stays as it was. One worker is
 * kept for a minute after its build (starting one costs 0.2–0.7 s on 2 busy cores); a build that finds it busy
 * starts its own.
 */

/** The compiled worker. Run from TypeScript sources (tests, tsx), the compiled copy in dist/ is used. */
function workerFile(): string | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/store/buildWorker.js', here) : new URL('./buildWorker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

/** How long a build worker is kept for the next build (modules loaded, caches warm); its garbage, the last build's index included, is held as long. */
const IDLE_MS = 60_000;
let idle: { worker: Worker; timer: NodeJS.Timeout } | null = null;

/** Keeps `worker` for the next build (unreferenced: it never holds the process open), or ends it if one is kept. */
function keep(worker: Worker): void {
  if (idle) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const timer = setTimeout(() => {
    if (idle?.worker === worker) idle = null;
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle = { worker, timer };
}

function take(file: string): Worker {
  if (idle) {
    const { worker, timer } = idle;
    idle = null;
    clearTimeout(timer);
    worker.ref();
    return worker;
  }
  return new Worker(file);
}

type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; outcome: BuildOutcome }
  | { type: 'failed'; message: string };

export async function runBuild(request: BuildRequest, onProgress?: ProgressFn): Promise<BuildOutcome> {
  const file = workerFile();
  // Without a compiled worker (sources run before any `npm run build`): the same build, on this thread.
  if (!file) return buildGeneration(request, onProgress);
  const worker = take(file);
  return new Promise<BuildOutcome>((resolve, reject) => {
    const stop = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'progress') return onProgress?.(message.done, message.total);
      stop();
      keep(worker);
      if (message.type === 'done') resolve(message.outcome);
      else reject(new Error(message.message));
    };
    const onError = (error: Error) => {
      stop();
      void worker.terminate();
      reject(error);
    };
    const onExit = (code: number) => {
      stop();
      reject(new Error(`the store build stopped before it finished (worker exit code ${code})`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
