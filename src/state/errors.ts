import { UserInputError } from '../errors.js';

/**
 * Shared state that cannot be reached right now. A UserInputError so the bot shows the message as it is (a
 * polite ephemeral line, not an error id): the operator has already been told through the log.
 */
export class StateUnavailableError extends UserInputError {
  override name = 'StateUnavailableError';
}

/** A vote kept in memory until PostgreSQL is back. */
export class FeedbackDeferredError extends StateUnavailableError {
  override name = 'FeedbackDeferredError';
  constructor() {
    super('I cannot store feedback right now; I have kept your vote and will save it as soon as I can.');
  }
}
