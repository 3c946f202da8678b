import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex, type LexicalOptions } from '../retrieve/lexicalIndex.js';

/**
 * A full build's BM25 index, made on a thread of its own (`lexicalWorker.ts`) while the build thread embeds the
 * chunks and fills the HNSW graph (seconds of synchronous hnswlib work on one core): on two cores its time is
 * hidden. The worker sends the index back serialised, in one transferred buffer, which the build reads back
 * (`LexicalIndex.deserialize`) and saves as it is. A small briefing, a missing compiled worker or a worker that
 * fails or dies builds it on the build thread instead, so the build never fails for the lexical thread's sake.
 */

/** Below this many chunks the index takes less time to build than a thread to start (~0.1–0.3 s). */
export const LEXICAL_WORKER_MIN_CHUNKS = 2000;

/** The compiled worker. Run from TypeScript sources (tests, tsx), the compiled copy in dist/ is used. */
function workerFile(): string | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/store/lexicalWorker.js', here) : new URL('./lexicalWorker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

let running = 0;

/** Lexical threads started and not yet exited (tests check that none is left behind). */
export function runningLexicalWorkers(): number {
  return running;
}

export interface LexicalRequest {
  texts: string[];
}

export type LexicalReply = { type: 'done'; bytes: Uint8Array } | { type: 'failed'; message: string };

export interface LexicalBuild {
  /** The index, once the worker has sent it (or built here if it could not). */
  index(): Promise<LexicalIndex>;
  /** Why the worker's index was not used (built here instead), if so. */
  readonly fellBack: string | undefined;
  /** Ends the worker if it still runs (a build that failed meanwhile); safe to call at any time. */
  stop(): void;
}

export function startLexicalBuild(
  chunks: { text: string; source: string }[],
  options: LexicalOptions = DEFAULT_LEXICAL_OPTIONS,
  settings: { minChunks?: number; workerFile?: string | null } = {},
): LexicalBuild {
  const here = () => new LexicalIndex(chunks, options);
  const file = settings.workerFile === undefined ? workerFile() : settings.workerFile;
  if (!file || chunks.length < (settings.minChunks ?? LEXICAL_WORKER_MIN_CHUNKS)) {
    return { index: async () => here(), fellBack: undefined, stop: () => undefined };
  }
  let fellBack: string | undefined;
  let worker: Worker | null = null;
  const stop = () => {
    if (worker) void worker.terminate();
    worker = null;
  };
  const reply = new Promise<Uint8Array>((resolve, reject) => {
    try {
      worker = new Worker(file);
    } catch (error) {
      reject(error);
      return;
    }
    running++;
    worker.once('message', (message: LexicalReply) => {
      stop();
      if (message.type === 'done') resolve(message.bytes);
      else reject(new Error(message.message));
    });
    worker.on('error', (error) => {
      stop();
      reject(error);
    });
    worker.once('exit', (code) => {
      running--;
      worker = null;
      reject(new Error(`the lexical index thread stopped (exit code ${code})`));
    });
    const request: LexicalRequest = { texts: chunks.map((c) => c.text) };
    worker.postMessage(request);
  });
  // Settled either way before anyone awaits it: no unhandled rejection while the build embeds.
  const settled = reply.then(
    (bytes) => ({ bytes }),
    (error: unknown) => ({ error }),
  );
  return {
    async index() {
      const outcome = await settled;
      if ('bytes' in outcome) {
        try {
          return LexicalIndex.deserialize(outcome.bytes, chunks.map((c) => c.source), options);
        } catch (error) {
          fellBack = (error as Error).message;
        }
      } else {
        fellBack = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      }
      return here();
    },
    get fellBack() {
      return fellBack;
    },
    stop,
  };
}
