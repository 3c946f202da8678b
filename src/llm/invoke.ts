import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import type { PromptMessage } from './prompts.js';
import { oneLine } from '../errors.js';
import { DEFAULT_RETRY_POLICY, retryAfterMs, retryDelayMs, type RetryPolicy } from './retry.js';

/** Why a model call failed, in words fit for a one-line notice (never a key, never a stack). */
export type LlmFailureKind = 'timeout' | 'rate-limited' | 'server error' | 'bad response' | 'error';

export class LlmCallError extends Error {
  override name = 'LlmCallError';
  /** The server's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  constructor(readonly kind: LlmFailureKind, detail: string, retryAfterMs?: number) {
    super(`${kind}: ${detail}`);
    this.retryAfterMs = retryAfterMs;
  }
}

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; status_code?: unknown; response?: { status?: unknown } };
  const status = e?.status ?? e?.status_code ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

function classify(error: unknown): LlmCallError {
  if (error instanceof LlmCallError) return error;
  const status = statusOf(error);
  const name = (error as { name?: string })?.name ?? '';
  // Keys can appear in provider messages ("Incorrect API key provided: sk-…"): keep only a short, scrubbed detail.
  const detail = oneLine(error).replace(/\b(sk|key)-[\w-]{6,}/gi, '[redacted]').slice(0, 160);
  const wait = retryAfterMs((error as { headers?: unknown })?.headers);
  if (status === 429) return new LlmCallError('rate-limited', 'HTTP 429', wait);
  if (status !== undefined && status >= 500) return new LlmCallError('server error', `HTTP ${status}`, wait);
  if (name === 'TimeoutError' || name === 'AbortError') return new LlmCallError('timeout', detail);
  if (error instanceof SyntaxError || /json|unexpected token|parse/i.test(detail)) return new LlmCallError('bad response', detail);
  return new LlmCallError('error', status ? `HTTP ${status}` : detail);
}

const retryable = (e: LlmCallError) => e.kind === 'rate-limited' || e.kind === 'server error';

/** LangChain's messages for a prompt (loaded here, on the first call to a model, not when the bot starts). */
async function toLangChain(messages: readonly (PromptMessage | BaseMessage)[]): Promise<BaseMessage[]> {
  const { AIMessage, HumanMessage, SystemMessage, isBaseMessage } = await import('@langchain/core/messages');
  const make = { system: SystemMessage, human: HumanMessage, ai: AIMessage } as const;
  return messages.map((m) => (isBaseMessage(m) ? m : new make[m.role](m.content)));
}

async function invokeOnce(model: BaseChatModel, messages: BaseMessage[], timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new LlmCallError('timeout', `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const reply = await Promise.race([model.invoke(messages, { signal: controller.signal }), timeout]);
    const content = typeof reply.content === 'string' ? reply.content : reply.content.map((p) => ('text' in p ? String(p.text) : '')).join('');
    return content;
  } catch (error) {
    throw classify(error);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls the model, retrying 429 and 5xx with exponential backoff and jitter (or after the server's
 * Retry-After), all within `timeoutMs`: each attempt gets what is left of it, and a wait that would end past
 * it is not started. Throws LlmCallError.
 */
export async function invokeChat(
  model: BaseChatModel,
  prompt: readonly (PromptMessage | BaseMessage)[],
  timeoutMs: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const messages = await toLangChain(prompt);
  for (let attempt = 1; ; attempt++) {
    try {
      return await invokeOnce(model, messages, Math.max(1, deadline - Date.now()));
    } catch (error) {
      const failure = classify(error);
      if (!retryable(failure) || attempt >= policy.maxAttempts) throw failure;
      const wait = retryDelayMs(attempt, policy, failure.retryAfterMs);
      // A retry needs time for the wait and then a call; without it, fail now rather than at the deadline.
      if (Date.now() + wait >= deadline) throw failure;
      await sleep(wait);
    }
  }
}
