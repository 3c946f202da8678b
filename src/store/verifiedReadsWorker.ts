import { parentPort } from 'node:worker_threads';
import { readVerifiedSync, verifyFileSync } from './checksum.js';
import type { VerifiedReadsReply, VerifiedReadsRequest } from './verifiedReads.js';

/**
 * Worker-thread entry (`verifiedReads.ts`): reads and checks a generation's files one after another, answering
 * each as soon as it is done (its bytes transferred), a failure as the reason. One request per thread.
 * Synchronous reads: this thread has nothing else to do, and a single read call per file is the fastest way.
 */
const port = parentPort;
if (!port) throw new Error('verifiedReadsWorker.js runs only as a worker thread');
port.once('message', ({ dir, files }: VerifiedReadsRequest) => {
  for (const { name, want, keep } of files) {
    let reply: VerifiedReadsReply;
    let transfer: ArrayBuffer[] = [];
    try {
      if (keep) {
        const bytes = readVerifiedSync(dir, name, want);
        reply = { name, bytes };
        transfer = [bytes.buffer as ArrayBuffer];
      } else {
        verifyFileSync(dir, name, want);
        reply = { name };
      }
    } catch (error) {
      reply = { name, error: (error as Error)?.message ?? String(error) };
    }
    port.postMessage(reply, transfer);
  }
});
