import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatModel } from '../src/llm/chatModel.js';
import { loadLlmConfig } from '../src/llm/config.js';
import { BriefingRetriever, type PassageMetadata } from '../src/retrieve/retriever.js';
import { BriefingService } from '../src/service.js';
import { chatMessages, startFakeModelServer, type FakeModelServer } from './helpers/fakeModelServer.js';
import { tempProject } from './helpers/tempProject.js';

let project: Awaited<ReturnType<typeof tempProject>>;
let service: BriefingService;
let server: FakeModelServer;
let seed: string;

beforeAll(async () => {
  project = await tempProject();
  service = await BriefingService.open(project.config());
  server = await startFakeModelServer();
  seed = await fs.readFile(path.join(project.seeds, (await fs.readdir(project.seeds))[0]), 'utf8');
});
afterAll(async () => {
  await server?.close();
  await project?.cleanup();
});

describe('BriefingRetriever', () => {
  it('returns the hybrid search as Documents whose metadata cites the exact source slice', async () => {
    const retriever = new BriefingRetriever({ knowledgeBase: () => service.kb, k: 3 });
    const docs = await retriever.invoke('Selat Hormuz');
    const hits = await service.kb.search('Selat Hormuz', { k: 3 });
    expect(docs.map((d) => d.metadata.chunkId)).toEqual(hits.map((h) => h.chunk.id));
    expect(docs[0].pageContent).toContain('Selat Hormuz');
    for (const [i, doc] of docs.entries()) {
      expect(doc.metadata.rank).toBe(i + 1);
      expect(doc.metadata.source).toMatch(/^seeds\/.+\.txt$/);
      expect(seed.slice(doc.metadata.start, doc.metadata.end)).toBe(doc.pageContent);
    }
  });

  it('keeps to one source when asked', async () => {
    const retriever = new BriefingRetriever({ knowledgeBase: () => service.kb, source: 'seeds/nothing-here.txt' });
    expect(await retriever.invoke('Selat Hormuz')).toEqual([]);
  });

  it('composes in a LangChain chain: retriever → prompt → the real ChatOpenAI (stand-in server) → text', async () => {
    const retriever = new BriefingRetriever({ knowledgeBase: () => service.kb, k: 2 });
    const model = (await createChatModel(loadLlmConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: server.openaiBaseUrl, LLM_MODEL: 'fake-gpt' })))!;
    const numbered = (docs: Document<PassageMetadata>[]) => docs.map((d, i) => `[${i + 1}] ${d.pageContent} (${d.metadata.source} ${d.metadata.start}-${d.metadata.end})`).join('\n');
    const chain = RunnableSequence.from([
      { passages: retriever.pipe(numbered), question: new RunnablePassthrough() },
      ChatPromptTemplate.fromMessages([
        ['system', 'Answer only from these passages, citing [n]:\n{passages}'],
        ['human', '{question}'],
      ]),
      model,
      new StringOutputParser(),
    ]);
    server.script({ content: 'Mereka bertemu di San Francisco [1].' });

    const answer = await chain.invoke('Di mana Kang Kyung-wha dan Mike Pompeo bertemu?');

    expect(answer).toBe('Mereka bertemu di San Francisco [1].');
    const prompt = chatMessages(server.requests.at(-1)!);
    const [top] = await retriever.invoke('Di mana Kang Kyung-wha dan Mike Pompeo bertemu?');
    expect(prompt[0].content).toContain(`[1] ${top.pageContent} (${top.metadata.source} ${top.metadata.start}-${top.metadata.end})`);
    expect(prompt[1]).toEqual({ role: 'user', content: 'Di mana Kang Kyung-wha dan Mike Pompeo bertemu?' });
  });
});
