import { parentPort } from 'node:worker_threads';
import { oneLine } from '../errors.js';
import { HashingEmbeddings, type HashingIdf } from './hashingEmbeddings.js';

/**
 * Worker-thread entry for `parallelHashing.ts`: embeds batches of texts with the hashing embedder it is given
 * (dimensions and IDF), answering each with the vectors as one flat Float64Array (transferred, not copied; the
 * same doubles `embedDocuments` returns).
 */
export type EmbeddingRequest =
  | { type: 'init'; dimensions: number; idf?: HashingIdf }
  | { type: 'embed'; id: number; texts: string[] };

export type EmbeddingReply = { id: number; vectors: Float64Array } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('embeddingWorker.js runs only as a worker thread');
let embeddings: HashingEmbeddings | null = null;
port.on('message', (request: EmbeddingRequest) => {
  if (request.type === 'init') {
    embeddings = new HashingEmbeddings({ dimensions: request.dimensions, idf: request.idf });
    return;
  }
  try {
    if (!embeddings) throw new Error('embedding worker used before init');
    const flat = new Float64Array(request.texts.length * embeddings.dimensions);
    request.texts.forEach((text, i) => flat.set(embeddings!.embedText(text), i * embeddings!.dimensions));
    const reply: EmbeddingReply = { id: request.id, vectors: flat };
    port.postMessage(reply, [flat.buffer]);
  } catch (error) {
    port.postMessage({ id: request.id, error: oneLine(error) } satisfies EmbeddingReply);
  }
});
