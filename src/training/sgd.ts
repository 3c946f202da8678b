import type { FeatureVector } from '../reader/features.js';
import { emptyModel, type LinearModel } from '../reader/linearModel.js';

/** A compact copy of a feature vector (training holds hundreds of thousands of them). */
export interface PackedFeatures {
  keys: Int32Array;
  values: Float32Array;
}

export function pack(f: FeatureVector): PackedFeatures {
  return { keys: Int32Array.from(f.keys), values: Float32Array.from(f.values) };
}

/** One softmax choice: candidates and which of them are right (at least one). */
export interface ChoiceExample {
  candidates: PackedFeatures[];
  positives: number[];
}

export interface BinaryExample {
  features: PackedFeatures;
  label: boolean;
  weight: number;
}

export interface SgdOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  random: () => number;
}

export const DEFAULT_SGD: Omit<SgdOptions, 'random'> = { epochs: 5, learningRate: 0.1, l2: 1e-6 };

function score(model: LinearModel, f: PackedFeatures): number {
  let z = model.bias;
  for (let i = 0; i < f.keys.length; i++) z += model.weights[f.keys[i]] * f.values[i];
  return z;
}

/**
 * AdaGrad step on every weight the example touches, with L2 on those weights only (lazy regularisation).
 * `bias` is null for softmax models, where a bias cancels out.
 */
function step(model: LinearModel, squares: Float32Array, f: PackedFeatures, gradient: number, o: SgdOptions, bias: { square: number } | null): void {
  for (let i = 0; i < f.keys.length; i++) {
    const k = f.keys[i];
    const g = gradient * f.values[i] + o.l2 * model.weights[k];
    squares[k] += g * g;
    model.weights[k] -= (o.learningRate * g) / Math.sqrt(squares[k] + 1e-8);
  }
  if (bias) {
    bias.square += gradient * gradient;
    model.bias -= (o.learningRate * gradient) / Math.sqrt(bias.square + 1e-8);
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Listwise softmax ranking: maximises the probability mass on the right candidates (any of several right
 * answers may take it). The bias cancels in a softmax, so it is left at 0.
 */
export function trainChoice(examples: readonly ChoiceExample[], o: SgdOptions): LinearModel {
  const model = emptyModel();
  const squares = new Float32Array(model.weights.length);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (const ex of shuffled(examples, o.random)) {
      const scores = ex.candidates.map((c) => score(model, c));
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const positiveMass = ex.positives.reduce((a, i) => a + exps[i], 0);
      const isPositive = new Set(ex.positives);
      ex.candidates.forEach((c, i) => {
        const p = exps[i] / total;
        const target = isPositive.has(i) ? exps[i] / positiveMass : 0;
        const gradient = p - target;
        if (Math.abs(gradient) > 1e-4) step(model, squares, c, gradient, o, null);
      });
    }
  }
  return model;
}

/** Weighted logistic regression. */
export function trainBinary(examples: readonly BinaryExample[], o: SgdOptions): LinearModel {
  const model = emptyModel();
  const squares = new Float32Array(model.weights.length);
  const bias = { square: 0 };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (const ex of shuffled(examples, o.random)) {
      const p = 1 / (1 + Math.exp(-score(model, ex.features)));
      step(model, squares, ex.features, ex.weight * (p - (ex.label ? 1 : 0)), o, bias);
    }
  }
  return model;
}
