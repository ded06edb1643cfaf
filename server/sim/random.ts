// Seeded randomness for the queue simulator: xoshiro128** generators keyed by (seed, purpose, entity id), so each
// customer, agent or process draws from its own stream and a draw never depends on what else happened in the run
// (common random numbers across compared policies). Never Math.random, never the wall clock.
import { logGamma, normalCdf, normalQuantile } from '../core/waittime/stats.ts';

const TWO_POW_32 = 4294967296;
const TAG_SEED = 0x5eed;
const TAG_STREAM = 0x57e4;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One splitmix32 output for state `x`: a full-avalanche 32-bit mix. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return z ^ (z >>> 15);
}

/** MurmurHash3 (x86, 32-bit) over a sequence of 32-bit words. */
function murmur3(words: readonly number[], seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < words.length; i++) {
    let k = Math.imul(words[i]! | 0, 0xcc9e2d51);
    k = Math.imul(rotl(k, 15), 0x1b873593);
    h = (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
  }
  h ^= words.length * 4;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const LANE_SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;

/** 128 bits of generator state from a key: four independently seeded hashes, each through splitmix32. */
function stateFromKey(words: readonly number[]): [number, number, number, number] {
  const s: [number, number, number, number] = [0, 0, 0, 0];
  for (let lane = 0; lane < 4; lane++) s[lane] = splitmix32(murmur3(words, LANE_SEEDS[lane]!));
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // xoshiro's one forbidden state
  return s;
}

/** The low and high 32-bit words of a safe integer (two's complement for negatives). */
function words64(value: number, what: string): [number, number] {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, not ${value}`);
  return [value >>> 0, Math.floor(value / TWO_POW_32) >>> 0];
}

/** A xoshiro128** generator: 128 bits of state, period 2^128 − 1, 32-bit outputs. */
export class Random {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  /** A generator for a seed (any safe integer; small seeds are as good as large ones). */
  constructor(seed: number) {
    const [lo, hi] = words64(seed, 'a seed');
    this.#set(stateFromKey([TAG_SEED, lo, hi]));
  }

  /** A generator with exactly this xoshiro128** state (not all zero); for reference vectors and snapshots. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Random {
    if (((s0 | s1 | s2 | s3) | 0) === 0) throw new RangeError('xoshiro128** state cannot be all zero');
    const r = new Random(0);
    r.#set([s0, s1, s2, s3]);
    return r;
  }

  #set(s: readonly [number, number, number, number]): void {
    this.#a = s[0] | 0;
    this.#b = s[1] | 0;
    this.#c = s[2] | 0;
    this.#d = s[3] | 0;
  }

  /** The next 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    const b = this.#b;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    this.#c ^= this.#a;
    this.#d ^= b;
    this.#b = b ^ this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1), a multiple of 2^-32. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in (0, 1), never 0 or 1: safe under log(). */
  nextOpen(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }
}

/**
 * An independent generator for one (seed, purpose, entity id) triple, e.g. stream(seed, 'service', 17) for
 * customer 17's service times: its draws are the same whatever else the run did. The key is hashed to the full
 * 128-bit state, so streams for many thousands of ids do not collide.
 */
export function stream(seed: number, purpose: string, id = 0): Random {
  const [seedLo, seedHi] = words64(seed, 'a seed');
  const [idLo, idHi] = words64(id, 'an id');
  const key = [TAG_STREAM, seedLo, seedHi, idLo, idHi, purpose.length];
  for (let i = 0; i < purpose.length; i++) key.push(purpose.charCodeAt(i));
  return Random.fromState(...stateFromKey(key));
}

function requirePositive(name: string, value: number): void {
  if (!(value > 0 && value < Infinity)) throw new RangeError(`${name} must be a positive finite number, not ${value}`);
}

function requireNonNegative(name: string, value: number): void {
  if (!(value >= 0 && value < Infinity)) throw new RangeError(`${name} must be a finite number ≥ 0, not ${value}`);
}

/** Something strictly above `beyond`, for when a conditional draw rounds down onto it. */
function justAbove(x: number, beyond: number): number {
  return x > beyond ? x : beyond + Math.max(Math.abs(beyond) * 1e-12, Number.MIN_VALUE);
}

/** Exponential with the given mean. One uniform. */
export function exponential(r: Random, mean: number): number {
  requirePositive('mean', mean);
  return -mean * Math.log(r.nextOpen());
}

/** Uniform on [a, b). One uniform. */
export function uniform(r: Random, a: number, b: number): number {
  if (!(Number.isFinite(a) && Number.isFinite(b) && a <= b)) throw new RangeError(`need finite a ≤ b, not [${a}, ${b}]`);
  return a + (b - a) * r.next();
}

/** Standard normal by Box–Muller (the cosine branch only): always exactly two uniforms. */
export function standardNormal(r: Random): number {
  const radius = Math.sqrt(-2 * Math.log(r.nextOpen()));
  return radius * Math.cos(2 * Math.PI * r.next());
}

/** Location μ of the underlying normal for a lognormal with this mean and σ: ln(mean) − σ²/2. */
function lognormalMu(mean: number, sigma: number): number {
  return Math.log(mean) - 0.5 * sigma * sigma;
}

/** Lognormal with the given MEAN (not median) and σ of the underlying normal. Two uniforms. */
export function lognormal(r: Random, mean: number, sigma: number): number {
  requirePositive('mean', mean);
  requireNonNegative('sigma', sigma);
  return Math.exp(lognormalMu(mean, sigma) + sigma * standardNormal(r));
}

/** Weibull scale λ giving this mean: mean / Γ(1 + 1/shape). */
function weibullScale(shape: number, mean: number): number {
  return mean / Math.exp(logGamma(1 + 1 / shape));
}

/** Weibull with the given shape k and MEAN (scale = mean / Γ(1 + 1/k)), by inversion. One uniform. */
export function weibull(r: Random, shape: number, mean: number): number {
  requirePositive('shape', shape);
  requirePositive('mean', mean);
  return weibullScale(shape, mean) * Math.pow(-Math.log(r.nextOpen()), 1 / shape);
}

/**
 * Gamma with the given shape and scale (mean shape·scale) by Marsaglia–Tsang; a shape below 1 is boosted to
 * shape + 1 and scaled back by U^(1/shape). A variable number of uniforms.
 */
export function gamma(r: Random, shape: number, scale: number): number {
  requirePositive('shape', shape);
  requirePositive('scale', scale);
  if (shape < 1) {
    const boost = Math.pow(r.nextOpen(), 1 / shape);
    return gamma(r, shape + 1, scale) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(r);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = r.nextOpen();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** Pareto (type I) with tail index α and minimum `min`: P(X > x) = (min/x)^α. One uniform. */
export function pareto(r: Random, alpha: number, min: number): number {
  requirePositive('alpha', alpha);
  requirePositive('min', min);
  return min * Math.pow(r.nextOpen(), -1 / alpha);
}

/** One of `values`, each equally likely (a bootstrap resample). One uniform. Throws when there are none. */
export function empirical(r: Random, values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('cannot resample from no values');
  return values[Math.floor(r.next() * values.length)]!;
}

/** Exponential conditioned on exceeding `beyond`: by memorylessness, max(beyond, 0) plus a fresh draw. */
export function exponentialBeyond(r: Random, mean: number, beyond: number): number {
  const start = beyond > 0 ? beyond : 0;
  return justAbove(start + exponential(r, mean), beyond);
}

/**
 * Weibull (shape k, given mean) conditioned on exceeding `beyond`, exactly: (T/λ)^k = (beyond/λ)^k + E with
 * E ~ Exp(1), evaluated as beyond·(1 + E/(beyond/λ)^k)^(1/k) so a long-elapsed item keeps its precision.
 * One uniform.
 */
export function weibullBeyond(r: Random, shape: number, mean: number, beyond: number): number {
  if (!(beyond > 0)) return weibull(r, shape, mean);
  requirePositive('shape', shape);
  requirePositive('mean', mean);
  const scale = weibullScale(shape, mean);
  const e = -Math.log(r.nextOpen());
  const h = Math.pow(beyond / scale, shape); // cumulative hazard already survived
  const t = h > 0 ? beyond * Math.exp(Math.log1p(e / h) / shape) : scale * Math.pow(h + e, 1 / shape);
  return justAbove(t, beyond);
}

/** Upper-tail probability below which lognormalBeyond switches to the normal tail's exponential asymptote. */
const TINY_TAIL = 1e-280;

/**
 * Lognormal (given mean and σ) conditioned on exceeding `beyond`, by inverting the CDF on [F(beyond), 1) —
 * worked on the upper tail P(Z > z) so it stays accurate far out. When that tail underflows (beyond more than
 * ~37σ out) it uses the asymptote Z − z_b ≈ Exp(z_b). One uniform.
 */
export function lognormalBeyond(r: Random, mean: number, sigma: number, beyond: number): number {
  requirePositive('mean', mean);
  requireNonNegative('sigma', sigma);
  const u = r.nextOpen();
  if (sigma === 0) return beyond < mean ? mean : justAbove(beyond, beyond); // a point mass; past it, just above
  const mu = lognormalMu(mean, sigma);
  if (!(beyond > 0)) return Math.exp(mu + sigma * normalQuantile(u));
  const zb = (Math.log(beyond) - mu) / sigma;
  const tail = normalCdf(-zb); // P(Z > zb)
  if (tail < TINY_TAIL) return justAbove(beyond * Math.exp((sigma * -Math.log(u)) / zb), beyond);
  // Z > zb with upper-tail probability tail·u, uniform in (0, tail).
  const z = -normalQuantile(tail * u);
  return justAbove(Math.exp(mu + sigma * z), beyond);
}
