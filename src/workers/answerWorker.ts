import { BroadcastChannel, workerData } from 'node:worker_threads';
import { BriefingService } from '../service.js';
import { createAnswerEngine, type AnswerEngine } from '../answer/engine.js';
import { provideReader } from '../reader/modelFile.js';
import { storeFingerprint, type AnswerReply, type AnswerTask, type AnswerWorkerData } from './answerTask.js';

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
  store: string;
}

async function open(): Promise<Loaded> {
  const service = await BriefingService.open(data.config);
  const engine = createAnswerEngine(service, data.env);
  // One question at start so the first user's answer does not pay for the first run of every code path.
  await engine.ask('Siapa?');
  return { service, engine, store: storeFingerprint(service.manifest) };
}

/** Re-reads the store after the bot swapped its own (e.g. `/reindex`); the old one serves until the new one is in. */
async function reopen(current: Loaded): Promise<Loaded> {
  await current.service.reindex();
  return { ...current, store: storeFingerprint(current.service.manifest) };
}

// Opened as soon as the thread starts, not on the first question (the pool runs its threads without Atomics
// waits, so this goes on while the worker is idle). A failure is reported to the task waiting for it and retried
// by the next one; never thrown at start-up (piscina stops replacing workers that fail there).
let loading: Promise<Loaded> = open();
loading.catch(() => undefined);
/** The store this worker tried to switch to and could not reach: not retried for every question. */
let unreachable: string | null = null;

/** The worker's store once it is `store` (switching first when it can); every switch waits for the one before. */
function storeFor(store: string): Promise<Loaded> {
  const next = loading.then(
    (current) => (current.store === store || unreachable === store ? current : switchTo(current, store)),
    () => open(),
  );
  loading = next;
  next.catch(() => undefined);
  return next;
}

async function switchTo(current: Loaded, store: string): Promise<Loaded> {
  const next = await reopen(current).catch(() => current);
  if (next.store !== store) unreachable = store;
  return next;
}

// The bot announces each swap, so the new store loads before the next question rather than during it.
if (data.swapChannel) {
  const swaps = new BroadcastChannel(data.swapChannel);
  swaps.onmessage = (event) => void storeFor(String((event as MessageEvent).data));
  swaps.unref();
}

export default async function answer(task: AnswerTask): Promise<AnswerReply> {
  if (data.crashOn !== undefined && task.question === data.crashOn) process.exit(70);
  if (data.hangOn !== undefined && task.question === data.hangOn) for (;;);
  // An answer already running keeps the knowledge base it started with (the engine reads it once per question).
  const current = await storeFor(task.store);
  if (current.store !== task.store) return { kind: 'other-store', store: current.store };
  return { kind: 'answered', result: await current.engine.ask(task.question, task.options) };
}
