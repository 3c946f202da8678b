import { parentPort, workerData } from 'node:worker_threads';
import { buildGeneration, type BuildRequest } from './buildGeneration.js';

/** Worker-thread entry: one store build (`buildGeneration`), progress and the outcome posted back. */
const port = parentPort;
if (!port) throw new Error('buildWorker.js runs only as a worker thread');
const outcome = await buildGeneration(workerData as BuildRequest, (done, total) => port.postMessage({ type: 'progress', done, total }));
port.postMessage({ type: 'done', outcome });
