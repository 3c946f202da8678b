import pino from 'pino';

/**
 * What a failed Discord call must not put in the logs. Webhook and interaction URLs carry the interaction token
 * (good for 15 minutes of posting as the bot); @discordjs/rest errors also carry the request body (the question
 * and the answer) and Discord's raw error. Both are cut here unless the operator asked for content (LOG_CONTENT).
 */

const REDACTED = '[REDACTED]';
/** /webhooks/<application id>/<interaction token>… and /interactions/<id>/<token>/callback. */
const TOKEN_IN_PATH = /\/(webhooks|interactions)\/(\d+)\/[^/\s"'?#\\]+/g;

/** The URL with any interaction or webhook token replaced; the route stays readable for debugging. */
export function redactDiscordUrls(text: string): string {
  return text.replace(TOKEN_IN_PATH, `/$1/$2/${REDACTED}`);
}

type Serialized = Record<string, unknown>;

function scrub(serialized: Serialized, logContent: boolean): Serialized {
  const out: Serialized = { ...serialized };
  if (typeof out.url === 'string') out.url = redactDiscordUrls(out.url);
  if ('requestBody' in out && !logContent) out.requestBody = REDACTED;
  if (out.rawError && typeof out.rawError === 'object' && !logContent) {
    // Discord's own code and message are what an operator needs; the rest may echo the request.
    const { code, message } = out.rawError as { code?: unknown; message?: unknown };
    out.rawError = { code, message };
  }
  if (out.cause && typeof out.cause === 'object') out.cause = scrub(out.cause as Serialized, logContent);
  if (Array.isArray(out.aggregateErrors)) out.aggregateErrors = out.aggregateErrors.map((e) => (e && typeof e === 'object' ? scrub(e as Serialized, logContent) : e));
  return out;
}

/**
 * pino's standard error serializer (type, message, stack, own fields), then: URLs without tokens, and without
 * LOG_CONTENT no request body and only the code and message of Discord's raw error.
 */
export function errorSerializer(logContent: boolean): (error: unknown) => unknown {
  return (error) => {
    if (!error || typeof error !== 'object') return error;
    return scrub(pino.stdSerializers.err(error as Error) as unknown as Serialized, logContent);
  };
}
