import { workerData } from 'node:worker_threads';
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

// Opened as soon as the thread starts (not on the first question). A failure is reported to the task that waits
// for it and retried by the next one; never thrown at start-up (piscina stops replacing workers that fail there).
let loading: Promise<Loaded> = open();
loading.catch(() => undefined);
/** The store this worker tried to switch to and could not reach: not retried for every question. */
let unreachable: string | null = null;

async function ready(): Promise<Loaded> {
  try {
    return await loading;
  } catch (error) {
    loading = open();
    loading.catch(() => undefined);
    throw error;
  }
}

export default async function answer(task: AnswerTask): Promise<AnswerReply> {
  if (data.crashOn !== undefined && task.question === data.crashOn) process.exit(70);
  let current = await ready();
  if (current.store !== task.store && unreachable !== task.store) {
    const previous = current;
    // Tasks run one at a time per worker: nothing is answering from the old store while it is replaced.
    loading = reopen(previous).catch(() => previous);
    current = await loading;
    if (current.store !== task.store) unreachable = task.store;
  }
  if (current.store !== task.store) return { kind: 'other-store', store: current.store };
  return { kind: 'answered', result: await current.engine.ask(task.question, task.options) };
}
