import path from 'node:path';
import { loadSettings } from './configSchema.js';
import { ConfigError } from './errors.js';

/**
 * The core settings (seeds, store, embeddings, retrieval), typed for the code that uses them. Every variable is
 * declared and validated once, in src/configSchema.ts; the read* helpers below parse single values.
 */
export type EmbeddingsProvider = 'hashing' | 'openai' | 'ollama';
export type LlmProvider = 'none' | 'openai' | 'anthropic' | 'ollama';

export interface CoreConfig {
  rootDir: string;
  seedsDir: string;
  vectorstoreDir: string;
  seedMaxBytes: number;
  /** Most pages a PDF seed may have. */
  seedMaxPages: number;
  /** `npm start` rebuilds when the seeds folder changes (WATCH_SEEDS). */
  watchSeeds: boolean;
  chunkTargetChars: number;
  chunkOverlapSentences: number;
  embeddings: {
    provider: EmbeddingsProvider;
    model: string;
    /** Hashing embedder dimensions; neural providers report their own. */
    dimensions: number;
    openaiApiKey?: string;
    openaiBaseUrl?: string;
    ollamaBaseUrl: string;
  };
  hnswEf: number;
  hnswM: number;
  /** Weight of the lexical score in the hybrid fusion (0..1); the dense score gets the rest. */
  lexicalWeight: number;
}

type Env = Record<string, string | undefined>;

export function readOptional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw.slice(0, 40)}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function readFloat(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name} must be a number, got "${raw.slice(0, 40)}"`);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

const DEFAULT_MODELS: Record<EmbeddingsProvider, string> = {
  hashing: 'hashing-v1',
  openai: 'text-embedding-3-small',
  ollama: 'nomic-embed-text',
};

/**
 * HNSW search breadth, which also bounds the dense candidates per search (at least k). With the hashing embedder
 * the dense side is a tie-breaker (lexical weight 0.99): on the training sets (src/bench/denseLegStudy.ts, 7,261
 * chunks, 1,000 questions) ef 10 with 10 candidates gave the same hybrid top 5 as ef 200 with 40 for 99.9% of
 * questions and the same MRR@10, with the search p50 at 1.16 ms instead of 3.81. Neural embeddings carry real
 * weight in the hybrid, and keep the broad search.
 */
const HASHING_HNSW_EF = 10;
const NEURAL_HNSW_EF = 200;

export function loadCoreConfig(env: Env = process.env, rootDir = process.cwd()): CoreConfig {
  const s = loadSettings(env);
  const provider = s.EMBEDDINGS_PROVIDER;
  return {
    rootDir,
    seedsDir: path.resolve(rootDir, s.SEEDS_DIR),
    vectorstoreDir: path.resolve(rootDir, s.VECTORSTORE_DIR),
    seedMaxBytes: s.SEED_MAX_BYTES,
    seedMaxPages: s.SEED_MAX_PAGES,
    watchSeeds: s.WATCH_SEEDS,
    chunkTargetChars: s.CHUNK_SIZE,
    chunkOverlapSentences: s.CHUNK_OVERLAP,
    embeddings: {
      provider,
      model: s.EMBEDDINGS_MODEL ?? DEFAULT_MODELS[provider],
      dimensions: s.EMBEDDINGS_DIMENSIONS,
      openaiApiKey: s.OPENAI_API_KEY,
      openaiBaseUrl: s.OPENAI_BASE_URL,
      ollamaBaseUrl: s.OLLAMA_BASE_URL,
    },
    hnswEf: s.HNSW_EF ?? (provider === 'hashing' ? HASHING_HNSW_EF : NEURAL_HNSW_EF),
    hnswM: s.HNSW_M,
    lexicalWeight: s.HYBRID_LEXICAL_WEIGHT,
  };
}
