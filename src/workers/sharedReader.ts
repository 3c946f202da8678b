import type { LinearModel } from '../reader/linearModel.js';
import type { ReaderModel } from '../reader/modelFile.js';

function isLinearModel(value: unknown): value is LinearModel {
  return typeof value === 'object' && value !== null && (value as LinearModel).weights instanceof Float32Array;
}

/**
 * Moves the reader's weights (four dense 2^20-float arrays, 16 MB) into shared memory, in place, so answer
 * workers get the same bytes instead of a copy each (structured cloning shares a SharedArrayBuffer).
 */
export function shareReader(reader: ReaderModel): ReaderModel {
  for (const model of Object.values(reader)) {
    if (!isLinearModel(model) || model.weights.buffer instanceof SharedArrayBuffer) continue;
    const shared = new Float32Array(new SharedArrayBuffer(model.weights.byteLength));
    shared.set(model.weights);
    model.weights = shared;
  }
  return reader;
}
