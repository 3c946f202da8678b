import { UserInputError } from '../errors.js';

/** What people type (questions, queries, topics, messages), cleaned the same way by the CLI, the console and the bot. */

/** Longest question or query we accept, in characters. */
export const MAX_QUERY_CHARS = 2000;

/**
 * Characters that are invisible or reorder text without being words: C0/C1 controls, zero-width characters,
 * line/paragraph separators, the BOM, and the bidirectional controls (LRE…RLO U+202A–U+202E, isolates
 * U+2066–U+2069, LRM/RLM U+200E/F, the Arabic letter mark U+061C). Only they: a question made of them is empty.
 */
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Replaces invisible and bidi control characters by spaces (shared by the CLI, the console and the bot). */
export function stripControls(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, ' ');
}

/**
 * Cleans a question or query: control characters are removed (never echoed raw), whitespace folded.
 * Throws a UserInputError with a one-line reason when nothing usable is left or it is too long.
 */
export function cleanQuery(raw: string, what = 'query', maxChars = MAX_QUERY_CHARS): string {
  const cleaned = stripControls(raw).replace(/\s+/g, ' ').trim();
  if (!cleaned) throw new UserInputError(`The ${what} is empty.`);
  if (cleaned.length > maxChars) throw new UserInputError(`The ${what} is too long (${cleaned.length} characters; the limit is ${maxChars}).`);
  return cleaned;
}
