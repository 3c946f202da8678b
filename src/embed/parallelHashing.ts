import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Embeddings } from '@langchain/core/embeddings';
import { HashingEmbeddings } from './hashingEmbeddings.js';
import type { EmbeddingReply, EmbeddingRequest } from './embeddingWorker.js';

/**
 * Vectors for `texts`, batch by batch, in order. A store build inserts each batch into HNSW (synchronous, one
 * core) as it comes; with the hashing embedder and enough text the batches are computed meanwhile on a second
 * thread, a few ahead, so embedding costs the build next to nothing in wall time. Other embedders (their own
 * HTTP calls) and small inputs embed here, batch by batch. The vectors are the same either way.
 */
/** Below this many texts a thread costs more to start (~50–100 ms) than it saves. */
const PARALLEL_MIN_TEXTS = 2048;
/** Batches computed ahead of the consumer: enough to keep both threads busy, few enough to bound memory. */
const LOOKAHEAD = 3;

/** The compiled worker; run from TypeScript sources (tests), the compiled copy in dist/. */
function workerFile(): string | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/embed/embeddingWorker.js', here) : new URL('./embeddingWorker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

export async function* vectorBatches(embeddings: Embeddings, texts: string[], batchSize: number, options: { parallel?: boolean } = {}): AsyncGenerator<number[][]> {
  const file = embeddings instanceof HashingEmbeddings && (options.parallel ?? texts.length >= PARALLEL_MIN_TEXTS) ? workerFile() : null;
  if (!file || !(embeddings instanceof HashingEmbeddings)) {
    for (let from = 0; from < texts.length; from += batchSize) yield await embeddings.embedDocuments(texts.slice(from, from + batchSize));
    return;
  }
  yield* inWorker(file, embeddings, texts, batchSize);
}

async function* inWorker(file: string, embeddings: HashingEmbeddings, texts: string[], batchSize: number): AsyncGenerator<number[][]> {
  const worker = new Worker(file);
  const pending = new Map<number, { resolve: (vectors: Float64Array) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (reply: EmbeddingReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(`embedding failed: ${reply.error}`));
    else waiter?.resolve(reply.vectors);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the embedding thread stopped (exit code ${code})`)));
  const send = (request: EmbeddingRequest) => worker.postMessage(request);
  send({ type: 'init', dimensions: embeddings.dimensions, idf: embeddings.idf });
  const batches = Math.ceil(texts.length / batchSize);
  const results: Promise<Float64Array>[] = [];
  const request = (id: number) => {
    results[id] = new Promise<Float64Array>((resolve, reject) => pending.set(id, { resolve, reject }));
    results[id].catch(() => undefined); // awaited in order below; a failure is thrown there
    send({ type: 'embed', id, texts: texts.slice(id * batchSize, (id + 1) * batchSize) });
  };
  try {
    for (let id = 0; id < Math.min(LOOKAHEAD, batches); id++) request(id);
    for (let id = 0; id < batches; id++) {
      const flat = await results[id];
      delete results[id];
      if (id + LOOKAHEAD < batches) request(id + LOOKAHEAD);
      const dims = embeddings.dimensions;
      const count = flat.length / dims;
      yield Array.from({ length: count }, (_, i) => Array.from(flat.subarray(i * dims, (i + 1) * dims)));
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
