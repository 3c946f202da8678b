import { FEATURE_BITS, type FeatureVector } from './features.js';

/** A linear model over hashed features: a bias and one weight per bucket. */
export interface LinearModel {
  bias: number;
  weights: Float32Array;
}

export function emptyModel(): LinearModel {
  return { bias: 0, weights: new Float32Array(1 << FEATURE_BITS) };
}

export function linearScore(model: LinearModel, features: FeatureVector): number {
  let z = model.bias;
  const { keys, values } = features;
  for (let i = 0; i < keys.length; i++) z += model.weights[keys[i]] * values[i];
  return z;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Softmax of scores, numerically stable. */
export function softmax(scores: readonly number[]): number[] {
  if (scores.length === 0) return [];
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Stored form: the bias, and the non-zero weights as parallel index and value arrays. */
export interface SparseWeights {
  bias: number;
  indexes: Int32Array;
  values: Float32Array;
}

export function sparseWeights(model: LinearModel): SparseWeights {
  const idx: number[] = [];
  const val: number[] = [];
  model.weights.forEach((w, i) => {
    if (w !== 0) {
      idx.push(i);
      val.push(w);
    }
  });
  return { bias: model.bias, indexes: Int32Array.from(idx), values: Float32Array.from(val) };
}

export function denseModel(sparse: SparseWeights): LinearModel {
  const model = emptyModel();
  const { indexes, values } = sparse;
  if (indexes.length !== values.length) throw new Error('model file: index and value arrays differ in length');
  for (let i = 0; i < indexes.length; i++) {
    if (indexes[i] < 0 || indexes[i] >= model.weights.length) throw new Error('model file: weight index out of range');
    model.weights[indexes[i]] = values[i];
  }
  model.bias = sparse.bias;
  return model;
}
