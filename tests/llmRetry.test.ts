import { HumanMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel } from '../src/llm/chatModel.js';
import { loadLlmConfig } from '../src/llm/config.js';
import { invokeChat, LlmCallError } from '../src/llm/invoke.js';
import { DEFAULT_RETRY_POLICY, retryAfterMs, retryDelayMs, type RetryPolicy } from '../src/llm/retry.js';
import { startFakeModelServer, type FakeModelServer } from './helpers/fakeModelServer.js';

const policy = (random: number, overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, random: () => random, ...overrides });

describe('retry delays', () => {
  it('grow exponentially up to the ceiling, with full jitter below it', () => {
    const top = policy(0.999999, { baseDelayMs: 100, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(retry, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelayMs(3, policy(0, { baseDelayMs: 100 }))).toBe(0);
    expect(retryDelayMs(3, policy(0.5, { baseDelayMs: 100, maxDelayMs: 1000 }))).toBe(200);
  });

  it("never come back before the server's Retry-After, even past the ceiling", () => {
    expect(retryDelayMs(1, policy(0, { maxDelayMs: 1000 }), 5000)).toBe(5000);
    const jittered = retryDelayMs(1, policy(0.5, { baseDelayMs: 100 }), 2000);
    expect(jittered).toBe(2050);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2020-01-14T12:00:00Z');
  it.each([
    ['seconds', { 'retry-after': '2' }, 2000],
    ['fractional seconds', { 'retry-after': '0.5' }, 500],
    ['an HTTP date', { 'retry-after': 'Tue, 14 Jan 2020 12:00:07 GMT' }, 7000],
    ['an HTTP date already past', { 'retry-after': 'Tue, 14 Jan 2020 11:59:00 GMT' }, 0],
    ['retry-after-ms first', { 'retry-after-ms': '1500', 'retry-after': '9' }, 1500],
    ['a fetch Headers object', new Headers({ 'Retry-After': '3' }), 3000],
    ['unreadable', { 'retry-after': 'soon' }, undefined],
    ['no header', {}, undefined],
    ['no headers at all', undefined, undefined],
  ])('%s → %s ms', (_label, headers, expected) => {
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});

describe('invokeChat with the real ChatOpenAI (built by initChatModel) against the stand-in server', () => {
  let server: FakeModelServer;
  let model: BaseChatModel;
  const messages = [new HumanMessage('Where did they meet?')];
  const chatCalls = () => server.requests.filter((r) => r.path === '/v1/chat/completions');

  beforeAll(async () => {
    server = await startFakeModelServer();
    model = (await createChatModel(loadLlmConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: server.openaiBaseUrl, LLM_MODEL: 'fake-gpt' })))!;
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('sends LLM_MODEL to the provider LLM_PROVIDER names', async () => {
    server.script({ content: 'San Francisco [1].' });
    expect(await invokeChat(model, messages, 5000)).toBe('San Francisco [1].');
    expect(chatCalls()[0].body.model).toBe('fake-gpt');
  });

  it('a 429 with Retry-After: 1 is retried no sooner than a second later, and answers', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' } }, { content: 'San Francisco [1].' });
    expect(await invokeChat(model, messages, 10_000, policy(0))).toBe('San Francisco [1].');
    const [first, second] = chatCalls();
    expect(chatCalls()).toHaveLength(2);
    expect(second.time - first.time).toBeGreaterThanOrEqual(1000);
  });

  it('a Retry-After beyond the time budget ends at once as rate-limited, without waiting or calling again', async () => {
    server.script({ status: 429, headers: { 'retry-after': '30' } }, { content: 'too late' });
    const failure = await invokeChat(model, messages, 2000).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmCallError);
    expect((failure as LlmCallError).kind).toBe('rate-limited');
    expect(chatCalls()).toHaveLength(1);
  });

  it('5xx is retried with backoff up to the attempt limit', async () => {
    server.script({ status: 503 }, { status: 500 }, { content: 'third time [1]' });
    expect(await invokeChat(model, messages, 10_000, policy(0))).toBe('third time [1]');
    expect(chatCalls()).toHaveLength(3);

    server.reset();
    server.script({ status: 500 }, { status: 502 }, { status: 500 }, { content: 'never asked' });
    const failure = await invokeChat(model, messages, 10_000, policy(0)).catch((error: unknown) => error);
    expect((failure as LlmCallError).kind).toBe('server error');
    expect(chatCalls()).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it('a timeout is not retried', async () => {
    server.script({ delayMs: 1500, content: 'too late' }, { content: 'never asked' });
    const failure = await invokeChat(model, messages, 300, policy(0)).catch((error: unknown) => error);
    expect((failure as LlmCallError).kind).toBe('timeout');
    expect(chatCalls()).toHaveLength(1);
  });
});

describe('createChatModel', () => {
  it('is null offline, and builds the Ollama client from LLM_BASE_URL', async () => {
    expect(await createChatModel(loadLlmConfig({}))).toBeNull();
    const server = await startFakeModelServer();
    try {
      server.script({ content: 'Di San Francisco [1].' });
      const ollama = (await createChatModel(loadLlmConfig({ LLM_PROVIDER: 'ollama', LLM_BASE_URL: server.url, LLM_MODEL: 'fake-llama' })))!;
      expect(await invokeChat(ollama, [new HumanMessage('Di mana?')], 5000)).toBe('Di San Francisco [1].');
      expect(server.requests.find((r) => r.path === '/api/chat')?.body.model).toBe('fake-llama');
    } finally {
      await server.close();
    }
  });
});
