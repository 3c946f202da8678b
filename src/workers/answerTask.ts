import type { CoreConfig } from '../config.js';
import type { AnswerResult, AskOptions } from '../answer/types.js';
import type { StoreManifest } from '../store/manifest.js';
import type { ReaderModel } from '../reader/modelFile.js';

/** What every answer worker is started with (structured-cloned into the thread). */
export interface AnswerWorkerData {
  /** The main service's configuration: the worker opens the same store. */
  config: CoreConfig;
  /** Environment for the answer engine's settings (ANSWER_TOP_K, ANSWER_MIN_CONFIDENCE), without secrets. */
  env: Record<string, string | undefined>;
  /** The main thread's reader, its weights in shared memory (not copied per worker). */
  reader: ReaderModel;
  /** The store the bot served when the pool started. */
  initial: StoreRef;
  /** BroadcastChannel on which the bot announces a store swap (the new StoreRef). */
  swapChannel?: string;
  /** Tests only: a question equal to this makes the worker exit mid-task, as a crash would. */
  crashOn?: string;
  /** Tests only: a question equal to this keeps the worker busy forever, as a pathological input might. */
  hangOn?: string;
}

/** A store the bot served: its fingerprint (`storeFingerprint`) and the bot's count of swaps when it was current. */
export interface StoreRef {
  store: string;
  generation: number;
}

export interface AnswerTask {
  question: string;
  options: AskOptions;
  /**
   * The store the bot served when the question was sent. The worker answers from it, or from a store the bot
   * swapped to since (what the bot serves by the time the answer starts), or says it can't.
   */
  target: StoreRef;
}

/** `answered`, or `other-store` when the worker could not load the store the bot serves (the bot answers itself). */
export type AnswerReply = { kind: 'answered'; result: AnswerResult } | { kind: 'other-store'; store: string };

/**
 * Identifies one build of the store: the same on the main thread and in a worker that loaded the same
 * generation from disk (key order of the JSON files does not matter).
 */
export function storeFingerprint(manifest: StoreManifest): string {
  const seeds = Object.entries(manifest.seeds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([manifest.builtAt, manifest.chunkCount, manifest.readerVersion ?? null, seeds]);
}
