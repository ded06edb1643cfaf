// Sequential change detection for one stream of observations (one metric of one interaction type): Page's
// CUSUM (Page 1954; Montgomery, "Introduction to Statistical Quality Control", ch. 9) against the stream's own
// baseline. The baseline learns only from observations older than a guard of `guard` observations, so a
// degradation is tested against what came before it rather than absorbed into the baseline while the
// evidence accumulates; it stops learning while an alarm stands. Pure and allocation-free per observation.

/** The newest `size` observations, held back from a baseline: pushing one returns the one that leaves. */
class GuardQueue<T> {
  readonly #size: number;
  readonly #items: T[] = [];
  #head = 0;

  constructor(size: number) {
    this.#size = size;
  }

  push(x: T): T | undefined {
    this.#items.push(x);
    if (this.#items.length - this.#head <= this.#size) return undefined;
    const oldest = this.#items[this.#head++]!;
    if (this.#head > 4096) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return oldest;
  }
}

/** Mean and variance of the observations that have left the guard: all of them up to `memory`, then an
 *  exponentially weighted mean with that many observations of memory (slow drift is followed). */
export class DelayedBaseline {
  readonly #guard: GuardQueue<number>;
  readonly #memory: number;
  #n = 0;
  #mean = 0;
  #m2 = 0;
  #variance = 0;
  frozen = false;

  constructor(guard: number, memory: number) {
    this.#guard = new GuardQueue(guard);
    this.#memory = memory;
  }

  /** Observations the baseline has learned from. */
  get n(): number {
    return this.#n;
  }
  get mean(): number {
    return this.#mean;
  }
  get variance(): number {
    return this.#variance;
  }

  /** Take a new observation into the guard; the oldest one in the guard moves into the baseline. */
  push(x: number): void {
    const oldest = this.#guard.push(x);
    if (oldest !== undefined && !this.frozen) this.#learn(oldest);
  }

  #learn(x: number): void {
    this.#n++;
    const delta = x - this.#mean;
    if (this.#n <= this.#memory) {
      // Welford's running mean and variance
      this.#mean += delta / this.#n;
      this.#m2 += delta * (x - this.#mean);
      this.#variance = this.#n > 1 ? this.#m2 / (this.#n - 1) : 0;
    } else {
      // then an exponentially weighted mean and variance with `memory` observations of memory
      const alpha = 1 / this.#memory;
      this.#mean += alpha * delta;
      this.#variance = (1 - alpha) * (this.#variance + alpha * delta * delta);
    }
  }
}

export interface CusumState {
  /** the statistic: evidence that the stream got worse, ≥ 0 */
  statistic: number;
  /** observations and their sum since the statistic last left zero: the "recent" figure of the evidence */
  runN: number;
  runSum: number;
}

export interface CusumVerdict {
  fired: boolean;
  statistic: number;
  threshold: number;
  baseline: number;
  recent: number;
  recentN: number;
}

export interface StreamOptions {
  /** which way is worse */
  worse: 'down' | 'up';
  /** the decision threshold h */
  threshold: number;
  /** observations the baseline needs before the test runs */
  minBaseline: number;
  /** observations held back from the baseline */
  guard: number;
  /** baseline memory, in observations */
  memory: number;
}

/** One-sided CUSUM on a continuous metric, standardized by the baseline: detects a shift of 2k standard deviations. */
export class GaussianCusum {
  readonly options: StreamOptions & { k: number; clip: number };
  readonly baseline: DelayedBaseline;
  readonly state: CusumState = { statistic: 0, runN: 0, runSum: 0 };

  constructor(options: StreamOptions & { k: number; clip?: number }) {
    this.options = { clip: 4, ...options };
    this.baseline = new DelayedBaseline(options.guard, options.memory);
  }

  /** Add one observation; returns the verdict once the baseline is ready, else null. */
  observe(x: number): CusumVerdict | null {
    const b = this.baseline;
    let verdict: CusumVerdict | null = null;
    if (b.n >= this.options.minBaseline && b.variance > 0) {
      const sd = Math.sqrt(b.variance);
      const z = Math.max(-this.options.clip, Math.min(this.options.clip, (x - b.mean) / sd));
      const worse = this.options.worse === 'down' ? -z : z;
      verdict = step(this.state, worse - this.options.k, x, this.options.threshold, b.mean);
    }
    b.push(x);
    return verdict;
  }
}

/** One-sided Bernoulli CUSUM (log-likelihood ratio of p1 against the baseline rate p0). */
export class BernoulliCusum {
  readonly options: StreamOptions & { relativeRisk: number; minShift: number };
  readonly baseline: DelayedBaseline;
  readonly state: CusumState = { statistic: 0, runN: 0, runSum: 0 };

  constructor(options: StreamOptions & { relativeRisk: number; minShift: number }) {
    this.options = options;
    this.baseline = new DelayedBaseline(options.guard, options.memory);
  }

  observe(x: 0 | 1): CusumVerdict | null {
    const b = this.baseline;
    let verdict: CusumVerdict | null = null;
    if (b.n >= this.options.minBaseline) {
      // A rate of 0 in the baseline would make any event infinitely surprising: start from a pseudo-count.
      const p0 = Math.min(0.98, Math.max((b.mean * b.n + 0.5) / (b.n + 1), 0.002));
      const up = this.options.worse === 'up';
      const shifted = up ? Math.max(p0 * this.options.relativeRisk, p0 + this.options.minShift) : Math.min(p0 / this.options.relativeRisk, p0 - this.options.minShift);
      const p1 = Math.min(0.99, Math.max(0.001, shifted));
      const llr = x === 1 ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
      verdict = step(this.state, llr, x, this.options.threshold, p0);
    }
    b.push(x);
    return verdict;
  }
}

function step(state: CusumState, increment: number, x: number, threshold: number, baseline: number): CusumVerdict {
  const next = state.statistic + increment;
  if (next <= 0) {
    state.statistic = 0;
    state.runN = 0;
    state.runSum = 0;
  } else {
    state.statistic = next;
    state.runN++;
    state.runSum += x;
  }
  const fired = state.statistic > threshold;
  const verdict: CusumVerdict = {
    fired,
    statistic: state.statistic,
    threshold,
    baseline,
    recent: state.runN ? state.runSum / state.runN : x,
    recentN: Math.max(state.runN, 1),
  };
  if (fired) {
    state.statistic = 0;
    state.runN = 0;
    state.runSum = 0;
  }
  return verdict;
}

/**
 * The mean and covariance of feature vectors that have left the guard (the same rules as DelayedBaseline).
 * A linear score's baseline under any weights is then w·mean and wᵀ·cov·w: a model that keeps learning does
 * not shift its own baseline.
 */
export class DelayedVectorBaseline {
  readonly #guard: GuardQueue<Float64Array>;
  readonly #memory: number;
  readonly #d: number;
  #n = 0;
  readonly mean: Float64Array;
  /** row-major covariance */
  readonly covariance: Float64Array;
  readonly #m2: Float64Array;
  frozen = false;

  constructor(dimension: number, guard: number, memory: number) {
    this.#d = dimension;
    this.#guard = new GuardQueue(guard);
    this.#memory = memory;
    this.mean = new Float64Array(dimension);
    this.covariance = new Float64Array(dimension * dimension);
    this.#m2 = new Float64Array(dimension * dimension);
  }

  get n(): number {
    return this.#n;
  }

  push(x: ArrayLike<number>): void {
    const oldest = this.#guard.push(Float64Array.from(x));
    if (oldest !== undefined && !this.frozen) this.#learn(oldest);
  }

  #learn(x: Float64Array): void {
    const d = this.#d;
    this.#n++;
    const delta = new Float64Array(d);
    for (let i = 0; i < d; i++) delta[i] = x[i]! - this.mean[i]!;
    if (this.#n <= this.#memory) {
      for (let i = 0; i < d; i++) this.mean[i]! += delta[i]! / this.#n;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          this.#m2[i * d + j]! += delta[i]! * (x[j]! - this.mean[j]!);
          this.covariance[i * d + j] = this.#n > 1 ? this.#m2[i * d + j]! / (this.#n - 1) : 0;
        }
      }
    } else {
      const alpha = 1 / this.#memory;
      for (let i = 0; i < d; i++) this.mean[i]! += alpha * delta[i]!;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) this.covariance[i * d + j] = (1 - alpha) * (this.covariance[i * d + j]! + alpha * delta[i]! * delta[j]!);
      }
    }
  }

  /** The baseline mean and variance of the score w·x. */
  score(w: ArrayLike<number>): { mean: number; variance: number } {
    const d = this.#d;
    let mean = 0;
    let variance = 0;
    for (let i = 0; i < d; i++) {
      mean += w[i]! * this.mean[i]!;
      for (let j = 0; j < d; j++) variance += w[i]! * this.covariance[i * d + j]! * w[j]!;
    }
    return { mean, variance };
  }
}

/**
 * CUSUM on a linear score w·x whose weights may change between observations (a model still learning): each
 * observation is standardized by the baseline of the features scored with the current weights.
 */
export class LinearScoreCusum {
  readonly options: StreamOptions & { k: number; clip: number };
  readonly baseline: DelayedVectorBaseline;
  readonly state: CusumState = { statistic: 0, runN: 0, runSum: 0 };

  constructor(dimension: number, options: StreamOptions & { k: number; clip?: number }) {
    this.options = { clip: 4, ...options };
    this.baseline = new DelayedVectorBaseline(dimension, options.guard, options.memory);
  }

  observe(x: ArrayLike<number>, w: ArrayLike<number>): CusumVerdict | null {
    let verdict: CusumVerdict | null = null;
    if (this.baseline.n >= this.options.minBaseline) {
      const { mean, variance } = this.baseline.score(w);
      if (variance > 0) {
        let score = 0;
        for (let i = 0; i < x.length; i++) score += w[i]! * x[i]!;
        const z = Math.max(-this.options.clip, Math.min(this.options.clip, (score - mean) / Math.sqrt(variance)));
        const worse = this.options.worse === 'down' ? -z : z;
        verdict = step(this.state, worse - this.options.k, score, this.options.threshold, mean);
      }
    }
    this.baseline.push(x);
    return verdict;
  }
}
