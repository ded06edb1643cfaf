// The figures of a `tandem sim quality` run: ../shared/CONTRACT.md section 6 (scenario, seed, simulatedDays,
// interactions, truth, alarms, detectionDelayInteractions, falseAlarms, baselines.aggregateCsat) and, beside
// them, what the benchmark reads (docs/QUALITY-SIM.md).
//
// Delays are counted in interactions of the degraded type (every path) from the first degraded interaction up
// to the last one that had ARRIVED when the alarm fired. An alarm on recontact is fired by a chat that closed
// up to 7 days earlier, so counting only up to the chat whose observation fired it would flatter the lagging
// metrics (and the aggregate monitor, which fires at a day's end, has no such chat at all).
import { INTERACTION_TYPES, type InteractionType } from '../../shared/protocol.ts';
import type { AlarmEvidence, AlarmMetric } from '../../shared/quality.ts';
import { DAY, upperBound, type QualityRun } from './quality-sim.ts';

/** Predicted satisfaction is scored on the ratings of this many last days of the run. */
export const CALIBRATION_DAYS = 10;
const MONTH_DAYS = 30;

export interface ReportAlarm {
  type: InteractionType;
  metric: AlarmMetric;
  /** global index of the interaction whose observation fired it */
  atInteraction: number;
  atTime: string;
  // ---- beyond the contract ----
  signal: 'leading' | 'lagging';
  /** global index of the last interaction that had arrived by then */
  arrivedInteractions: number;
  /** the how-manieth AI-handled interaction of its type fired it (the alarm's own count) */
  aiHandledOfType: number;
  /** false alarm: another type than the degraded one, or before the degradation */
  falseAlarm: boolean;
  evidence: AlarmEvidence;
}

export interface TypeFigures {
  interactions: number;
  /** resolved by the AI, or by the AI then a person: what the alarms watch */
  aiHandled: number;
  /** AI-handled interactions the degradation touched */
  affected: number;
  rated: number;
  meanCsat: number | null;
  meanPredictedCsat: number | null;
  escalatedAfterAiRate: number | null;
  recontactRate: number | null;
  falseAlarms: number;
  /** days the type was healthy: the whole run, or for the degraded type the days before its degradation */
  healthyDays: number;
  /** false alarms per 30 days of the type being healthy (for the degraded type: before the degradation) */
  falseAlarmsPerMonth: number | null;
}

export interface QualitySimReport {
  scenario: string;
  seed: number;
  simulatedDays: number;
  interactions: number;
  truth: { degradedType: InteractionType | null; degradedFromInteraction: number | null };
  alarms: ReportAlarm[];
  detectionDelayInteractions: number | null;
  falseAlarms: number;
  baselines: {
    aggregateCsat: {
      detectionDelayInteractions: number | null;
      falseAlarms: number;
      // ---- beyond the contract ----
      windowDays: number;
      evaluateEveryDays: number;
      margin: number;
      threshold: number | null;
      firings: { atTime: string; arrivedInteractions: number; meanCsat: number; falseAlarm: boolean }[];
      /** hours from the degradation to its first firing after it */
      detectionHours: number | null;
    };
  };
  // ---- beyond the contract ----
  detection: {
    /** the first alarm on the degraded type at or after the degradation */
    first: { metric: AlarmMetric; signal: 'leading' | 'lagging'; atTime: string } | null;
    hours: number | null;
    /** when the first degraded interaction arrived (null: it never did) */
    degradedFrom: string | null;
    /** interactions of the degraded type from the degradation to the end: the lower bound of a delay never reached */
    degradedTypeInteractionsAfterDegradation: number;
    affectedInteractions: number;
  };
  /** false alarms per type per 30 days of that type being healthy */
  falseAlarmsPerTypePerMonth: Record<InteractionType, number | null>;
  types: Record<InteractionType, TypeFigures>;
  predictedSatisfaction: {
    lastDays: number;
    ratings: number;
    meanAbsoluteError: number | null;
    /** the naive predictor: the mean of every earlier rating */
    earlierMeanAbsoluteError: number | null;
  };
  /** interactions closed within the simulated period (the pipeline saw them) */
  observedInteractions: number;
  events: number;
}

const round = (x: number | null, digits = 4): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** The report of a run. */
export function qualityReport(run: QualityRun): QualitySimReport {
  const { scenario, interactions, arrivals, startMs, horizonMs } = run;
  const d = scenario.degradation;
  const iso = (ms: number) => new Date(startMs + ms).toISOString();
  const arrivedBy = (ms: number) => upperBound(arrivals, ms);

  // degradedBefore[k]: interactions of the degraded type with fromInteraction ≤ index ≤ k
  const degradedBefore = new Int32Array(interactions.length + 1);
  for (const x of interactions) degradedBefore[x.index] = degradedBefore[x.index - 1]! + (d && x.type === d.type && x.index >= d.fromInteraction ? 1 : 0);
  const delayAt = (ms: number) => degradedBefore[arrivedBy(ms)]!;
  const degradedFromMs = d && d.fromInteraction <= interactions.length ? interactions[d.fromInteraction - 1]!.arrivedAt : null;
  const afterDegradation = (ms: number) => degradedFromMs !== null && ms >= degradedFromMs;

  const alarms: ReportAlarm[] = run.alarms.map((a) => ({
    type: a.type,
    metric: a.metric,
    atInteraction: a.interaction,
    atTime: a.at,
    signal: a.signal,
    arrivedInteractions: arrivedBy(a.atMs),
    aiHandledOfType: a.atInteraction,
    falseAlarm: !(d && a.type === d.type && afterDegradation(a.atMs)),
    evidence: a.evidence,
  }));
  const firstIndex = d ? run.alarms.findIndex((a) => a.type === d.type && afterDegradation(a.atMs)) : -1;
  const first = firstIndex >= 0 ? run.alarms[firstIndex]! : null;

  const monitor = run.aggregate;
  const firings = monitor.firings.map((f) => ({ atTime: iso(f.atMs), arrivedInteractions: arrivedBy(f.atMs), meanCsat: round(f.mean)!, falseAlarm: !afterDegradation(f.atMs) }));
  const monitorCaught = monitor.firings.find((f) => afterDegradation(f.atMs)) ?? null;

  // Per-type figures, and false alarms per month of each type being healthy.
  const healthyDays = (type: InteractionType) => (d && type === d.type ? (degradedFromMs ?? horizonMs) / DAY : horizonMs / DAY);
  const types = {} as Record<InteractionType, TypeFigures>;
  const perMonth = {} as Record<InteractionType, number | null>;
  for (const type of INTERACTION_TYPES) {
    const of = interactions.filter((x) => x.type === type && x.observed);
    const ai = of.filter((x) => x.outcome.resolver !== 'person');
    const rated = of.filter((x) => x.outcome.csat !== null);
    const known = ai.filter((x) => x.outcome.recontact !== null);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);
    const falseAlarms = alarms.filter((a) => a.type === type && a.falseAlarm).length;
    const days = healthyDays(type);
    perMonth[type] = days > 0 ? round((falseAlarms * MONTH_DAYS) / days, 3) : null;
    types[type] = {
      interactions: interactions.filter((x) => x.type === type).length,
      aiHandled: ai.length,
      affected: of.filter((x) => x.affected).length,
      rated: rated.length,
      meanCsat: round(mean(rated.map((x) => x.outcome.csat!))),
      meanPredictedCsat: round(mean(of.map((x) => x.outcome.predictedCsat!))),
      escalatedAfterAiRate: round(mean(ai.map((x) => (x.outcome.escalatedAfterAi ? 1 : 0)))),
      recontactRate: round(mean(known.map((x) => (x.outcome.recontact ? 1 : 0)))),
      falseAlarms,
      healthyDays: round(days, 3)!,
      falseAlarmsPerMonth: perMonth[type],
    };
  }

  // Predicted satisfaction against the ratings of the last days, beside "the mean of every earlier rating".
  const from = horizonMs - CALIBRATION_DAYS * DAY;
  let n = 0;
  let predictedError = 0;
  let earlierError = 0;
  for (const x of interactions) {
    const o = x.outcome;
    if (!x.observed || o.csat === null || x.closedAt < from || x.earlierRatingMean === null) continue;
    predictedError += Math.abs(o.predictedCsat! - o.csat);
    earlierError += Math.abs(x.earlierRatingMean - o.csat);
    n++;
  }

  return {
    scenario: scenario.name,
    seed: run.seed,
    simulatedDays: scenario.days,
    interactions: interactions.length,
    truth: { degradedType: d?.type ?? null, degradedFromInteraction: d?.fromInteraction ?? null },
    alarms,
    detectionDelayInteractions: first ? delayAt(first.atMs) : null,
    falseAlarms: alarms.filter((a) => a.falseAlarm).length,
    baselines: {
      aggregateCsat: {
        detectionDelayInteractions: monitorCaught ? delayAt(monitorCaught.atMs) : null,
        falseAlarms: firings.filter((f) => f.falseAlarm).length,
        ...scenario.baselines.aggregateCsat,
        threshold: round(monitor.threshold),
        firings,
        detectionHours: monitorCaught && degradedFromMs !== null ? round((monitorCaught.atMs - degradedFromMs) / 3_600_000, 2) : null,
      },
    },
    detection: {
      first: first ? { metric: first.metric, signal: first.signal, atTime: first.at } : null,
      hours: first && degradedFromMs !== null ? round((first.atMs - degradedFromMs) / 3_600_000, 2) : null,
      degradedFrom: degradedFromMs === null ? null : iso(degradedFromMs),
      degradedTypeInteractionsAfterDegradation: degradedBefore[interactions.length]!,
      affectedInteractions: interactions.filter((x) => x.affected).length,
    },
    falseAlarmsPerTypePerMonth: perMonth,
    types,
    predictedSatisfaction: {
      lastDays: CALIBRATION_DAYS,
      ratings: n,
      meanAbsoluteError: n ? round(predictedError / n) : null,
      earlierMeanAbsoluteError: n ? round(earlierError / n) : null,
    },
    observedInteractions: interactions.filter((x) => x.observed).length,
    events: run.events,
  };
}
