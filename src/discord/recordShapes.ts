/**
 * Shape checks for the records the bot reads back (answer log, feedback) from SQLite or PostgreSQL. Rows can be
 * edited by an operator or written by another version, so nothing read is trusted until it passes here.
 */
type Fields = Record<string, unknown>;

export const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** A cited passage as stored: number, source and exact position, quote. */
export function isStoredCitation(value: unknown): boolean {
  return isObject(value) && isCount(value.n) && isString(value.source) && isCount(value.start) && isCount(value.end) && isString(value.quote);
}

export function hasStrings(value: Fields, keys: string[]): boolean {
  return keys.every((key) => isString(value[key]));
}

export function isCitationList(value: unknown): boolean {
  return Array.isArray(value) && value.every(isStoredCitation);
}
