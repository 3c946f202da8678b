import { parentPort } from 'node:worker_threads';
import { extractText, UnreadableDocument, type FormatLimits } from './index.js';

/** Worker-thread entry: reads the one file it is sent (offThread.ts sends the next only after the reply). */
const port = parentPort;
if (!port) throw new Error('extractWorker.js runs only as a worker thread');
port.on('message', async ({ bytes, fileName, limits }: { bytes: Uint8Array; fileName: string; limits: FormatLimits }) => {
  try {
    port.postMessage({ ok: true, result: await extractText(bytes, fileName, limits) });
  } catch (error) {
    port.postMessage({ ok: false, unreadable: error instanceof UnreadableDocument, message: String((error as Error)?.message ?? error) });
  }
});
