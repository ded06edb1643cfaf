// Online calibration of promises, per interaction type: adaptive conformal inference (Gibbs & Candès,
// "Adaptive Conformal Inference Under Distribution Shift", NeurIPS 2021) in its original form.
//
// Each served customer gives a score s = ln((wait + c) / (base + c)): how far the model's quantile was off, on
// a multiplicative scale so one correction serves short and long queues. The correction for the next promise
// is the (1 − αₜ)-quantile of the type's recent scores (a sliding calibration set, so it follows drift), and αₜ
// itself moves after every promise whose outcome is known: αₜ₊₁ = αₜ + γ(α − errₜ), errₜ = 1 when broken. For
// ANY sequence of outcomes, the long-run share of broken promises then tends to α, whatever the model gets
// wrong (concurrency, silent abandonment, heavy tails, customers reacting to what they are told, the grid).
// A type with too few scores of its own borrows the pooled ones.
import type { TypeKey } from './queue-model.ts';

export interface CalibratorOptions {
  /** the stated confidence: the share of promises to keep (default 0.9) */
  confidence?: number;
  /** how far αₜ moves per outcome (default 0.01) */
  step?: number;
  /** recent scores kept per type (default 300) */
  window?: number;
  /** scores a type needs before its own set is used (default 30) */
  minScores?: number;
}

class ScoreWindow {
  readonly #values: number[] = [];
  readonly #size: number;
  #next = 0;
  #sorted: number[] | null = null;

  constructor(size: number) {
    this.#size = size;
  }

  add(score: number): void {
    if (this.#values.length < this.#size) this.#values.push(score);
    else this.#values[this.#next] = score;
    this.#next = (this.#next + 1) % this.#size;
    this.#sorted = null;
  }

  get length(): number {
    return this.#values.length;
  }

  /** The conformal quantile at level `level`: the ⌈level·(n + 1)⌉-th smallest score (the largest past n). */
  quantile(level: number): number {
    this.#sorted ??= [...this.#values].sort((a, b) => a - b);
    const n = this.#sorted.length;
    const rank = Math.ceil(level * (n + 1));
    return this.#sorted[Math.min(n, Math.max(1, rank)) - 1]!;
  }
}

interface Tracker {
  scores: ScoreWindow;
  /** αₜ: the miss rate aimed at now */
  alpha: number;
  outcomes: number;
  broken: number;
}

export class PromiseCalibrator {
  readonly confidence: number;
  readonly #step: number;
  readonly #window: number;
  readonly #minScores: number;
  readonly #types = new Map<TypeKey, Tracker>();
  readonly #pooled: Tracker;

  constructor(options: CalibratorOptions = {}) {
    this.confidence = options.confidence ?? 0.9;
    this.#step = options.step ?? 0.01;
    this.#window = options.window ?? 300;
    this.#minScores = options.minScores ?? 30;
    this.#pooled = this.#tracker();
  }

  #tracker(): Tracker {
    return { scores: new ScoreWindow(this.#window), alpha: 1 - this.confidence, outcomes: 0, broken: 0 };
  }

  #own(key: TypeKey): Tracker {
    let own = this.#types.get(key);
    if (!own) this.#types.set(key, (own = this.#tracker()));
    return own;
  }

  /** The log-scale correction to apply to the model's quantile for a type now (0 before any history). */
  offset(key: TypeKey): number {
    const own = this.#types.get(key);
    const tracker = own && own.scores.length >= this.#minScores ? own : this.#pooled;
    if (tracker.scores.length < this.#minScores) return 0;
    const alpha = (own ?? this.#pooled).alpha;
    // αₜ ≤ 0 asks for a promise no past score broke: the largest one.
    return tracker.scores.quantile(alpha <= 0 ? 1 : Math.min(1, 1 - alpha));
  }

  /** A served customer's wait against the model's quantile at the time: one more calibration score. */
  score(key: TypeKey, score: number): void {
    if (!Number.isFinite(score)) return;
    this.#own(key).scores.add(score);
    this.#pooled.scores.add(score);
  }

  /** A promise of this type was kept or broken. */
  update(key: TypeKey, broken: boolean): void {
    for (const tracker of [this.#own(key), this.#pooled]) {
      tracker.alpha = Math.min(0.5, tracker.alpha + this.#step * (1 - this.confidence - (broken ? 1 : 0)));
      tracker.outcomes++;
      if (broken) tracker.broken++;
    }
  }

  /** Per type: αₜ, outcomes and the share kept, for metrics and the docs. */
  snapshot(): Record<string, { alpha: number; outcomes: number; kept: number | null }> {
    return Object.fromEntries(
      [...this.#types].map(([key, t]) => [key, { alpha: t.alpha, outcomes: t.outcomes, kept: t.outcomes ? 1 - t.broken / t.outcomes : null }]),
    );
  }
}
