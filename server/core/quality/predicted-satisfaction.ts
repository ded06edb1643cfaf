// Predicted satisfaction for every conversation, because ratings are sparse (under one chat in ten): a Bayesian
// linear regression of the CSAT score on the conversation's signals (sentiment at the end and its change,
// escalation, abandonment, waiting, having to repeat to a person). It starts from a prior that encodes what
// support teams know (an unhappy last turn, a long wait and repeating yourself cost satisfaction) and is
// calibrated by every rating that arrives: the posterior mean is the prediction, and the prior weighs like
// PRIOR_RATINGS ratings, so a deployment's own ratings take over within a few hundred.
import type { InteractionOutcome } from './outcome.ts';

/** What the prediction reads of an outcome. */
export type SatisfactionSignals = Pick<
  InteractionOutcome,
  'sentimentEnd' | 'sentimentChange' | 'escalated' | 'escalatedAfterAi' | 'abandoned' | 'repeatsToPerson' | 'toPersonSeconds'
>;

export const FEATURE_NAMES = [
  'intercept',
  'sentiment at the end',
  'sentiment change',
  'escalated',
  'escalated after an AI answer',
  'left the queue',
  'repeated to a person',
  'log minutes to a person',
] as const;

/** The prior mean of each weight, in CSAT points (see FEATURE_NAMES). */
const PRIOR_WEIGHTS = [4.1, 0.9, 0.5, -0.2, -0.3, -1.2, -0.4, -0.25];
/** How many ratings the prior is worth. */
const PRIOR_RATINGS = 30;
/** Assumed variance of a rating around its prediction (CSAT scores spread about one point). */
const NOISE_VARIANCE = 1;
const D = FEATURE_NAMES.length;

/** The feature vector of an outcome, written into `out`. */
export function satisfactionFeatures(o: SatisfactionSignals, out: Float64Array = new Float64Array(D)): Float64Array {
  out[0] = 1;
  out[1] = o.sentimentEnd ?? 0;
  out[2] = o.sentimentChange ?? 0;
  out[3] = o.escalated ? 1 : 0;
  out[4] = o.escalatedAfterAi ? 1 : 0;
  out[5] = o.abandoned ? 1 : 0;
  out[6] = o.repeatsToPerson > 0 ? 1 : 0;
  out[7] = o.toPersonSeconds === null ? 0 : Math.log1p(o.toPersonSeconds / 60);
  return out;
}

export interface SatisfactionModelState {
  format: 'tandem-satisfaction/1';
  /** the precision matrix (row-major) and the precision-weighted mean, both including the prior */
  precision: number[];
  weighted: number[];
  ratings: number;
}

export class SatisfactionModel {
  readonly #precision = new Float64Array(D * D);
  readonly #weighted = new Float64Array(D);
  #weights: Float64Array<ArrayBuffer> = new Float64Array(D);
  #ratings = 0;
  readonly #x = new Float64Array(D);

  constructor(state?: SatisfactionModelState) {
    if (state) {
      if (state.format !== 'tandem-satisfaction/1' || state.precision.length !== D * D) throw new Error('unknown satisfaction model state');
      this.#precision.set(state.precision);
      this.#weighted.set(state.weighted);
      this.#ratings = state.ratings;
    } else {
      // Prior: independent weights, each worth PRIOR_RATINGS observations of a unit feature.
      const lambda = PRIOR_RATINGS / NOISE_VARIANCE;
      for (let i = 0; i < D; i++) {
        this.#precision[i * D + i] = lambda;
        this.#weighted[i] = lambda * PRIOR_WEIGHTS[i]!;
      }
    }
    this.#weights = solve(this.#precision, this.#weighted);
  }

  /** Ratings learned from so far. */
  get ratings(): number {
    return this.#ratings;
  }

  /** The current weights, by FEATURE_NAMES (read-only: the model's own array). */
  weights(): Readonly<Float64Array> {
    return this.#weights;
  }

  /** Expected CSAT 1..5 of a conversation with these signals. */
  predict(o: SatisfactionSignals): number {
    const x = satisfactionFeatures(o, this.#x);
    let y = 0;
    for (let i = 0; i < D; i++) y += this.#weights[i]! * x[i]!;
    return Math.min(5, Math.max(1, y));
  }

  /** Learn from one rating of a conversation with these signals. */
  observe(o: SatisfactionSignals, score: number): void {
    const x = satisfactionFeatures(o, this.#x);
    for (let i = 0; i < D; i++) {
      this.#weighted[i]! += (x[i]! * score) / NOISE_VARIANCE;
      for (let j = 0; j < D; j++) this.#precision[i * D + j]! += (x[i]! * x[j]!) / NOISE_VARIANCE;
    }
    this.#ratings++;
    this.#weights = solve(this.#precision, this.#weighted);
  }

  state(): SatisfactionModelState {
    return { format: 'tandem-satisfaction/1', precision: [...this.#precision], weighted: [...this.#weighted], ratings: this.#ratings };
  }
}

/** Solve A w = b for a small symmetric positive-definite A (Cholesky). */
function solve(a: Float64Array, b: Float64Array): Float64Array<ArrayBuffer> {
  const n = b.length;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * w[k]!;
    w[i] = sum / l[i * n + i]!;
  }
  return w;
}
