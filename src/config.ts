import path from 'node:path';
import { ConfigError } from './errors.js';

/**
 * Every setting the project reads from the environment, parsed and validated in one place.
 * README.md and .env.example list the same variables; keep the three in step.
 */
export type EmbeddingsProvider = 'hashing' | 'openai' | 'ollama';
export type LlmProvider = 'none' | 'openai' | 'anthropic' | 'ollama';

export interface CoreConfig {
  rootDir: string;
  seedsDir: string;
  vectorstoreDir: string;
  seedMaxBytes: number;
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

export function readString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

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

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw.slice(0, 40)}"`);
}

export function readEnum<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw.slice(0, 40)}"`);
  }
  return raw as T;
}

export function readList(env: Env, name: string): string[] {
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const DEFAULT_MODELS: Record<EmbeddingsProvider, string> = {
  hashing: 'hashing-v1',
  openai: 'text-embedding-3-small',
  ollama: 'nomic-embed-text',
};

export function loadCoreConfig(env: Env = process.env, rootDir = process.cwd()): CoreConfig {
  const provider = readEnum<EmbeddingsProvider>(env, 'EMBEDDINGS_PROVIDER', 'hashing', ['hashing', 'openai', 'ollama']);
  return {
    rootDir,
    seedsDir: path.resolve(rootDir, readString(env, 'SEEDS_DIR', 'seeds')),
    vectorstoreDir: path.resolve(rootDir, readString(env, 'VECTORSTORE_DIR', 'vectorstore')),
    seedMaxBytes: readInt(env, 'SEED_MAX_BYTES', 5_000_000, 1, 1_000_000_000),
    chunkTargetChars: readInt(env, 'CHUNK_SIZE', 600, 100, 8000),
    chunkOverlapSentences: readInt(env, 'CHUNK_OVERLAP', 1, 0, 5),
    embeddings: {
      provider,
      model: readString(env, 'EMBEDDINGS_MODEL', DEFAULT_MODELS[provider]),
      dimensions: readInt(env, 'EMBEDDINGS_DIMENSIONS', 1024, 64, 8192),
      openaiApiKey: readOptional(env, 'OPENAI_API_KEY'),
      openaiBaseUrl: readOptional(env, 'OPENAI_BASE_URL'),
      ollamaBaseUrl: readString(env, 'OLLAMA_BASE_URL', 'http://127.0.0.1:11434'),
    },
    hnswEf: readInt(env, 'HNSW_EF', 200, 10, 5000),
    hnswM: readInt(env, 'HNSW_M', 32, 4, 128),
    lexicalWeight: readFloat(env, 'HYBRID_LEXICAL_WEIGHT', 0.99, 0, 1),
  };
}
