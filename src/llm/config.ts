import { loadSettings } from '../configSchema.js';

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

/** The LLM settings from the validated environment (src/configSchema.ts checks keys against the provider). */
export function loadLlmConfig(env: Env = process.env): LlmConfig {
  const s = loadSettings(env);
  const provider = s.LLM_PROVIDER;
  const providerKey = provider === 'openai' ? s.OPENAI_API_KEY : provider === 'anthropic' ? s.ANTHROPIC_API_KEY : undefined;
  const providerBaseUrl = provider === 'openai' ? s.OPENAI_BASE_URL : provider === 'ollama' ? s.OLLAMA_BASE_URL : undefined;
  return {
    provider,
    model: provider === 'none' ? '' : (s.LLM_MODEL ?? DEFAULT_MODELS[provider]),
    apiKey: s.LLM_API_KEY ?? providerKey,
    baseUrl: s.LLM_BASE_URL ?? providerBaseUrl,
    timeoutMs: s.LLM_TIMEOUT_MS,
    contextChars: s.LLM_CONTEXT_CHARS,
  };
}

/** For logs and `/help`: provider and model, never the key. */
export function describeLlm(config: LlmConfig): string {
  return config.provider === 'none' ? 'offline (extractive)' : `${config.provider} ${config.model}`;
}
