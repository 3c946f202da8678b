import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractText, formatOf, UnreadableDocument, type ExtractedText, type FormatLimits, type SeedFormat } from './index.js';

/**
 * Extraction off the main thread. pdf.js reads a 300-page PDF in about a second without yielding once, and
 * mammoth and html-to-text are as synchronous: on the bot's thread that is a second nobody is acknowledged.
 * One worker, started on first use, reads one file at a time (the rest wait in line here) and exits when idle.
 * A file that kills it (out of memory: it has its own heap limit) or takes longer than the time limit is
 * refused by name; the files behind it go on in a new worker.
 */
const IDLE_EXIT_MS = 10_000;
const WORKER_HEAP_MB = 1024;
export const EXTRACT_TIMEOUT_MS = 120_000;

type Extracted = ExtractedText & { format: SeedFormat };
type Reply = { ok: true; result: Extracted } | { ok: false; unreadable: boolean; message: string };

interface Job {
  bytes: Uint8Array;
  fileName: string;
  limits: FormatLimits;
  timeoutMs: number;
  resolve: (result: Extracted) => void;
  reject: (error: Error) => void;
}

/** The compiled worker. From TypeScript sources (tests, tsx) the compiled copy in dist/ is used. */
function workerFile(): string | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../../dist/src/seeds/formats/extractWorker.js', here) : new URL('./extractWorker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

const queue: Job[] = [];
let worker: Worker | null = null;
/** The job the worker is reading, and its time limit. */
let current: { job: Job; timer: NodeJS.Timeout } | null = null;
let idleTimer: NodeJS.Timeout | undefined;

function finishCurrent(): Job | null {
  if (!current) return null;
  const { job, timer } = current;
  clearTimeout(timer);
  current = null;
  return job;
}

/** The worker is gone or must go: the file it was reading is refused, the others go on in a new one. */
function abandon(w: Worker, reason: string): void {
  if (worker !== w) return;
  worker = null;
  void w.terminate();
  finishCurrent()?.reject(new UnreadableDocument(reason));
  pump();
}

function startWorker(file: string): Worker {
  const w = new Worker(file, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  w.on('message', (reply: Reply) => {
    const job = finishCurrent();
    if (job) {
      if (reply.ok) job.resolve(reply.result);
      else job.reject(reply.unreadable ? new UnreadableDocument(reply.message) : new Error(reply.message));
    }
    pump();
  });
  w.on('error', (error) => abandon(w, /memory/i.test(error.message) ? 'too large to read (the reader ran out of memory)' : `could not be read (${error.message.split('\n', 1)[0]})`));
  w.on('exit', () => abandon(w, 'could not be read (the reader stopped)'));
  // Unreferenced only after its listeners are attached (attaching a 'message' listener references it again):
  // an idle reader never keeps the process alive; `pump` references it while it reads.
  w.unref();
  return w;
}

function pump(): void {
  if (current) return;
  const job = queue.shift();
  if (!job) {
    worker?.unref();
    scheduleIdleExit();
    return;
  }
  const file = workerFile();
  if (!file) {
    // The compiled worker vanished (a rebuild of dist/ in progress): read on this thread.
    extractText(job.bytes, job.fileName, job.limits).then(job.resolve, job.reject).finally(pump);
    return;
  }
  worker ??= startWorker(file);
  const w = worker;
  w.ref(); // a file being read keeps the process alive (a CLI waits for it)
  current = { job, timer: setTimeout(() => abandon(w, `took longer than ${job.timeoutMs >= 1000 ? `${Math.round(job.timeoutMs / 1000)} s` : `${job.timeoutMs} ms`} to read`), job.timeoutMs) };
  // A copy: the caller keeps its bytes (it hashes or saves them).
  w.postMessage({ bytes: new Uint8Array(job.bytes), fileName: job.fileName, limits: job.limits });
}

function scheduleIdleExit(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (!current && queue.length === 0 && worker) {
      const w = worker;
      worker = null;
      void w.terminate();
    }
  }, IDLE_EXIT_MS);
  idleTimer.unref();
}

/** `extractText`, with PDF, DOCX and HTML read in a worker thread (plain text and Markdown are only decoded). */
export function extractTextOffThread(bytes: Uint8Array, fileName: string, limits: FormatLimits, timeoutMs = EXTRACT_TIMEOUT_MS): Promise<Extracted> {
  const format = formatOf(fileName);
  // Without a compiled worker (sources run before any `npm run build`): the same reading, on this thread.
  if ((format !== 'pdf' && format !== 'docx' && format !== 'html') || !workerFile()) return extractText(bytes, fileName, limits);
  return new Promise((resolve, reject) => {
    queue.push({ bytes, fileName, limits, timeoutMs, resolve, reject });
    pump();
  });
}
