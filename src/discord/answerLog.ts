import { randomBytes } from 'node:crypto';
import type { AnswerMode, Citation } from '../answer/types.js';
import { JsonlFile } from './jsonlFile.js';
import { hasStrings, isCitationList, isObject } from './recordShapes.js';

/** What a button needs to act on an answer after a restart: stored under a short key carried in its custom_id. */
export interface LoggedAnswer {
  key: string;
  time: string;
  kind: 'answer' | 'summary';
  question: string;
  answer: string;
  mode: AnswerMode;
  abstained: boolean;
  citations: Citation[];
}

/** A line of the answer log that a button can use: every field present with its type. */
export function isLoggedAnswer(value: unknown): value is LoggedAnswer {
  return (
    isObject(value) &&
    hasStrings(value, ['key', 'time', 'question', 'answer', 'mode']) &&
    (value.kind === 'answer' || value.kind === 'summary') &&
    typeof value.abstained === 'boolean' &&
    isCitationList(value.citations)
  );
}

/** Keys are 10 base64url characters (60 bits): short enough for custom_id (≤ 100), not guessable. */
export function newAnswerKey(): string {
  return randomBytes(8).toString('base64url').slice(0, 10);
}

/**
 * Answers the bot has given, persisted as JSONL so "Show sources" and 👍/👎 keep working after a restart.
 * Recent entries are kept in memory; older ones are found by reading the file.
 */
export class AnswerLog {
  private readonly file: JsonlFile<LoggedAnswer>;
  private readonly recent = new Map<string, LoggedAnswer>();

  constructor(
    file: string,
    private readonly memoryLimit = 2000,
  ) {
    this.file = new JsonlFile(file, isLoggedAnswer);
  }

  async add(entry: Omit<LoggedAnswer, 'key' | 'time'>): Promise<LoggedAnswer> {
    const logged: LoggedAnswer = { key: newAnswerKey(), time: new Date().toISOString(), ...entry };
    this.remember(logged);
    await this.file.append(logged);
    return logged;
  }

  async get(key: string): Promise<LoggedAnswer | undefined> {
    const cached = this.recent.get(key);
    if (cached) return cached;
    const all = await this.file.readAll();
    const found = all.reverse().find((entry) => entry.key === key);
    if (found) this.remember(found);
    return found;
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  private remember(entry: LoggedAnswer): void {
    this.recent.set(entry.key, entry);
    if (this.recent.size > this.memoryLimit) this.recent.delete(this.recent.keys().next().value as string);
  }
}
