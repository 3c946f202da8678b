import { BroadcastChannel, workerData } from 'node:worker_threads';
import { BriefingService } from '../service.js';
import { createAnswerEngine, type AnswerEngine } from '../answer/engine.js';
import { provideReader } from '../reader/modelFile.js';
import { storeFingerprint, type AnswerReply, type AnswerTask, type AnswerWorkerData, type StoreRef } from './answerTask.js';

/**
 * One answer worker (a piscina thread): its own copy of the knowledge base (the reader is shared), answering
 * extractively so the bot's event loop only does Discord I/O. Tasks run one at a time per worker.
 */
const data = workerData as AnswerWorkerData;
// Before anything loads the reader: the main thread's weights, shared, instead of a 16 MB copy.
provideReader(data.reader);

interface Loaded {
  service: BriefingService;
  engine: AnswerEngine;
  /** The fingerprint of the store this worker has loaded. */
  store: string;
  /** The bot's swap this worker last followed, and whether it reached that swap's store. */
  generation: number;
  reached: boolean;
}

async function open(target: StoreRef): Promise<Loaded> {
  const service = await BriefingService.open(data.config);
  const engine = createAnswerEngine(service, data.env);
  // One question at start so the first user's answer does not pay for the first run of every code path.
  await engine.ask('Siapa?');
  const store = storeFingerprint(service.manifest);
  return { service, engine, store, generation: target.generation, reached: store === target.store };
}

/** Follows a swap of the bot's store (`/reindex`, the seeds watcher): re-reads the store unless it already has it. */
async function switchTo(current: Loaded, target: StoreRef): Promise<Loaded> {
  if (current.store === target.store) return { ...current, generation: target.generation, reached: true };
  try {
    await current.service.reindex();
  } catch {
    // the old store stays; questions for the new one are handed back to the bot
  }
  const store = storeFingerprint(current.service.manifest);
  return { ...current, store, generation: target.generation, reached: store === target.store };
}

// Opened as soon as the thread starts, not on the first question (the pool runs its threads without Atomics
// waits, so this goes on while the worker is idle). A failure is reported to the task waiting for it and retried
// by the next one; never thrown at start-up (piscina stops replacing workers that fail there).
let loading: Promise<Loaded> = open(data.initial);
loading.catch(() => undefined);

/** The worker's store once it has followed the bot up to `target`'s swap; every switch waits for the one before. */
function storeFor(target: StoreRef): Promise<Loaded> {
  const next = loading.then(
    (current) => (target.generation > current.generation ? switchTo(current, target) : current),
    () => open(target),
  );
  loading = next;
  next.catch(() => undefined);
  return next;
}

// The bot announces each swap, so the new store loads before the next question rather than during it.
if (data.swapChannel) {
  const swaps = new BroadcastChannel(data.swapChannel);
  swaps.onmessage = (event) => void storeFor((event as MessageEvent).data as StoreRef);
  swaps.unref();
}

export default async function answer(task: AnswerTask): Promise<AnswerReply> {
  if (data.crashOn !== undefined && task.question === data.crashOn) process.exit(70);
  if (data.hangOn !== undefined && task.question === data.hangOn) for (;;);
  const current = await storeFor(task.target);
  // The task's store, or the one the bot swapped to after sending it (a question that waited in the queue across
  // a swap is answered from what the bot serves now, as an answer started now on the main thread would be).
  const usable = current.store === task.target.store || (current.generation > task.target.generation && current.reached);
  if (!usable) return { kind: 'other-store', store: current.store };
  // An answer already running keeps the knowledge base it started with (the engine reads it once per question).
  return { kind: 'answered', result: await current.engine.ask(task.question, task.options) };
}
