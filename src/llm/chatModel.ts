import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { initChatModel } from 'langchain/chat_models/universal';
import type { LlmConfig, LlmProviderName } from './config.js';

type Provider = Exclude<LlmProviderName, 'none'>;

/** Each provider's own names for the same settings (its LangChain class's constructor fields). */
function providerFields(provider: Provider, config: LlmConfig): Record<string, unknown> {
  switch (provider) {
    case 'openai':
      return {
        // The client insists on some key even for a local OpenAI-compatible server.
        apiKey: config.apiKey ?? 'not-needed',
        configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
        timeout: config.timeoutMs,
      };
    case 'anthropic':
      return { apiKey: config.apiKey, clientOptions: config.baseUrl ? { baseURL: config.baseUrl } : undefined };
    case 'ollama':
      return { baseUrl: config.baseUrl };
  }
}

/**
 * The configured chat model, built by LangChain's initChatModel from LLM_PROVIDER / LLM_MODEL (it loads only
 * that provider's package), or null when LLM_PROVIDER is unset/none. LangChain's own retries are off
 * (maxRetries: 0): src/llm/invoke.ts owns the time budget, the backoff and Retry-After.
 */
export async function createChatModel(config: LlmConfig): Promise<BaseChatModel | null> {
  if (config.provider === 'none') return null;
  return initChatModel(config.model, { modelProvider: config.provider, temperature: 0, maxRetries: 0, ...providerFields(config.provider, config) });
}
