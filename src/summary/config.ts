import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { readInt, readOptional } from '../config.js';

type Env = Record<string, string | undefined>;

export interface SummaryConfig {
  /** Where cached summaries live. Outside the store's `gen-*` folders, so a rebuild does not delete it. */
  cacheDir: string;
  /** Most cached summaries kept; the least recently used go first. 0 turns the cache off. */
  cacheMaxEntries: number;
  /** Passages retrieved for a `--topic` summary. */
  topicPassages: number;
  /** Sentences per document the graph work looks at (the first ones): keeps it bounded on long documents. */
  maxSentencesPerDocument: number;
  /** LLM map-reduce: characters of source text per map call. */
  llmChunkChars: number;
  /** LLM map-reduce: most map calls per summary (documents past it are left out and listed). */
  llmMaxMapCalls: number;
}

export function loadSummaryConfig(env: Env, core: CoreConfig): SummaryConfig {
  const dir = readOptional(env, 'SUMMARY_CACHE_DIR');
  return {
    cacheDir: dir ? path.resolve(core.rootDir, dir) : path.join(core.vectorstoreDir, 'summary-cache'),
    cacheMaxEntries: readInt(env, 'SUMMARY_CACHE_MAX_ENTRIES', 200, 0, 100_000),
    topicPassages: readInt(env, 'SUMMARY_TOPIC_PASSAGES', 8, 1, 100),
    maxSentencesPerDocument: readInt(env, 'SUMMARY_MAX_SENTENCES_PER_DOC', 60, 3, 1000),
    llmChunkChars: readInt(env, 'SUMMARY_LLM_CHUNK_CHARS', 6000, 500, 200_000),
    llmMaxMapCalls: readInt(env, 'SUMMARY_LLM_MAX_MAP_CALLS', 12, 1, 200),
  };
}
