import type { Embeddings } from '@langchain/core/embeddings';
import type { CoreConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { HashingEmbeddings } from './hashingEmbeddings.js';

/** The embeddings the configuration asks for. Neural providers go through LangChain's own clients. */
export async function createEmbeddings(config: CoreConfig['embeddings']): Promise<Embeddings> {
  switch (config.provider) {
    case 'hashing':
      return new HashingEmbeddings({ dimensions: config.dimensions });
    case 'openai': {
      if (!config.openaiApiKey) throw new ConfigError('EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY');
      const { OpenAIEmbeddings } = await import('@langchain/openai');
      return new OpenAIEmbeddings({
        model: config.model,
        apiKey: config.openaiApiKey,
        configuration: config.openaiBaseUrl ? { baseURL: config.openaiBaseUrl } : undefined,
        maxRetries: 1,
      });
    }
    case 'ollama': {
      const { OllamaEmbeddings } = await import('@langchain/ollama');
      return new OllamaEmbeddings({ model: config.model, baseUrl: config.ollamaBaseUrl });
    }
  }
}

/** What identifies the vectors an embedder makes: a store built with another identity must not be used. */
export function embeddingIdentity(config: CoreConfig['embeddings']): { provider: string; model: string } {
  return { provider: config.provider, model: config.model };
}
