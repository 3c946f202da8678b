import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readVerified, verifyFile, type FileChecksum } from './checksum.js';

/**
 * A generation's files, read and checked against their manifest checksums on a thread of their own
 * (`verifiedReadsWorker.ts`), in the order asked, each handed over (its buffer transferred, not copied) as soon
 * as it has passed. Checksumming a 10k-chunk store (62 MB) took ~28 ms of the main thread's ~170 ms load; on the
 * second core it overlaps with the decoding of the files that have already arrived. Without the compiled
 * worker, or when the thread cannot start, the same reads and checks run here instead (`checksum.ts`).
 */

/**
 * One file to read and check: `keep` false checks it without keeping it (an index too large to hold in memory);
 * `here` reads and checks it on the calling thread (a small file needed first: the thread takes ~25 ms to start).
 */
export interface VerifiedRead {
  name: string;
  want: FileChecksum;
  keep: boolean;
  here?: boolean;
}

export type VerifiedReadsRequest = { dir: string; files: VerifiedRead[] };
export type VerifiedReadsReply = { name: string; bytes?: Uint8Array; error?: string };

export interface VerifiedReads {
  /** The file's checked bytes (a `keep: false` file: an empty buffer once checked); rejects with why it failed. */
  file(name: string): Promise<Buffer>;
  /** Ends the thread if it still runs (a load stopped half-way); safe to call at any time. */
  stop(): void;
}

/** The compiled worker. Run from TypeScript sources (tests, tsx), the compiled copy in dist/ is used. */
function workerFile(): string | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/store/verifiedReadsWorker.js', here) : new URL('./verifiedReadsWorker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

/**
 * Below this many bytes to check, the files are read and checked here: a thread costs ~25 ms to start (about what
 * checking 40 MB costs) and leaves its memory arena behind (~8 MB of the bot's resident memory on the seed briefing).
 */
export const VERIFIED_READS_THREAD_MIN_BYTES = 32 * 1024 * 1024;

let running = 0;
/** Threads started and not yet exited (tests check that none is left behind). */
export function runningVerifiedReadWorkers(): number {
  return running;
}

/** Starts reading `files` of `dir`; every promise is settled (and never unhandled) whatever happens. */
export function startVerifiedReads(dir: string, files: VerifiedRead[], settings: { workerFile?: string | null; minThreadBytes?: number } = {}): VerifiedReads {
  const file = settings.workerFile === undefined ? workerFile() : settings.workerFile;
  const waiting = new Map(files.map((f) => [f.name, deferred<Buffer>()]));
  const readHere = (list: VerifiedRead[]) => {
    for (const f of list) {
      const read = f.keep ? readVerified(dir, f.name, f.want) : verifyFile(dir, f.name, f.want).then(() => Buffer.alloc(0));
      read.then(waiting.get(f.name)!.resolve, waiting.get(f.name)!.reject);
    }
  };
  const onThread = files.filter((f) => !f.here);
  const inThread = () => readHere(onThread);
  let worker: Worker | null = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    if (worker) void worker.terminate();
    worker = null;
    for (const d of waiting.values()) d.reject(new Error('the store load was stopped'));
  };
  const threadBytes = onThread.reduce((sum, f) => sum + f.want.bytes, 0);
  if (!file || onThread.length === 0 || threadBytes < (settings.minThreadBytes ?? VERIFIED_READS_THREAD_MIN_BYTES)) inThread();
  else {
    try {
      worker = new Worker(file);
    } catch {
      inThread();
    }
  }
  // After the thread is asked to start: it takes longer to start than these take to read.
  readHere(files.filter((f) => f.here));
  if (worker) {
    running++;
    let answered = 0;
    let fellBack = false;
    // A thread that fails before answering anything hands the whole job to this thread; one that fails
    // half-way fails the files it had not answered (their reads are not tried twice).
    const failRest = (why: string) => {
      if (stopped || fellBack) return; // an 'exit' follows every 'error'
      if (worker) void worker.terminate();
      worker = null;
      if (answered === 0) {
        fellBack = true;
        inThread();
        return;
      }
      for (const f of onThread) waiting.get(f.name)!.reject(new Error(why));
    };
    worker.on('message', (reply: VerifiedReadsReply) => {
      const d = waiting.get(reply.name);
      if (!d) return;
      answered++;
      if (reply.error !== undefined) d.reject(new Error(reply.error));
      else d.resolve(reply.bytes ? Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength) : Buffer.alloc(0));
      if (answered === onThread.length && worker) {
        void worker.terminate();
        worker = null;
      }
    });
    worker.on('error', (error) => failRest(`the store reading thread failed (${error.message})`));
    worker.once('exit', (code) => {
      running--;
      worker = null;
      if (answered < onThread.length) failRest(`the store reading thread stopped (exit code ${code})`);
    });
    worker.postMessage({ dir, files: onThread } satisfies VerifiedReadsRequest);
  }
  return {
    file(name) {
      const d = waiting.get(name);
      if (!d) return Promise.reject(new Error(`${name} was not asked for`));
      return d.promise;
    },
    stop,
  };
}

/** A promise with its settle functions; settling twice is ignored, and a rejection is never unhandled. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
