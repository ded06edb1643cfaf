// The numerics behind wait-time promises, against values from tables, closed forms and 40-digit mpmath runs,
// plus a Monte Carlo check of the moment-matched quantile of a sum of exponential phases.
import { describe, expect, it } from 'vitest';
import {
  erlangC,
  gammaQuantile,
  hypoexponential,
  hypoexponentialQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../server/core/waittime/stats.ts';
import { exponential, stream } from '../../server/sim/random.ts';

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(tolerance);
}

/**
 * CDF of an Erlang(k, rate) at x in closed form, 1 − Σ_{n<k} e^{−y} y^n / n! with y = rate·x, each term taken
 * in logarithms so that large k neither underflows nor overflows.
 */
function erlangCdf(k: number, rate: number, x: number): number {
  const y = rate * x;
  let logFactorial = 0;
  let sum = 0;
  for (let n = 0; n < k; n++) {
    if (n > 0) logFactorial += Math.log(n);
    sum += Math.exp(n * Math.log(y) - y - logFactorial);
  }
  return 1 - sum;
}

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
    expectRelative(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
    expectRelative(logGamma(10), Math.log(362_880), 1e-14);
    expectRelative(logGamma(21), Math.log(2_432_902_008_176_640_000), 1e-14);
  });

  it('matches high-precision values from small to large arguments', () => {
    // mpmath loggamma at 40 digits.
    expectRelative(logGamma(0.05), 2.9688792010517306, 1e-14);
    expectRelative(logGamma(7.5), 7.534364236758733, 1e-14);
    expectRelative(logGamma(100), 359.1342053695754, 1e-14);
    expectRelative(logGamma(10_000), 82099.71749644238, 1e-14);
  });

  it('satisfies ln Γ(x + 1) = ln Γ(x) + ln x', () => {
    for (const x of [0.05, 0.3, 1.7, 4.2, 33.3, 512.25]) {
      expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThan(1e-12 * Math.max(1, logGamma(x + 1)));
    }
  });

  it('is NaN where Γ has no logarithm here', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
  });
});

describe('regularized incomplete gamma', () => {
  it('is the exponential CDF for a = 1', () => {
    for (const x of [0.001, 0.5, 1, 2, 7, 30]) {
      expectRelative(regularizedGammaP(1, x), -Math.expm1(-x), 1e-13);
      expectRelative(regularizedGammaQ(1, x), Math.exp(-x), 1e-13);
    }
  });

  it('is the Erlang CDF for integer a, on both sides of x = a + 1', () => {
    for (const [k, x] of [
      [3, 0.4],
      [5, 3],
      [5, 9],
      [12, 20],
    ] as const) {
      expectRelative(regularizedGammaP(k, x), erlangCdf(k, 1, x), 1e-12);
    }
  });

  it('gives erf through a = 1/2: P(1/2, z²/2) = Φ(z) − Φ(−z)', () => {
    expectRelative(regularizedGammaP(0.5, 1.959963984540054 ** 2 / 2), 0.95, 1e-13);
  });

  it('matches high-precision values, tails included', () => {
    // mpmath gammainc(regularized=True) at 40 digits.
    expectRelative(regularizedGammaP(0.05, 0.03), 0.8607996489594174, 1e-13);
    expectRelative(regularizedGammaP(30, 24), 0.13212358467196939, 1e-13);
    expectRelative(regularizedGammaQ(100, 200), 1.843893649711574e-15, 1e-12);
    expectRelative(regularizedGammaP(100, 30), 7.338468632878333e-24, 1e-12);
    expectRelative(regularizedGammaP(1000, 950), 0.05505468623073803, 1e-11);
    expectRelative(regularizedGammaP(10_000, 9500), 1.862454651795155e-7, 1e-10);
    expectRelative(regularizedGammaQ(10_000, 10_500), 4.2758724550596475e-7, 1e-10);
  });

  it('has P + Q = 1 and is 0 and 1 at the ends', () => {
    for (const a of [0.05, 2.5, 400]) {
      for (const x of [0.01, a, 2 * a + 3]) expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(regularizedGammaP(3, Infinity)).toBe(1);
    expect(regularizedGammaP(-1, 1)).toBeNaN();
  });
});

describe('gammaQuantile', () => {
  it('gives chi-square table values (shape df/2, scale 2)', () => {
    const chi2 = (p: number, df: number): number => gammaQuantile(p, df / 2, 2);
    expect(chi2(0.9, 2)).toBeCloseTo(4.60517, 5);
    expectRelative(chi2(0.9, 2), 2 * Math.log(10), 1e-13); // df 2 is an exponential with mean 2
    expect(chi2(0.95, 10)).toBeCloseTo(18.307038, 5);
    expect(chi2(0.99, 1)).toBeCloseTo(6.634897, 5);
    expect(chi2(0.999, 1)).toBeCloseTo(10.827566, 5);
    expect(chi2(0.05, 1)).toBeCloseTo(0.00393214, 7);
    expect(chi2(0.01, 100)).toBeCloseTo(70.064895, 5);
    expect(chi2(0.99, 100)).toBeCloseTo(135.806723, 5);
  });

  it('matches high-precision quantiles at the ends of the supported shapes', () => {
    // mpmath root of gammainc(regularized=True) = p, 40 digits.
    expectRelative(gammaQuantile(0.01, 0.05), 5.844632057286532e-41, 1e-10);
    expectRelative(gammaQuantile(0.999, 0.05), 2.736458598728676, 1e-10);
    expectRelative(gammaQuantile(0.5, 0.1), 0.0005933911044602261, 1e-10);
    expectRelative(gammaQuantile(0.01, 10_000), 9768.836856696591, 1e-10);
    expectRelative(gammaQuantile(0.999, 10_000), 10311.875224539537, 1e-10);
  });

  it('inverts P to within 1e-9 across shapes 0.05 to 10 000 and p 0.01 to 0.999', () => {
    for (const shape of [0.05, 0.1, 0.3, 0.7, 1, 1.5, 2.24, 5, 17, 100, 999, 10_000]) {
      for (const p of [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]) {
        const x = gammaQuantile(p, shape);
        const back = p > 0.5 ? 1 - regularizedGammaQ(shape, x) : regularizedGammaP(shape, x);
        expect(Math.abs(back - p) / p, `shape ${shape}, p ${p}`).toBeLessThan(1e-9);
      }
    }
  });

  it('scales with the scale and grows with p', () => {
    expectRelative(gammaQuantile(0.8, 3.3, 7), 7 * gammaQuantile(0.8, 3.3), 1e-14);
    let previous = 0;
    for (let p = 0.01; p < 1; p += 0.01) {
      const x = gammaQuantile(p, 0.6);
      expect(x).toBeGreaterThan(previous);
      previous = x;
    }
  });

  it('degrades gracefully outside the supported shapes', () => {
    expectRelative(gammaQuantile(0.01, 0.01), 5.660738147062267e-201, 1e-9); // mpmath: P(0.01, x) = 0.01
    expect(gammaQuantile(0.5, 1e-4)).toBe(0); // the true quantile is about 1e-3000: it underflows
    expectRelative(gammaQuantile(0.9, 1e6), 1001281.7654996209, 1e-9); // scipy gammaincinv
    expectRelative(gammaQuantile(0.01, 2e5), 198961.09646314086, 1e-9);
  });

  it('is 0 at p = 0, infinite at p = 1 and NaN for nonsense', () => {
    expect(gammaQuantile(0, 2)).toBe(0);
    expect(gammaQuantile(1, 2)).toBe(Infinity);
    expect(gammaQuantile(1.2, 2)).toBeNaN();
    expect(gammaQuantile(0.5, 0)).toBeNaN();
    expect(gammaQuantile(0.5, 2, -1)).toBeNaN();
  });
});

describe('hypoexponential', () => {
  it('sums the phase means and variances', () => {
    expect(hypoexponential([1, 2, 4])).toEqual({ mean: 1.75, variance: 1 + 0.25 + 0.0625 });
    expect(hypoexponential([])).toEqual({ mean: 0, variance: 0 });
  });

  it('is exact for one exponential phase: −ln(1 − p)/rate', () => {
    for (const p of [0.01, 0.5, 0.9, 0.999]) expectRelative(hypoexponentialQuantile(p, [1]), -Math.log1p(-p), 1e-12);
    expectRelative(hypoexponentialQuantile(0.9, [0.25]), 4 * Math.log(10), 1e-12);
  });

  it('is exact for equal rates, an Erlang', () => {
    for (const [k, rate] of [
      [2, 1],
      [4, 0.5],
      [30, 0.02],
      [2500, 3],
    ] as const) {
      const rates = new Array<number>(k).fill(rate);
      for (const p of [0.1, 0.5, 0.9, 0.99]) {
        const x = hypoexponentialQuantile(p, rates);
        expect(Math.abs(erlangCdf(k, rate, x) - p), `k ${k}, p ${p}`).toBeLessThan(1e-9);
      }
    }
  });

  it('is within a few percent of simulated sums of unequal phases', () => {
    const rates = [0.01, 0.02, 0.05];
    const draws = 200_000;
    const r = stream(7, 'hypoexponential');
    const sums = new Float64Array(draws);
    for (let i = 0; i < draws; i++) sums[i] = exponential(r, 100) + exponential(r, 50) + exponential(r, 20);
    sums.sort();
    for (const p of [0.5, 0.9, 0.95]) {
      const simulated = sums[Math.floor(p * draws)]!;
      expectRelative(hypoexponentialQuantile(p, rates), simulated, 0.03);
    }
    // The exact 90% quantile (closed-form CDF, mpmath) is 319.107; moment matching gives 322.0, within 1%.
    expectRelative(sums[Math.floor(0.9 * draws)]!, 319.107468869, 0.01);
    expectRelative(hypoexponentialQuantile(0.9, rates), 322.0003982073474, 1e-9);
  });

  it('is 0 with no phases, infinite with a stalled phase and NaN for a negative rate', () => {
    expect(hypoexponentialQuantile(0.9, [])).toBe(0);
    expect(hypoexponentialQuantile(0.9, [1, 0])).toBe(Infinity);
    expect(hypoexponentialQuantile(0.9, [1, -1])).toBeNaN();
  });
});

describe('erlangC', () => {
  it('gives the textbook small cases', () => {
    expectRelative(erlangC(2, 1), 1 / 3, 1e-14);
    expectRelative(erlangC(1, 0.5), 0.5, 1e-14); // M/M/1: the utilisation
    expectRelative(erlangC(1, 0.83), 0.83, 1e-14);
    expectRelative(erlangC(3, 2.5), 0.702247191011236, 1e-13); // = 125/178
  });

  it('matches high-precision values up to 5000 servers', () => {
    // Erlang C from its closed form in mpmath at 50 digits.
    expectRelative(erlangC(10, 8), 0.40918015079644353, 1e-12);
    expectRelative(erlangC(100, 95), 0.50645685391302059, 1e-12);
    expectRelative(erlangC(5000, 4900), 0.099937877234487662, 1e-10);
  });

  it('is 0 with no load, 1 at or past saturation, and rises with the load', () => {
    expect(erlangC(5, 0)).toBe(0);
    expect(erlangC(5, 5)).toBe(1);
    expect(erlangC(5, 7)).toBe(1);
    let previous = 0;
    for (let load = 0.5; load < 50; load += 0.5) {
      const c = erlangC(50, load);
      expect(c).toBeGreaterThan(previous);
      expect(c).toBeLessThan(1);
      previous = c;
    }
    expect(erlangC(0, 1)).toBeNaN();
    expect(erlangC(2.5, 1)).toBeNaN();
  });
});

describe('the normal distribution', () => {
  it('has the familiar CDF values, far tails included', () => {
    expect(normalCdf(0)).toBe(0.5);
    expectRelative(normalCdf(1.959963984540054), 0.975, 1e-14);
    expectRelative(normalCdf(1), 0.8413447460685429, 1e-14);
    expectRelative(normalCdf(-3), 0.0013498980316300946, 1e-13);
    expectRelative(normalCdf(-20), 2.7536241186062337e-89, 1e-12); // mpmath ncdf
    for (const x of [0.3, 1.5, 4, 8]) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
  });

  it('has the familiar quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expectRelative(normalQuantile(0.975), 1.959963984540054, 1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    expectRelative(normalQuantile(0.1), -1.2815515655446004, 1e-14);
    expectRelative(normalQuantile(0.001), -3.0902323061678136, 1e-14);
    expectRelative(normalQuantile(1e-10), -6.361340902404057, 1e-13);
    expectRelative(normalQuantile(1e-300), -37.0470962993612, 1e-9);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it('has quantiles that invert the CDF and mirror around 1/2', () => {
    for (const p of [1e-8, 0.001, 0.02, 0.02425, 0.03, 0.2, 0.49, 0.5, 0.77, 0.975, 0.9999]) {
      const x = normalQuantile(p);
      expect(Math.abs(normalCdf(x) - p) / Math.min(p, 1 - p), `p ${p}`).toBeLessThan(1e-12);
      const q = 1 - p; // mirrored exactly, whatever rounding 1 − p did
      expect(normalQuantile(q) + normalQuantile(1 - q)).toBe(0);
    }
  });
});
