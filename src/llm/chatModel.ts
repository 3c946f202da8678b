import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import type { LlmConfig } from './config.js';

/**
 * The configured LangChain chat model, or null when LLM_PROVIDER is unset/none. LangChain's own retries are
 * off (maxRetries: 0): src/llm/invoke.ts owns the timeout and the single retry.
 */
export function createChatModel(config: LlmConfig): BaseChatModel | null {
  switch (config.provider) {
    case 'none':
      return null;
    case 'openai':
      return new ChatOpenAI({
        model: config.model,
        // The client insists on some key even for a local OpenAI-compatible server.
        apiKey: config.apiKey ?? 'not-needed',
        configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
        temperature: 0,
        maxRetries: 0,
        timeout: config.timeoutMs,
      });
    case 'anthropic':
      return new ChatAnthropic({
        model: config.model,
        apiKey: config.apiKey,
        clientOptions: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
        temperature: 0,
        maxRetries: 0,
      });
    case 'ollama':
      return new ChatOllama({ model: config.model, baseUrl: config.baseUrl, temperature: 0, maxRetries: 0 });
  }
}
