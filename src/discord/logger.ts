import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { errorSerializer, redactDiscordUrls } from './logRedaction.js';

export type { Logger };

/** Keys that may carry secrets wherever they appear in a logged object. */
const REDACT_PATHS = ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'config.token'];

/**
 * A stream that scrubs secrets from every line before it reaches `destination`. pino's `redact` only knows
 * paths; this also catches a token that ends up inside an error message or a URL, and interaction tokens in
 * webhook/interaction URLs wherever they appear.
 */
export function redactingStream(destination: NodeJS.WritableStream, secrets: string[]): Writable {
  const needles = secrets.filter((s) => s.length >= 8);
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      let line = redactDiscordUrls(String(chunk));
      for (const secret of needles) line = line.split(secret).join('[REDACTED]');
      // Hand the line over and return at once: waiting for the destination's callback would hold the last
      // lines in this stream's buffer when the process exits right after logging "stopped".
      destination.write(line);
      callback();
    },
  });
}

export interface LoggerOptions {
  level?: string;
  secrets?: string[];
  /** LOG_CONTENT: keep request bodies of failed Discord calls (questions, answers) in logged errors. */
  logContent?: boolean;
  /** Defaults to stdout. Tests pass a stream they can read. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = redactingStream(options.destination ?? process.stdout, options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'briefing-bot' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: errorSerializer(options.logContent ?? false) },
    },
    stream,
  );
}
