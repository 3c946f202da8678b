import { randomBytes } from 'node:crypto';
import { UserInputError, oneLine } from '../errors.js';
import type { Logger } from './logger.js';

export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * What the user sees when handling failed: a UserInputError's own one-line message, otherwise a short apology
 * with an error id. The full error (with the same id) goes to the log.
 */
export function reportFailure(log: Logger, error: unknown, context: Record<string, unknown>): string {
  if (error instanceof UserInputError) return oneLine(error);
  const errorId = newErrorId();
  log.error({ err: error, errorId, ...context }, 'handling failed');
  return `Sorry, something went wrong on my side (error id \`${errorId}\`). Please try again.`;
}
