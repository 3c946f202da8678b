import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * An append-only JSON-lines file with queued writes: appends never interleave, `flush()` waits for all of them
 * (called on shutdown). A torn last line (crash mid-write) is skipped on read.
 */
export class JsonlFile<T> {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(readonly file: string) {}

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

  async readAll(): Promise<T[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: T[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        // A torn line from a crash: skip it, keep the rest.
      }
    }
    return records;
  }
}
