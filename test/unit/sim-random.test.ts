// The simulator's seeded randomness: reproducible streams per (seed, purpose, id), and samplers whose draws have
// the distributions they claim (checked on 200 000 draws with a fixed seed, tight enough that a wrong
// parameterisation fails).
import { describe, expect, it } from 'vitest';
import { gammaQuantile, logGamma, normalCdf, regularizedGammaQ } from '../../server/core/waittime/stats.ts';
import {
  empirical,
  exponential,
  exponentialBeyond,
  gamma,
  lognormal,
  lognormalBeyond,
  pareto,
  Random,
  standardNormal,
  stream,
  uniform,
  weibull,
  weibullBeyond,
} from '../../server/sim/random.ts';

const N = 200_000;
const SEED = 20_260_101;

interface Sample {
  values: Float64Array;
  mean: number;
  variance: number;
}

function sample(draw: () => number, n = N): Sample {
  const values = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    values[i] = draw();
    sum += values[i]!;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { values, mean, variance: squares / (n - 1) };
}

/** Share of the sample at or below x. */
function fractionAtMost(s: Sample, x: number): number {
  let count = 0;
  for (const v of s.values) if (v <= x) count++;
  return count / s.values.length;
}

function median(s: Sample): number {
  const sorted = Float64Array.from(s.values).sort();
  return sorted[sorted.length >> 1]!;
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(tolerance);
}

const gammaFn = (x: number): number => Math.exp(logGamma(x));

function draws(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.nextUint32());
}

describe('the generator', () => {
  it('is xoshiro128**: the reference outputs for state (1, 2, 3, 4)', () => {
    expect(draws(Random.fromState(1, 2, 3, 4), 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('matches the reference implementation after 1000 steps from another state', () => {
    const r = Random.fromState(0x9e3779b9, 0xdeadbeef, 0x12345678, 0xfedcba98);
    draws(r, 1000);
    expect(draws(r, 2)).toEqual([3519660388, 2687040191]);
  });

  it('refuses the all-zero state, on which xoshiro is stuck at zero', () => {
    expect(() => Random.fromState(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('repeats itself for the same seed and differs for another, small seeds included', () => {
    expect(draws(new Random(1), 50)).toEqual(draws(new Random(1), 50));
    expect(draws(new Random(1), 50)).not.toEqual(draws(new Random(2), 50));
    expect(draws(new Random(0), 50)).not.toEqual(draws(new Random(2 ** 32), 50)); // the high word counts too
  });

  it('refuses seeds that are not safe integers', () => {
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(() => stream(1, 'x', Number.NaN)).toThrow(RangeError);
  });

  it('gives next() in [0, 1) and nextOpen() in (0, 1), uniformly', () => {
    const r = new Random(3);
    const buckets = new Array<number>(20).fill(0);
    let min = 1;
    let max = 0;
    let outside = 0;
    for (let i = 0; i < N; i++) {
      const u = r.next();
      const v = r.nextOpen();
      min = Math.min(min, u, v);
      max = Math.max(max, u, v);
      if (!(v > 0 && v < 1 && u >= 0 && u < 1)) outside++;
      buckets[Math.floor(u * 20)]!++;
    }
    expect(outside).toBe(0);
    expect(min).toBeLessThan(1e-4);
    expect(max).toBeGreaterThan(1 - 1e-4);
    // Chi-square with 19 degrees of freedom: 43.8 is its 0.999 quantile.
    const expected = N / 20;
    const chi2 = buckets.reduce((acc, b) => acc + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8);
  });
});

describe('streams', () => {
  it('are the same for the same (seed, purpose, id)', () => {
    expect(draws(stream(7, 'service', 17), 20)).toEqual(draws(stream(7, 'service', 17), 20));
  });

  it('differ by seed, purpose and id', () => {
    const base = draws(stream(7, 'service', 17), 20);
    expect(draws(stream(8, 'service', 17), 20)).not.toEqual(base);
    expect(draws(stream(7, 'patience', 17), 20)).not.toEqual(base);
    expect(draws(stream(7, 'service', 18), 20)).not.toEqual(base);
    expect(draws(stream(7, 'service'), 20)).toEqual(draws(stream(7, 'service', 0), 20));
  });

  it("give customer 17 the same draws whatever else the run drew", () => {
    const alone = draws(stream(7, 'service', 17), 10);
    const others = [stream(7, 'service', 16), stream(7, 'service', 18), stream(7, 'arrivals')];
    const mine = stream(7, 'service', 17);
    const interleaved: number[] = [];
    for (let i = 0; i < 10; i++) {
      for (const other of others) draws(other, i + 1);
      interleaved.push(mine.nextUint32());
    }
    expect(interleaved).toEqual(alone);
  });

  it('for neighbouring ids are uncorrelated and do not collide', () => {
    const first: number[] = [];
    const seen = new Set<string>();
    for (let id = 0; id < 20_000; id++) {
      const r = stream(1, 'service', id);
      first.push(r.next());
      seen.add(`${r.nextUint32()}:${r.nextUint32()}`);
    }
    expect(seen.size).toBe(20_000);
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    let lagged = 0;
    let spread = 0;
    for (let i = 1; i < first.length; i++) lagged += (first[i]! - mean) * (first[i - 1]! - mean);
    for (const u of first) spread += (u - mean) ** 2;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(lagged / spread)).toBeLessThan(0.03); // lag-1 correlation across ids; SE ≈ 0.007
  });
});

describe('samplers', () => {
  it('exponential has the given mean and its square as variance', () => {
    const r = stream(SEED, 'exponential');
    const s = sample(() => exponential(r, 3));
    expectRelative(s.mean, 3, 0.01);
    expectRelative(s.variance, 9, 0.03);
    expect(s.values.every((x) => x > 0)).toBe(true);
  });

  it('lognormal is parameterised by its mean: mean kept, median mean·e^(−σ²/2)', () => {
    const r = stream(SEED, 'lognormal');
    const tight = sample(() => lognormal(r, 10, 0.5));
    expectRelative(tight.mean, 10, 0.01);
    expectRelative(tight.variance, 100 * (Math.exp(0.25) - 1), 0.03);
    expectRelative(median(tight), 10 * Math.exp(-0.125), 0.01);
    const wide = sample(() => lognormal(r, 10, 1));
    expectRelative(wide.mean, 10, 0.015);
    expectRelative(median(wide), 10 * Math.exp(-0.5), 0.015);
    expect(sample(() => lognormal(r, 4, 0), 10).values.every((x) => Math.abs(x - 4) < 1e-12)).toBe(true);
  });

  it('weibull is parameterised by its mean, for shapes below and above 1', () => {
    const r = stream(SEED, 'weibull');
    for (const k of [0.7, 2]) {
      const scale = 5 / gammaFn(1 + 1 / k);
      const s = sample(() => weibull(r, k, 5));
      expectRelative(s.mean, 5, 0.01);
      expectRelative(s.variance, scale * scale * (gammaFn(1 + 2 / k) - gammaFn(1 + 1 / k) ** 2), 0.04);
      // Survival at the mean is exp(−(mean/λ)^k), which depends on the shape.
      expect(Math.abs(1 - fractionAtMost(s, 5) - Math.exp(-((5 / scale) ** k)))).toBeLessThan(0.005);
    }
  });

  it('gamma has mean shape·scale and variance shape·scale², for shapes below and above 1', () => {
    const r = stream(SEED, 'gamma');
    for (const [shape, scale] of [
      [0.4, 2],
      [3.5, 2],
      [60, 0.5],
    ] as const) {
      const s = sample(() => gamma(r, shape, scale));
      expectRelative(s.mean, shape * scale, 0.01);
      expectRelative(s.variance, shape * scale * scale, 0.03);
      // Half the draws fall below the median the incomplete gamma function gives.
      expect(Math.abs(fractionAtMost(s, gammaQuantile(0.5, shape, scale)) - 0.5)).toBeLessThan(0.005);
    }
  });

  it('pareto has minimum min, tail (min/x)^α and mean α·min/(α − 1)', () => {
    const r = stream(SEED, 'pareto');
    const s = sample(() => pareto(r, 6, 2));
    expect(s.values.every((x) => x >= 2)).toBe(true);
    expectRelative(s.mean, 2.4, 0.01);
    expectRelative(s.variance, (4 * 6) / (25 * 4), 0.05);
    expect(Math.abs(1 - fractionAtMost(s, 3) - (2 / 3) ** 6)).toBeLessThan(0.003);
    const heavy = sample(() => pareto(r, 3, 2));
    expectRelative(heavy.mean, 3, 0.01);
  });

  it('uniform covers [a, b) evenly', () => {
    const r = stream(SEED, 'uniform');
    const s = sample(() => uniform(r, 2, 5));
    expect(s.values.every((x) => x >= 2 && x < 5)).toBe(true);
    expectRelative(s.mean, 3.5, 0.005);
    expectRelative(s.variance, 0.75, 0.02);
    expect(Math.abs(fractionAtMost(s, 2.6) - 0.2)).toBeLessThan(0.004);
    expect(() => uniform(r, 5, 2)).toThrow(RangeError);
  });

  it('standardNormal has mean 0, variance 1 and normal quantiles', () => {
    const r = stream(SEED, 'normal');
    const s = sample(() => standardNormal(r));
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expectRelative(s.variance, 1, 0.02);
    expect(Math.abs(fractionAtMost(s, 1.959964) - 0.975)).toBeLessThan(0.002);
    expect(Math.abs(fractionAtMost(s, -1) - normalCdf(-1))).toBeLessThan(0.004);
  });

  it('empirical resamples the given values evenly and refuses none', () => {
    const r = stream(SEED, 'empirical');
    const values = [1, 2, 10];
    const s = sample(() => empirical(r, values), 60_000);
    for (const v of values) {
      expect(Math.abs(s.values.filter((x) => x === v).length / 60_000 - 1 / 3)).toBeLessThan(0.01);
    }
    expect(s.values.every((x) => values.includes(x))).toBe(true);
    expect(() => empirical(r, [])).toThrow(RangeError);
  });

  it('refuse parameters that make no distribution', () => {
    const r = stream(SEED, 'refusals');
    expect(() => exponential(r, 0)).toThrow(RangeError);
    expect(() => lognormal(r, -1, 1)).toThrow(RangeError);
    expect(() => lognormal(r, 1, -1)).toThrow(RangeError);
    expect(() => weibull(r, 0, 1)).toThrow(RangeError);
    expect(() => gamma(r, 1, Number.NaN)).toThrow(RangeError);
    expect(() => pareto(r, 2, 0)).toThrow(RangeError);
  });
});

describe('conditional samplers', () => {
  it('exponentialBeyond adds a fresh exponential to the time already elapsed', () => {
    const r = stream(SEED, 'exponentialBeyond');
    const s = sample(() => exponentialBeyond(r, 4, 10));
    expect(s.values.every((x) => x > 10)).toBe(true);
    expectRelative(s.mean, 14, 0.01);
    expectRelative(s.variance, 16, 0.03);
    const fromNegative = sample(() => exponentialBeyond(r, 4, -3), 50_000);
    expectRelative(fromNegative.mean, 4, 0.02);
  });

  it('weibullBeyond matches the conditional mean λ·e^y·Γ(1 + 1/k, y) with y = (beyond/λ)^k', () => {
    const r = stream(SEED, 'weibullBeyond');
    for (const [k, beyond] of [
      [0.7, 8],
      [2, 6],
    ] as const) {
      const scale = 5 / gammaFn(1 + 1 / k);
      const y = (beyond / scale) ** k;
      const conditionalMean = scale * Math.exp(y) * regularizedGammaQ(1 + 1 / k, y) * gammaFn(1 + 1 / k);
      const s = sample(() => weibullBeyond(r, k, 5, beyond));
      expect(s.values.every((x) => x > beyond)).toBe(true);
      expectRelative(s.mean, conditionalMean, 0.01);
      // Conditional survival at 1.5·beyond is exp(−((1.5·beyond/λ)^k − y)).
      const survival = Math.exp(-((1.5 * beyond / scale) ** k - y));
      expect(Math.abs(1 - fractionAtMost(s, 1.5 * beyond) - survival)).toBeLessThan(0.005);
    }
  });

  it('weibullBeyond keeps its precision long after the mean', () => {
    const r = stream(SEED, 'weibullBeyond far');
    const scale = 5 / gammaFn(1.5);
    const beyond = 1e5 * scale; // (beyond/λ)² = 1e10 already survived
    const s = sample(() => weibullBeyond(r, 2, 5, beyond), 50_000);
    expect(s.values.every((x) => x > beyond && Number.isFinite(x))).toBe(true);
    // The hazard added on top of 1e10 is Exp(1): mean 1.
    let added = 0;
    for (const t of s.values) added += (t / scale) ** 2 - 1e10;
    expectRelative(added / s.values.length, 1, 0.02);
  });

  it('lognormalBeyond matches the conditional mean mean·Φ(σ − z)/Φ(−z)', () => {
    const r = stream(SEED, 'lognormalBeyond');
    const [mean, sigma, beyond] = [10, 1, 25];
    const mu = Math.log(mean) - sigma * sigma / 2;
    const z = (Math.log(beyond) - mu) / sigma;
    const s = sample(() => lognormalBeyond(r, mean, sigma, beyond));
    expect(s.values.every((x) => x > beyond)).toBe(true);
    expectRelative(s.mean, (mean * normalCdf(sigma - z)) / normalCdf(-z), 0.015);
    // Conditional median: the upper-tail probability halves at exp(μ + σ·Φ⁻¹(1 − Φ(−z)/2)).
    const conditionalMedian = Math.exp(mu - sigma * normalQuantileByBisection(normalCdf(-z) / 2));
    expectRelative(median(s), conditionalMedian, 0.01);
  });

  it('lognormalBeyond with nothing elapsed is the plain lognormal', () => {
    const r = stream(SEED, 'lognormalBeyond zero');
    const s = sample(() => lognormalBeyond(r, 10, 0.5, 0));
    expectRelative(s.mean, 10, 0.01);
    expectRelative(median(s), 10 * Math.exp(-0.125), 0.01);
  });

  it('lognormalBeyond stays finite and just above a point far out in the tail', () => {
    const r = stream(SEED, 'lognormalBeyond far');
    for (const beyond of [1e4, 1e8, 1e300]) {
      const s = sample(() => lognormalBeyond(r, 10, 0.5, beyond), 2_000);
      expect(s.values.every((x) => x > beyond && Number.isFinite(x))).toBe(true);
      expect(s.mean / beyond).toBeLessThan(1.05); // the normal tail is thin: little further to go
    }
  });

  it('lognormalBeyond with σ = 0 is the mean, or just above a point past it', () => {
    const r = stream(SEED, 'lognormalBeyond point');
    expect(lognormalBeyond(r, 10, 0, 3)).toBe(10);
    const past = lognormalBeyond(r, 10, 0, 12);
    expect(past).toBeGreaterThan(12);
    expect(past).toBeLessThan(12.001);
  });
});

/** Φ⁻¹ by bisection on normalCdf: an independent check on the conditional median, not using normalQuantile. */
function normalQuantileByBisection(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
