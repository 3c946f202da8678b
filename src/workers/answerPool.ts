import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { AnswerResult, AskOptions } from '../answer/types.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import type { BriefingService } from '../service.js';
import { loadReader } from '../reader/modelFile.js';
import { shareReader } from './sharedReader.js';
import { storeFingerprint, type AnswerReply, type AnswerTask, type AnswerWorkerData, type StoreRef } from './answerTask.js';

/** Anything that answers questions the way the answer engine does (the pool, or the engine itself). */
export interface QuestionAnswerer {
  ask(question: string, options?: AskOptions): Promise<AnswerResult>;
}

export interface AnswerPoolOptions {
  /** Worker threads (≥ 1), each with its own copy of the knowledge base (the reader's weights are shared). */
  workers: number;
  /** Environment for the engine's settings in the workers; secrets are left out before it crosses. */
  env: Record<string, string | undefined>;
  /**
   * A question a worker has not answered this long after starting it fails, and the worker is stopped and
   * replaced: a pathological question costs one worker for a while, never the bot. Default 10 s.
   */
  timeoutMs?: number;
  /** Tests only: a question equal to this makes a worker exit (`crashOn`) or spin forever (`hangOn`) mid-task. */
  crashOn?: string;
  hangOn?: string;
  /** A worker failed while no question was running on it (it is replaced); nothing is thrown. */
  onWorkerError?: (error: unknown) => void;
}

const here = fileURLToPath(import.meta.url);
// Worker threads run compiled JavaScript: from dist/ next to this file, or, when this file runs as TypeScript
// source (vitest, tsx), from the dist/ build of the same source (the test setup rebuilds a stale dist/).
const WORKER_FILE = here.endsWith('.ts')
  ? path.resolve(path.dirname(here), '../../dist/src/workers/answerWorker.js')
  : path.join(path.dirname(here), 'answerWorker.js');

/** Offline answers take milliseconds; this long means something is wrong with the question or the worker. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Variables the workers never need (they answer offline, from the store on disk). */
const SECRET = /TOKEN|API_KEY|SECRET|PASSWORD|DATABASE_URL/i;

/**
 * Extractive answers in worker threads (piscina), so a question's CPU work never delays the bot's gateway
 * events and acknowledgements. Each task names the store the service serves at the moment it is asked; a worker
 * switches to it before answering (so after `/reindex`, in-flight answers finish on the old store and the next
 * ones use the new). When a worker can't reach that store, or its thread dies, the caller learns it: the answer
 * comes from `inProcess` instead, or the promise rejects (the bot then replies with an error id).
 */
export class AnswerPool implements QuestionAnswerer {
  private readonly pool: Piscina<AnswerTask, AnswerReply>;
  /** Answers the workers gave, and questions handed back to `inProcess` because a worker had another store. */
  readonly counts = { answered: 0, handedBack: 0 };
  private seenKb: KnowledgeBase | null = null;
  private seen: StoreRef = { store: '', generation: 0 };
  private readonly swaps: BroadcastChannel;
  private readonly unsubscribe: () => void;
  private readonly timeoutMs: number;
  /**
   * Questions wait here, first come first served, until a worker is free, rather than in piscina's queue: with
   * an abort signal, piscina lets a new task overtake the queued ones whenever it arrives as a worker frees up,
   * and 20 questions in flight on one worker left the first ones waiting for seconds.
   */
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly capacity: number;

  constructor(
    private readonly service: BriefingService,
    private readonly inProcess: QuestionAnswerer,
    options: AnswerPoolOptions,
  ) {
    const env = Object.fromEntries(Object.entries(options.env).filter(([name]) => !SECRET.test(name)));
    const swapChannel = `briefing-answer-swaps-${process.pid}-${randomBytes(6).toString('hex')}`;
    const workerData: AnswerWorkerData = {
      config: service.config,
      env,
      reader: shareReader(loadReader()),
      initial: this.currentStore(),
      swapChannel,
      ...(options.crashOn !== undefined ? { crashOn: options.crashOn } : {}),
      ...(options.hangOn !== undefined ? { hangOn: options.hangOn } : {}),
    };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.capacity = options.workers;
    this.pool = new Piscina<AnswerTask, AnswerReply>({
      filename: WORKER_FILE,
      minThreads: options.workers,
      maxThreads: options.workers,
      // Idle workers keep their knowledge base: loading it again would cost the next question.
      idleTimeout: Number.POSITIVE_INFINITY,
      // Idle workers wait for messages on their event loop, not in Atomics.wait: their store loads (at start, after
      // a swap) go on while no question is running.
      atomics: 'disabled',
      // On shutdown the bot has already drained (or politely failed) its replies: stop within the watchdog's time.
      closeTimeout: 3000,
      workerData,
    });
    // Without a listener, an idle worker's failure would be an unhandled 'error' event: the bot would stop.
    this.pool.on('error', (error: unknown) => options.onWorkerError?.(error));
    this.swaps = new BroadcastChannel(swapChannel);
    this.swaps.unref();
    // Tell the workers at once; each also checks the store named by every task, so nothing depends on this.
    this.unsubscribe = service.onSwap(() => this.swaps.postMessage(this.currentStore()));
  }

  get workers(): number {
    return this.pool.threads.length;
  }

  async ask(question: string, options: AskOptions = {}): Promise<AnswerResult> {
    // No thread at all: the workers failed while starting (piscina then stops replacing them). Answer here
    // rather than queue the question for a thread that will never come.
    if (this.pool.threads.length === 0) {
      this.counts.handedBack += 1;
      return this.inProcess.ask(question, options);
    }
    let reply: AnswerReply;
    await this.turn();
    try {
      reply = await this.pool.run({ question, options, target: this.currentStore() }, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw new Error(`no answer within ${this.timeoutMs} ms; the worker was stopped and replaced`, { cause: error });
      throw error;
    } finally {
      this.done();
    }
    if (reply.kind === 'answered') {
      this.counts.answered += 1;
      return reply.result;
    }
    this.counts.handedBack += 1;
    return this.inProcess.ask(question, options);
  }

  /** Resolves when a worker is free for this question (in arrival order). */
  private async turn(): Promise<void> {
    if (this.running < this.capacity) {
      this.running += 1;
      return;
    }
    // The question finishing hands its place straight to this one (`running` stays the same).
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private done(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }

  /** The store the service serves now, numbered by swap (computed once per swap). */
  private currentStore(): StoreRef {
    const kb = this.service.kb;
    if (kb !== this.seenKb) {
      this.seenKb = kb;
      this.seen = { store: storeFingerprint(this.service.manifest), generation: this.seen.generation + 1 };
    }
    return this.seen;
  }

  /** Lets the queued answers finish, then stops the threads. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.swaps.close();
    await this.pool.close();
  }
}
