import { readEnum, readInt, readOptional, readString } from '../config.js';
import { ConfigError } from '../errors.js';

/** Settings of the optional language model (README: "LLM mode"). Provider "none" means offline answers. */
export type LlmProviderName = 'none' | 'openai' | 'anthropic' | 'ollama';

export interface LlmConfig {
  provider: LlmProviderName;
  model: string;
  apiKey?: string;
  baseUrl?: string;
  /** Per model call: every attempt and every wait between them together. */
  timeoutMs: number;
  /** Most characters of numbered passages put into one prompt. */
  contextChars: number;
}

const DEFAULT_MODELS: Record<Exclude<LlmProviderName, 'none'>, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  ollama: 'llama3.1',
};

type Env = Record<string, string | undefined>;

function providerKey(env: Env, provider: LlmProviderName): string | undefined {
  const own = readOptional(env, 'LLM_API_KEY');
  if (own) return own;
  if (provider === 'openai') return readOptional(env, 'OPENAI_API_KEY');
  if (provider === 'anthropic') return readOptional(env, 'ANTHROPIC_API_KEY');
  return undefined;
}

function providerBaseUrl(env: Env, provider: LlmProviderName): string | undefined {
  const own = readOptional(env, 'LLM_BASE_URL');
  if (own) return own;
  if (provider === 'openai') return readOptional(env, 'OPENAI_BASE_URL');
  if (provider === 'ollama') return readString(env, 'OLLAMA_BASE_URL', 'http://127.0.0.1:11434');
  return undefined;
}

export function loadLlmConfig(env: Env = process.env): LlmConfig {
  const provider = readEnum<LlmProviderName>(env, 'LLM_PROVIDER', 'none', ['none', 'openai', 'anthropic', 'ollama']);
  const config: LlmConfig = {
    provider,
    model: provider === 'none' ? '' : readString(env, 'LLM_MODEL', DEFAULT_MODELS[provider]),
    apiKey: providerKey(env, provider),
    baseUrl: providerBaseUrl(env, provider),
    timeoutMs: readInt(env, 'LLM_TIMEOUT_MS', 20_000, 100, 600_000),
    contextChars: readInt(env, 'LLM_CONTEXT_CHARS', 6000, 500, 200_000),
  };
  // A custom OpenAI-compatible server may not need a key; the real services do.
  if (provider === 'openai' && !config.apiKey && !config.baseUrl) {
    throw new ConfigError('LLM_PROVIDER=openai needs LLM_API_KEY or OPENAI_API_KEY (or LLM_BASE_URL for a compatible local server)');
  }
  if (provider === 'anthropic' && !config.apiKey) throw new ConfigError('LLM_PROVIDER=anthropic needs LLM_API_KEY or ANTHROPIC_API_KEY');
  return config;
}

/** For logs and `/help`: provider and model, never the key. */
export function describeLlm(config: LlmConfig): string {
  return config.provider === 'none' ? 'offline (extractive)' : `${config.provider} ${config.model}`;
}
