// A multinomial logistic-regression model over hashed sparse features, and its compact artifact format.
// Scoring is a sum of a few hundred weight rows: well under 10 µs a turn. Training lives in
// server/triage/train.ts; this file only scores and (de)serialises.

import { FEATURE_BUCKETS, type Features } from './features.ts';

export const ARTIFACT_FORMAT = 'tandem-linear/1';

/** The committed artifact: only buckets with a non-zero weight, weights quantised to int16. */
export interface LinearArtifact {
  format: typeof ARTIFACT_FORMAT;
  classes: string[];
  buckets: number;
  temperature: number;
  bias: number[];
  scale: number;
  /** base64 of a Uint32Array of the stored bucket ids, ascending */
  rows: string;
  /** base64 of an Int16Array, rows × classes, weight = value × scale */
  weights: string;
  /** what it was trained on, for people reading the artifact */
  trainedOn: Record<string, unknown>;
}

export class LinearModel {
  readonly classes: readonly string[];
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  temperature: number;
  readonly #logits: Float64Array;

  constructor(classes: readonly string[], weights: Float32Array, bias: Float32Array, temperature = 1) {
    if (weights.length !== FEATURE_BUCKETS * classes.length) throw new Error('weights do not match classes × buckets');
    this.classes = classes;
    this.weights = weights;
    this.bias = bias;
    this.temperature = temperature;
    this.#logits = new Float64Array(classes.length);
  }

  static empty(classes: readonly string[]): LinearModel {
    return new LinearModel(classes, new Float32Array(FEATURE_BUCKETS * classes.length), new Float32Array(classes.length));
  }

  /** Raw scores (before temperature) into `out`. Features count 1/√n each, so long texts are not louder. */
  logits(features: Features, out: Float64Array = this.#logits): Float64Array {
    const k = this.classes.length;
    const value = features.count > 0 ? 1 / Math.sqrt(features.count) : 0;
    for (let c = 0; c < k; c++) out[c] = 0;
    for (let i = 0; i < features.count; i++) {
      const row = features.ids[i]! * k;
      for (let c = 0; c < k; c++) out[c]! += this.weights[row + c]!;
    }
    for (let c = 0; c < k; c++) out[c] = out[c]! * value + this.bias[c]!;
    return out;
  }

  /** Calibrated class probabilities into `out` (softmax of logits / temperature). */
  probabilities(features: Features, out: Float64Array = new Float64Array(this.classes.length)): Float64Array {
    return softmax(this.logits(features), this.temperature, out);
  }

  toArtifact(trainedOn: Record<string, unknown>): LinearArtifact {
    const k = this.classes.length;
    const rows: number[] = [];
    let max = 0;
    for (let b = 0; b < FEATURE_BUCKETS; b++) {
      let used = false;
      for (let c = 0; c < k; c++) {
        const w = Math.abs(this.weights[b * k + c]!);
        if (w > 1e-4) used = true;
        if (w > max) max = w;
      }
      if (used) rows.push(b);
    }
    const scale = max / 32767 || 1;
    const quantised = new Int16Array(rows.length * k);
    rows.forEach((b, r) => {
      for (let c = 0; c < k; c++) quantised[r * k + c] = Math.round(this.weights[b * k + c]! / scale);
    });
    return {
      format: ARTIFACT_FORMAT,
      classes: [...this.classes],
      buckets: FEATURE_BUCKETS,
      temperature: this.temperature,
      bias: Array.from(this.bias, (x) => Math.round(x * 1e6) / 1e6),
      scale,
      rows: Buffer.from(new Uint32Array(rows).buffer).toString('base64'),
      weights: Buffer.from(quantised.buffer).toString('base64'),
      trainedOn,
    };
  }

  static fromArtifact(artifact: LinearArtifact): LinearModel {
    if (artifact.format !== ARTIFACT_FORMAT) throw new Error(`unknown model format ${String(artifact.format)}`);
    if (artifact.buckets !== FEATURE_BUCKETS) throw new Error(`model has ${artifact.buckets} buckets, code expects ${FEATURE_BUCKETS}`);
    const k = artifact.classes.length;
    const rowBytes = Buffer.from(artifact.rows, 'base64');
    const rows = new Uint32Array(rowBytes.buffer, rowBytes.byteOffset, rowBytes.byteLength / 4);
    const weightBytes = Buffer.from(artifact.weights, 'base64');
    const quantised = new Int16Array(weightBytes.buffer, weightBytes.byteOffset, weightBytes.byteLength / 2);
    if (quantised.length !== rows.length * k) throw new Error('model weights are truncated');
    const weights = new Float32Array(FEATURE_BUCKETS * k);
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < k; c++) weights[rows[r]! * k + c] = quantised[r * k + c]! * artifact.scale;
    }
    return new LinearModel(artifact.classes, weights, Float32Array.from(artifact.bias), artifact.temperature);
  }
}

export function softmax(logits: ArrayLike<number>, temperature: number, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < logits.length; c++) max = Math.max(max, logits[c]! / temperature);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    out[c] = Math.exp(logits[c]! / temperature - max);
    sum += out[c]!;
  }
  for (let c = 0; c < logits.length; c++) out[c] = out[c]! / sum;
  return out;
}
