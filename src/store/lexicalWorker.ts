import { parentPort } from 'node:worker_threads';
import { LexicalIndex } from '../retrieve/lexicalIndex.js';
import type { LexicalReply, LexicalRequest } from './lexicalBuild.js';

/**
 * Worker-thread entry (`lexicalBuild.ts`): builds one BM25 index and answers with it serialised, in one buffer
 * transferred rather than copied. One request per thread; the caller ends the thread after the reply.
 */
const port = parentPort;
if (!port) throw new Error('lexicalWorker.js runs only as a worker thread');
port.once('message', (request: LexicalRequest) => {
  let reply: LexicalReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (!Array.isArray(request?.texts)) throw new Error('lexical worker: no texts');
    // Sources only matter to searches, which the build thread makes on the index it reads back.
    const bytes = new LexicalIndex(request.texts.map((text) => ({ text, source: '' }))).serialize();
    reply = { type: 'done', bytes };
    transfer = [bytes.buffer as ArrayBuffer];
  } catch (error) {
    reply = { type: 'failed', message: (error as Error)?.message ?? String(error) };
  }
  port.postMessage(reply, transfer);
});
