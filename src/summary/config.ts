import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { loadSettings } from '../configSchema.js';

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
  const s = loadSettings(env);
  return {
    cacheDir: s.SUMMARY_CACHE_DIR ? path.resolve(core.rootDir, s.SUMMARY_CACHE_DIR) : path.join(core.vectorstoreDir, 'summary-cache'),
    cacheMaxEntries: s.SUMMARY_CACHE_MAX_ENTRIES,
    topicPassages: s.SUMMARY_TOPIC_PASSAGES,
    maxSentencesPerDocument: s.SUMMARY_MAX_SENTENCES_PER_DOC,
    llmChunkChars: s.SUMMARY_LLM_CHUNK_CHARS,
    llmMaxMapCalls: s.SUMMARY_LLM_MAX_MAP_CALLS,
  };
}
