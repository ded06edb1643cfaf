// Pure numerics behind the live wait-time estimate: log-gamma, the incomplete gamma function and its inverse,
// sums of exponential phases, Erlang C and the normal distribution. No I/O and no state, and each call costs
// microseconds, so a promise can be computed inside a request.

const LN_SQRT_PI = 0.5723649429247001; // ln √π = logGamma(1/2)
const SQRT_2PI = 2.5066282746310002;
/** Relative accuracy the series and continued fraction stop at. */
const EPS = 1e-15;
/** Stand-in for zero in the modified Lentz continued fraction. */
const FPMIN = 1e-300;

// Lanczos approximation (g = 671/128, 14 terms; Numerical Recipes, 3rd ed., §6.1): ~1e-15 relative for x > 0.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
  0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
  -0.210264441724104883e-3, 0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4,
  -0.261908384015814087e-4, 0.368991826595316234e-5,
] as const;

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Infinity) return Infinity;
  let y = x;
  const t = x + 5.2421875;
  let series = 0.999999999999997092;
  for (let j = 0; j < LANCZOS.length; j++) series += LANCZOS[j]! / ++y;
  return (x + 0.5) * Math.log(t) - t + Math.log((SQRT_2PI * series) / x);
}

/** Iterations the series or continued fraction may take: both need O(√a) terms when x is near a. */
function iterationCap(a: number): number {
  return 200 + Math.ceil(50 * Math.sqrt(a));
}

/** ln of x^a e^-x / Γ(a), the factor both expansions share. */
function logPrefactor(a: number, x: number, lnGammaA: number): number {
  return a * Math.log(x) - x - lnGammaA;
}

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function lowerSeries(a: number, x: number, lnGammaA: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  const cap = iterationCap(a);
  for (let n = 0; n < cap; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (term < sum * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x, lnGammaA));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperFraction(a: number, x: number, lnGammaA: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  const cap = iterationCap(a);
  for (let i = 1; i <= cap; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x, lnGammaA)) * h;
}

/** P(a, x) or Q(a, x), whichever is asked, each computed without cancellation where it is the small one. */
function incompleteGamma(a: number, x: number, lnGammaA: number, upper: boolean): number {
  if (x <= 0) return upper ? 1 : 0;
  if (x === Infinity) return upper ? 0 : 1;
  if (x < a + 1) {
    const p = lowerSeries(a, x, lnGammaA);
    return upper ? 1 - p : p;
  }
  const q = upperFraction(a, x, lnGammaA);
  return upper ? q : 1 - q;
}

/** The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a): the CDF at x of a Gamma(a, 1). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return Number.NaN;
  return incompleteGamma(a, x, logGamma(a), false);
}

/** The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate where it is tiny. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return Number.NaN;
  return incompleteGamma(a, x, logGamma(a), true);
}

/** Wilson–Hilferty: (X/a)^(1/3) is close to normal with mean 1 − 1/(9a) and variance 1/(9a). */
function wilsonHilferty(p: number, a: number): number {
  const t = 1 / (9 * a);
  const cube = 1 - t + normalQuantile(p) * Math.sqrt(t);
  return cube > 0 ? a * cube * cube * cube : 0;
}

/** ln of a first guess at the p-quantile of a Gamma(a, 1) (in logs, as tiny shapes give quantiles like 1e-200). */
function logGammaGuess(p: number, a: number): number {
  if (a > 1) {
    const x = wilsonHilferty(p, a);
    if (x > 0) return Math.log(x);
  }
  // Small shapes (Numerical Recipes' invgammp): P(a, x) ≈ t·x^a near zero, an exponential tail further out.
  const t = 1 - a * (0.253 + a * 0.12);
  return p < t ? (Math.log(p) - Math.log(t)) / a : Math.log(1 - Math.log(1 - (p - t) / (1 - t)));
}

/** ln of the smallest positive double: a quantile guessed below it is 0 in floating point. */
const LN_MIN_VALUE = Math.log(Number.MIN_VALUE);
/** Above this shape Wilson–Hilferty alone is within 1e-8 relative, and the series would take thousands of terms. */
const HUGE_SHAPE = 1e5;
/** Largest Newton step, in ln x. */
const MAX_STEP = 50;

/**
 * The p-quantile of a Gamma distribution with the given shape and scale: the x with P(shape, x / scale) = p.
 * Starts from Wilson–Hilferty (a small-shape guess below shape 1) and takes Newton steps on ln P (ln Q above the
 * median) as a function of ln x. Both are concave there (ln X has a log-concave density), so after at most one
 * overshoot the steps close in monotonically; a bracket bisects any step that leaves it. Accurate to ~1e-11
 * relative for shape in [0.05, 10 000] and p in [0.01, 0.999]; past shape 1e5 it is Wilson–Hilferty (< 1e-8).
 * Returns 0 for p = 0, Infinity for p = 1, NaN for arguments out of range.
 */
export function gammaQuantile(p: number, shape: number, scale = 1): number {
  if (!(p >= 0 && p <= 1) || !(shape > 0) || !(scale > 0)) return Number.NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const a = shape;
  if (a > HUGE_SHAPE) return wilsonHilferty(p, a) * scale;
  const lnGammaA = logGamma(a);
  const upper = p > 0.5;
  const lnTarget = upper ? Math.log1p(-p) : Math.log(p);
  let y = logGammaGuess(p, a);
  if (y < LN_MIN_VALUE) return 0; // only for shapes far below 0.05, whose low quantiles underflow
  let lo = -Infinity;
  let hi = Infinity;
  for (let i = 0; i < 100; i++) {
    const x = Math.exp(y);
    const tail = incompleteGamma(a, x, lnGammaA, upper);
    // f = ln(tail) − ln(target): rises with y for the lower tail, falls for the upper.
    const f = Math.log(tail) - lnTarget;
    if (f === 0) break;
    const past = upper ? f < 0 : f > 0; // y is beyond the root
    if (past) hi = y;
    else lo = y;
    // d ln(tail) / dy = ±x·density(x)/tail.
    const slope = Math.exp(logPrefactor(a, x, lnGammaA)) / tail;
    let dy = upper ? f / slope : -f / slope;
    if (!Number.isFinite(dy)) dy = past ? -MAX_STEP : MAX_STEP; // the tail or density underflowed
    else if (Math.abs(dy) > MAX_STEP) dy = dy > 0 ? MAX_STEP : -MAX_STEP;
    if (Math.abs(dy) < 1e-14) {
      y += dy; // converged (the step may not even move y)
      break;
    }
    const next = y + dy;
    y = next > lo && next < hi ? next : 0.5 * (lo + hi); // bisect on overshoot, when both ends are finite
  }
  return Math.exp(y) * scale;
}

/** Mean and variance of a sum of independent exponential phases with the given rates. */
export function hypoexponential(rates: readonly number[]): { mean: number; variance: number } {
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < rates.length; i++) {
    const inv = 1 / rates[i]!;
    mean += inv;
    variance += inv * inv;
  }
  return { mean, variance };
}

/**
 * The p-quantile of a sum of independent exponential phases, approximated by the Gamma with the same mean and
 * variance (exact when all rates are equal: that sum is an Erlang). No phases: 0. A rate of 0 makes the sum
 * infinite and a negative or NaN rate makes it meaningless (NaN).
 */
export function hypoexponentialQuantile(p: number, rates: readonly number[]): number {
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < rates.length; i++) {
    const rate = rates[i]!;
    if (!(rate >= 0)) return Number.NaN;
    const inv = 1 / rate;
    mean += inv;
    variance += inv * inv;
  }
  if (mean === Infinity) return p === 0 ? 0 : Infinity;
  if (variance === 0) return mean;
  return gammaQuantile(p, (mean * mean) / variance, variance / mean);
}

/**
 * Erlang C: the probability that an arrival waits in an M/M/s queue with `servers` servers and offered load
 * `offeredLoad` = arrival rate / service rate (in erlangs). Computed through the Erlang B recursion, which stays
 * within [0, 1] for any number of servers. 1 when the load reaches the servers (the queue grows without bound).
 */
export function erlangC(servers: number, offeredLoad: number): number {
  if (!Number.isInteger(servers) || servers < 1 || !(offeredLoad >= 0)) return Number.NaN;
  if (offeredLoad >= servers) return 1;
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return (servers * b) / (servers - offeredLoad * (1 - b));
}

/** Φ(x), the standard normal CDF, accurate in both tails (Φ(x) = Q(1/2, x²/2)/2 for x < 0). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const tail = 0.5 * incompleteGamma(0.5, 0.5 * x * x, LN_SQRT_PI, true);
  return x < 0 ? tail : 1 - tail;
}

// Acklam's rational approximations to the normal quantile (relative error < 1.15e-9 before refinement).
const A1 = -3.969683028665376e1;
const A2 = 2.209460984245205e2;
const A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2;
const A5 = -3.066479806614716e1;
const A6 = 2.506628277459239;
const B1 = -5.447609879822406e1;
const B2 = 1.615858368580409e2;
const B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1;
const B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3;
const C2 = -3.223964580411365e-1;
const C3 = -2.400758277161838;
const C4 = -2.549732539343734;
const C5 = 4.374664141464968;
const C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3;
const D2 = 3.224671290700398e-1;
const D3 = 2.445134137142996;
const D4 = 3.754408661907416;
const P_LOW = 0.02425;

/** Acklam's approximation for p in (0, 1/2]. */
function acklam(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) /
    (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1)
  );
}

/**
 * Φ⁻¹(p), the standard normal quantile: Acklam's algorithm with one Halley step against normalCdf, close to
 * full double precision. Computed on the lower half and mirrored, so normalQuantile(1 − p) = −normalQuantile(p).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklam(p);
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  if (!Number.isFinite(u)) return x; // p is so small the density underflows: Acklam's value stands
  return x - u / (1 + 0.5 * x * u);
}
