// Trains a LinearModel: multinomial logistic regression, AdaGrad, L2, a seeded shuffle (same data and
// seed → the same artifact). Then fits a temperature on held-out data so that confidences are calibrated.

import { FEATURE_BUCKETS } from '../core/triage/features.ts';
import { LinearModel, softmax } from '../core/triage/linear-model.ts';

export interface TrainingExample {
  features: Int32Array;
  label: number;
  /** sample weight, e.g. to balance classes; default 1 */
  weight?: number;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 12, learningRate: 0.5, l2: 1e-6, seed: 7 };

/** Mulberry32: a small seeded PRNG, enough for shuffling. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainSoftmax(
  classes: readonly string[],
  examples: readonly TrainingExample[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): LinearModel {
  const k = classes.length;
  const weights = new Float32Array(FEATURE_BUCKETS * k);
  const squared = new Float32Array(FEATURE_BUCKETS * k);
  const bias = new Float32Array(k);
  const biasSquared = new Float32Array(k);
  const logits = new Float64Array(k);
  const probabilities = new Float64Array(k);
  const order = examples.map((_, i) => i);
  const random = seededRandom(options.seed);
  const { learningRate, l2 } = options;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const example = examples[index]!;
      const { features } = example;
      const n = features.length;
      if (n === 0) continue;
      const value = 1 / Math.sqrt(n);
      for (let c = 0; c < k; c++) logits[c] = 0;
      for (let f = 0; f < n; f++) {
        const row = features[f]! * k;
        for (let c = 0; c < k; c++) logits[c]! += weights[row + c]!;
      }
      for (let c = 0; c < k; c++) logits[c] = logits[c]! * value + bias[c]!;
      softmax(logits, 1, probabilities);
      const sampleWeight = example.weight ?? 1;
      for (let c = 0; c < k; c++) {
        const gradient = (probabilities[c]! - (c === example.label ? 1 : 0)) * sampleWeight;
        if (gradient === 0) continue;
        for (let f = 0; f < n; f++) {
          const at = features[f]! * k + c;
          const g = gradient * value + l2 * weights[at]!;
          squared[at]! += g * g;
          weights[at]! -= (learningRate * g) / (Math.sqrt(squared[at]!) + 1e-8);
        }
        biasSquared[c]! += gradient * gradient;
        bias[c]! -= (learningRate * gradient) / (Math.sqrt(biasSquared[c]!) + 1e-8);
      }
    }
  }
  return new LinearModel(classes, weights, bias);
}

/**
 * The temperature T minimising the negative log-likelihood of the held-out examples (Guo et al. 2017,
 * "On Calibration of Modern Neural Networks"), by a golden-section search over [0.05, 20].
 */
export function fitTemperature(model: LinearModel, heldOut: readonly TrainingExample[]): number {
  const k = model.classes.length;
  const cached = heldOut.map((example) => {
    return { logits: model.logits({ ids: example.features, count: example.features.length }, new Float64Array(k)), label: example.label };
  });
  const probabilities = new Float64Array(k);
  const nll = (t: number): number => {
    let total = 0;
    for (const { logits, label } of cached) total -= Math.log(Math.max(softmax(logits, t, probabilities)[label]!, 1e-12));
    return total / Math.max(cached.length, 1);
  };
  let low = Math.log(0.05);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (nll(Math.exp(a)) < nll(Math.exp(b))) high = b;
    else low = a;
  }
  return Math.exp((low + high) / 2);
}
