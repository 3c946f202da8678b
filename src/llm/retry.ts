/**
 * When to try a model call again: exponential backoff with full jitter, or the server's own `Retry-After`
 * (seconds or an HTTP date; OpenAI's `retry-after-ms` too) when it sends one.
 */
export interface RetryPolicy {
  /** Calls in all, the first included. */
  maxAttempts: number;
  /** The backoff ceiling before the first retry; it doubles for each later one. */
  baseDelayMs: number;
  /** No single wait is longer than this, unless the server asks for more. */
  maxDelayMs: number;
  /** In [0, 1); injectable so tests can pin the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4000, random: Math.random };

/**
 * How long to wait before retry number `retry` (1 for the first retry). Full jitter (a uniform wait up to the
 * exponential ceiling) spreads clients that failed together. A server's Retry-After is a floor: we never come
 * back sooner, and add a little jitter on top so callers it throttled together do not return together.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs + policy.random() * policy.baseDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(policy.random() * ceiling);
}

type HeaderBag = { get?: (name: string) => string | null } & Record<string, unknown>;

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const bag = headers as HeaderBag;
  // The provider SDKs hand over either a fetch Headers object or a plain record.
  const value = typeof bag.get === 'function' ? bag.get(name) : (bag[name] ?? bag[name.toLowerCase()]);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The wait a server asked for, in ms, from an error's response headers; undefined when it gave none we can read. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
