import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIEmbeddings } from '@langchain/openai';
import { OllamaEmbeddings } from '@langchain/ollama';
import { loadCoreConfig } from '../src/config.js';
import { createEmbeddings } from '../src/embed/providers.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { startFakeEmbeddingServer, type FakeEmbeddingServer } from './helpers/fakeEmbeddingServer.js';
import { tempProject } from './helpers/tempProject.js';

let server: FakeEmbeddingServer;
beforeAll(async () => {
  server = await startFakeEmbeddingServer(256);
});
afterAll(async () => {
  await server.close();
});

describe('embedding providers through the real LangChain clients', () => {
  it('openai: OpenAIEmbeddings over HTTP, base64 floats decoded, key sent, store built and searched', async () => {
    const p = await tempProject();
    try {
      const env = { EMBEDDINGS_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-not-a-secret', OPENAI_BASE_URL: `${server.url}/v1`, EMBEDDINGS_MODEL: 'text-embedding-3-small' };
      const embeddings = await createEmbeddings(p.config(env).embeddings);
      expect(embeddings).toBeInstanceOf(OpenAIEmbeddings);
      const opened = await openKnowledgeBase(p.config(env));
      expect(opened.manifest.embedding).toEqual({ provider: 'openai', model: 'text-embedding-3-small', dimensions: 256 });
      const request = server.requests.find((r) => r.path === '/v1/embeddings')!;
      expect(request.body.encoding_format).toBe('base64');
      expect(request.authorization).toBe('Bearer sk-test-not-a-secret');
      const hits = await opened.kb.search('Toshimitsu Motegi', { k: 1 });
      expect(hits[0].chunk.text).toContain('Motegi');
      // Switching back to the hashing embedder must not reuse vectors made by another model.
      expect((await openKnowledgeBase(p.config())).rebuiltBecause).toMatch(/embeddings changed/);
    } finally {
      await p.cleanup();
    }
  });

  it('ollama: OllamaEmbeddings over HTTP', async () => {
    const p = await tempProject();
    try {
      const env = { EMBEDDINGS_PROVIDER: 'ollama', OLLAMA_BASE_URL: server.url, EMBEDDINGS_MODEL: 'nomic-embed-text' };
      expect(await createEmbeddings(p.config(env).embeddings)).toBeInstanceOf(OllamaEmbeddings);
      const opened = await openKnowledgeBase(p.config(env));
      expect(opened.manifest.embedding).toEqual({ provider: 'ollama', model: 'nomic-embed-text', dimensions: 256 });
      expect(server.requests.some((r) => r.path === '/api/embed' && r.body.model === 'nomic-embed-text')).toBe(true);
      const hits = await opened.kb.search('Selat Hormuz', { k: 1 });
      expect(hits[0].chunk.text).toContain('Hormuz');
    } finally {
      await p.cleanup();
    }
  });

  it('refuses openai without a key, with a one-line configuration error', async () => {
    await expect(createEmbeddings(loadCoreConfig({ EMBEDDINGS_PROVIDER: 'openai' }).embeddings)).rejects.toThrow(/OPENAI_API_KEY/);
    expect(() => loadCoreConfig({ EMBEDDINGS_PROVIDER: 'word2vec' })).toThrow(/EMBEDDINGS_PROVIDER must be one of/);
  });
});
