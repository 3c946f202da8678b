import { parentPort } from 'node:worker_threads';
import { oneLine } from '../errors.js';
import { buildGeneration, type BuildRequest } from './buildGeneration.js';

/**
 * Worker-thread entry: store builds (`buildGeneration`), one at a time, each request answered with progress
 * messages and then its outcome or its error. The thread stays up between builds (modules loaded, stemmer cache
 * warm), so the next `/reindex` does not pay for starting it.
 */
const port = parentPort;
if (!port) throw new Error('buildWorker.js runs only as a worker thread');
port.on('message', (request: BuildRequest) => {
  buildGeneration(request, (done, total) => port.postMessage({ type: 'progress', done, total })).then(
    (outcome) => port.postMessage({ type: 'done', outcome }),
    (error: unknown) => port.postMessage({ type: 'failed', message: oneLine(error) }),
  );
});
