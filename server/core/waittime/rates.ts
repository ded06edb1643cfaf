// Online estimates that forget: the rates and means the wait-time model reads from the live state. Each takes
// the time of every observation, so the same code runs on the wall clock and in the simulator.

/** Events per second over roughly the last `windowMs`, with exponential forgetting (a decayed count). */
export class DecayingRate {
  readonly #tau: number;
  #value = 0;
  #at = Number.NEGATIVE_INFINITY;

  constructor(windowMs: number) {
    this.#tau = windowMs;
  }

  #decayTo(now: number): void {
    if (this.#at === Number.NEGATIVE_INFINITY) this.#at = now;
    if (now > this.#at) {
      this.#value *= Math.exp(-(now - this.#at) / this.#tau);
      this.#at = now;
    }
  }

  /** Count `amount` events at `now`. */
  add(now: number, amount = 1): void {
    this.#decayTo(now);
    this.#value += amount;
  }

  /** The decayed total at `now` (events, or whatever amounts were added). */
  total(now: number): number {
    this.#decayTo(now);
    return this.#value;
  }

  /** Events per second at `now`. */
  perSecond(now: number): number {
    return (this.total(now) / this.#tau) * 1000;
  }
}

/** An exponentially weighted mean that starts from a prior and moves `weight` of the way to each observation. */
export class WeightedMean {
  #value: number;
  #count = 0;
  readonly #weight: number;

  constructor(prior: number, weight: number) {
    this.#value = prior;
    this.#weight = weight;
  }

  add(x: number): void {
    this.#count++;
    // The first observations weigh more, so a cold start leaves the prior quickly.
    const w = Math.max(this.#weight, 1 / (this.#count + 1));
    this.#value += w * (x - this.#value);
  }

  get value(): number {
    return this.#value;
  }

  get count(): number {
    return this.#count;
  }
}
