/** An error caused by what the user gave us (input, flags, configuration). Its message is one line, safe to show. */
export class UserInputError extends Error {
  override name = 'UserInputError';
}

export class ConfigError extends UserInputError {
  override name = 'ConfigError';
}

/** One line, never a stack: for messages shown to people. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().slice(0, 500);
}
