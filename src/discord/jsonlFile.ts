import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Says whether a parsed line has the shape of a record; anything else (null, a number, a missing field) is skipped. */
export type RecordCheck<T> = (value: unknown) => value is T;

/** The readable records of a file, and how many lines were skipped as unreadable (torn, not JSON, wrong shape). */
export interface JsonlContents<T> {
  records: T[];
  skipped: number;
}

/**
 * An append-only JSON-lines file with queued writes: appends never interleave, `flush()` waits for all of them
 * (called on shutdown). On read, every line is parsed and checked: a torn last line (crash mid-write) or a line
 * someone edited into `null` is skipped and counted, never fatal to the readers.
 */
export class JsonlFile<T> {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly file: string,
    private readonly isRecord: RecordCheck<T>,
  ) {}

  append(record: T): Promise<void> {
    this.pending += 1;
    const line = `${JSON.stringify(record)}\n`;
    const write = this.queue.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, line, 'utf8');
    });
    this.queue = write.catch(() => undefined).finally(() => {
      this.pending -= 1;
    });
    return write;
  }

  get pendingWrites(): number {
    return this.pending;
  }

  async flush(): Promise<void> {
    await this.queue;
  }

  async read(): Promise<JsonlContents<T>> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
      throw error;
    }
    const records: T[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        skipped += 1;
        continue;
      }
      if (this.isRecord(value)) records.push(value);
      else skipped += 1;
    }
    return { records, skipped };
  }

  async readAll(): Promise<T[]> {
    return (await this.read()).records;
  }
}
