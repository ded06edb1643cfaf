// The figures of a `tandem sim waittime` run, per method and interaction type: ../shared/CONTRACT.md section 6
// (arrivals, served, abandoned, promised, kept, coverage, target, meanPromiseSeconds, meanWaitSeconds,
// p90WaitSeconds, slaTargetSeconds, slaAttainment) and, beside them, the benchmark's figures (docs/WAITTIME.md).
import { METHODS, type Method, type SimCustomer, type SimRun } from './waittime-sim.ts';

/** Promises resolved within a 2-hour window before the window counts towards the worst one. */
const WINDOW_MIN_PROMISES = 50;
const WINDOW_MS = 2 * 3_600_000;
const WINDOW_STEP_MS = 15 * 60_000;

export interface ClassFigures {
  arrivals: number;
  served: number;
  abandoned: number;
  /** promises whose outcome is known: kept + broken (a customer who left before the deadline is neither) */
  promised: number;
  kept: number;
  coverage: number | null;
  target: number;
  meanPromiseSeconds: number | null;
  meanWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  slaTargetSeconds: number;
  slaAttainment: number | null;
  // ---- beyond the contract ----
  /** customers who had to wait (no free agent at handoff) */
  queued: number;
  /** queued customers given no number at handoff */
  declined: number;
  declinedShare: number | null;
  /** left before their promise's deadline: neither kept nor broken */
  censored: number;
  /** customers who gave up without saying so (stayed in the queue until an agent found them gone) */
  silentAbandoned: number;
  abandonment: number | null;
  /** p90 wait of the customers who queued and were served (what a promise is about) */
  queuedP90WaitSeconds: number | null;
  /** mean promise ÷ queuedP90WaitSeconds */
  promiseToP90: number | null;
  burstPromised: number;
  burstCoverage: number | null;
  /** the lowest coverage over 2-hour windows (15-minute steps) with at least 50 promises */
  worstWindowCoverage: number | null;
  /** customers with an oracle quantile and a promise from this method */
  oracleSamples: number;
  /** Σ promise ÷ Σ oracle quantile over those customers */
  promiseToOracle: number | null;
  /** mean squared error of the point estimate over queued, served customers, seconds² */
  pointMse: number | null;
  /** promises moved later before their deadline (counted as broken) */
  revised?: number;
}

export interface WaitTimeReport {
  scenario: string;
  seed: number;
  classes: Record<string, ClassFigures>;
  baselines: Record<string, { classes: Record<string, ClassFigures> }>;
  /** Tandem's point-estimate error against the better rolling mean, per type, paired on the same customers */
  pointMseVsBestRollingMean: Record<string, number | null>;
  confidence: number;
  measuredDays: number;
  events: number;
}

type Outcome = 'kept' | 'broken' | 'censored' | null;

/** Whether a method's promise to a customer was kept: served by the deadline; broken when moved later. */
function outcome(c: SimCustomer, method: Method): Outcome {
  const told = c.told?.[method];
  if (!told || told.seconds === null) return null;
  const deadline = told.issuedAt + told.seconds * 1000;
  if (method === 'tandem' && c.revisedAt !== undefined && c.revisedAt <= deadline) return 'broken';
  if (c.servedAt !== undefined) return c.servedAt <= deadline ? 'kept' : 'broken';
  if (c.leftAt !== undefined) return c.leftAt < deadline ? 'censored' : 'broken';
  return 'broken';
}

const round = (x: number | null, digits = 4): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The nearest-rank p-quantile. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const waitOf = (c: SimCustomer): number => (c.servedAt! - c.chat.queuedAt) / 1000;

function figures(run: SimRun, customers: SimCustomer[], method: Method, targetSeconds: number): ClassFigures {
  const confidence = run.scenario.confidence;
  const served = customers.filter((c) => c.servedAt !== undefined);
  const abandoned = customers.filter((c) => c.state === 'abandoned');
  const queued = customers.filter((c) => !c.immediate);
  const waits = served.map(waitOf);
  const queuedWaits = served.filter((c) => !c.immediate).map(waitOf);
  const told = queued.filter((c) => c.told?.[method]?.seconds != null);
  const outcomes = queued.map((c) => ({ c, o: outcome(c, method) }));
  const resolved = outcomes.filter((x) => x.o === 'kept' || x.o === 'broken');
  const kept = resolved.filter((x) => x.o === 'kept').length;
  const burst = resolved.filter((x) => x.c.burst);
  const meanPromise = mean(told.map((c) => c.told![method].seconds!));
  const queuedP90 = percentile(queuedWaits, 0.9);
  const quickLeavers = abandoned.filter((c) => c.leftAt! - c.chat.queuedAt <= 5000).length;
  const withinSla = served.filter((c) => waitOf(c) <= targetSeconds).length;
  const oracle = told.filter((c) => c.oracle !== undefined);
  const sumOracle = oracle.reduce((s, c) => s + Math.max(1, c.oracle!), 0);
  const pointed = served.filter((c) => !c.immediate && c.told?.[method]?.point != null);
  const result: ClassFigures = {
    arrivals: customers.length,
    served: served.length,
    abandoned: abandoned.length,
    promised: resolved.length,
    kept,
    coverage: round(resolved.length ? kept / resolved.length : null),
    target: confidence,
    meanPromiseSeconds: round(meanPromise, 1),
    meanWaitSeconds: round(mean(waits), 1),
    p90WaitSeconds: round(percentile(waits, 0.9), 1),
    slaTargetSeconds: targetSeconds,
    slaAttainment: round(customers.length - quickLeavers > 0 ? withinSla / (customers.length - quickLeavers) : null),
    queued: queued.length,
    declined: queued.length - told.length,
    declinedShare: round(queued.length ? (queued.length - told.length) / queued.length : null),
    censored: outcomes.filter((x) => x.o === 'censored').length,
    silentAbandoned: customers.filter((c) => c.silent && c.leftAt !== undefined && c.state !== 'abandoned').length,
    abandonment: round(customers.length ? abandoned.length / customers.length : null),
    queuedP90WaitSeconds: round(queuedP90, 1),
    promiseToP90: round(meanPromise !== null && queuedP90 ? meanPromise / queuedP90 : null, 3),
    burstPromised: burst.length,
    burstCoverage: round(burst.length ? burst.filter((x) => x.o === 'kept').length / burst.length : null),
    worstWindowCoverage: round(worstWindow(run, resolved)),
    oracleSamples: oracle.length,
    promiseToOracle: round(oracle.length ? oracle.reduce((s, c) => s + c.told![method].seconds!, 0) / sumOracle : null, 3),
    pointMse: round(mean(pointed.map((c) => (waitOf(c) - c.told![method].point!) ** 2)), 1),
  };
  if (method === 'tandem') result.revised = queued.filter((c) => c.revisedAt !== undefined).length;
  return result;
}

function worstWindow(run: SimRun, resolved: { c: SimCustomer; o: Outcome }[]): number | null {
  let worst: number | null = null;
  for (let start = run.from; start + WINDOW_MS <= run.to; start += WINDOW_STEP_MS) {
    let n = 0;
    let k = 0;
    for (const { c, o } of resolved) {
      if (c.chat.queuedAt >= start && c.chat.queuedAt < start + WINDOW_MS) {
        n++;
        if (o === 'kept') k++;
      }
    }
    if (n >= WINDOW_MIN_PROMISES && (worst === null || k / n < worst)) worst = k / n;
  }
  return worst;
}

/** Tandem's mean squared point error ÷ the better rolling mean's, on the customers all three estimated. */
function pairedMse(customers: SimCustomer[]): number | null {
  const both = customers.filter(
    (c) => c.servedAt !== undefined && !c.immediate && c.told?.tandem.point != null && c.told.rollingMean.point != null && c.told.ewma.point != null,
  );
  if (both.length === 0) return null;
  const mse = (m: Method) => mean(both.map((c) => (waitOf(c) - c.told![m].point!) ** 2))!;
  const best = Math.min(mse('rollingMean'), mse('ewma'));
  return best > 0 ? round(mse('tandem') / best, 3) : null;
}

/** The report of a run: Tandem's figures per type, each baseline's, and the paired point-error ratio. */
export function report(run: SimRun): WaitTimeReport {
  const measured = run.customers.filter((c) => c.measured);
  const byType = new Map<string, SimCustomer[]>();
  for (const type of run.types) byType.set(type, []);
  for (const c of measured) byType.get(c.chat.type!)!.push(c);
  const targets = Object.fromEntries(run.types.map((t) => [t, run.scenario.types[t]!.targetSeconds]));
  const classesFor = (method: Method) => Object.fromEntries([...byType].map(([type, cs]) => [type, figures(run, cs, method, targets[type]!)]));
  return {
    scenario: run.scenario.name,
    seed: run.seed,
    classes: classesFor('tandem'),
    baselines: Object.fromEntries(METHODS.filter((m) => m !== 'tandem').map((m) => [m, { classes: classesFor(m) }])),
    pointMseVsBestRollingMean: Object.fromEntries([...byType].map(([type, cs]) => [type, pairedMse(cs)])),
    confidence: run.scenario.confidence,
    measuredDays: run.scenario.days,
    events: run.events,
  };
}
