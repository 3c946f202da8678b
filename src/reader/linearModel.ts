import { FEATURE_BITS, type FeatureVector } from './features.js';

/**
 * A linear model over hashed features: a bias and one weight per bucket — or, for a model read from a file with
 * few non-zero weights, those weights by bucket (`sparse`; `weights` is then empty).
 */
export interface LinearModel {
  bias: number;
  weights: Float32Array;
  sparse?: Map<number, number>;
}

export function emptyModel(): LinearModel {
  return { bias: 0, weights: new Float32Array(1 << FEATURE_BITS) };
}

export function linearScore(model: LinearModel, features: FeatureVector): number {
  let z = model.bias;
  const { keys, values } = features;
  const { sparse, weights } = model;
  if (sparse) for (let i = 0; i < keys.length; i++) z += (sparse.get(keys[i]) ?? 0) * values[i];
  else for (let i = 0; i < keys.length; i++) z += weights[keys[i]] * values[i];
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
  if (model.sparse) {
    const entries = [...model.sparse].filter(([, w]) => w !== 0).sort((a, b) => a[0] - b[0]);
    return { bias: model.bias, indexes: Int32Array.from(entries, ([i]) => i), values: Float32Array.from(entries, ([, w]) => w) };
  }
  model.weights.forEach((w, i) => {
    if (w !== 0) {
      idx.push(i);
      val.push(w);
    }
  });
  return { bias: model.bias, indexes: Int32Array.from(idx), values: Float32Array.from(val) };
}

/**
 * Below this share of non-zero weights a model read from a file keeps them in a Map: three of the reader's four
 * models have 16,633, 166 and 16 non-zero weights of 2^20, and a dense array each was 12 MB of the bot's memory.
 * The scores are the same numbers either way (a missing weight is 0).
 */
const SPARSE_SHARE = 1 / 16;

/** The model stored as `sparse`: dense weights, or the non-zero ones by bucket when they are few. */
export function loadedModel(sparse: SparseWeights): LinearModel {
  const { indexes, values } = sparse;
  if (indexes.length !== values.length) throw new Error('model file: index and value arrays differ in length');
  const buckets = 1 << FEATURE_BITS;
  for (let i = 0; i < indexes.length; i++) {
    if (indexes[i] < 0 || indexes[i] >= buckets) throw new Error('model file: weight index out of range');
  }
  if (indexes.length < buckets * SPARSE_SHARE) {
    const weights = new Map<number, number>();
    for (let i = 0; i < indexes.length; i++) weights.set(indexes[i], values[i]);
    return { bias: sparse.bias, weights: new Float32Array(0), sparse: weights };
  }
  const model = emptyModel();
  for (let i = 0; i < indexes.length; i++) model.weights[indexes[i]] = values[i];
  model.bias = sparse.bias;
  return model;
}
