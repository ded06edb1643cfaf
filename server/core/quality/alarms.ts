// Alarms per interaction type: each type's AI-handled conversations (resolved by the AI, or by the AI and then
// a person; the control group excluded) feed six sequential tests against that type's own baseline:
// leading (known when the chat ends): predicted satisfaction, sentiment change, escalation after an AI answer;
// lagging: CSAT, the share of 1–2 ratings, recontact within 7 days. A test that fires raises an alarm naming
// the type, the metric, the evidence and the time, then stands (its baseline frozen) until acknowledged.
// Thresholds are set for under one false alarm per type per month at a busy type's volume, checked by
// `npm run bench:quality` on healthy scenarios (docs/QUALITY.md).
import { INTERACTION_TYPES, type InteractionType } from '../../../shared/protocol.ts';
import { LEADING_METRICS, METRIC_LABELS, type AlarmEvidence, type AlarmMetric } from '../../../shared/quality.ts';
import { TYPE_LABELS } from '../../../shared/interaction-labels.ts';
import type { InteractionOutcome } from './outcome.ts';
import { FEATURE_NAMES, satisfactionFeatures, type SatisfactionModel } from './predicted-satisfaction.ts';
import { BernoulliCusum, GaussianCusum, LinearScoreCusum, type CusumVerdict } from './sequential.ts';

export interface Alarm {
  type: InteractionType;
  metric: AlarmMetric;
  signal: 'leading' | 'lagging';
  /** ISO 8601 */
  at: string;
  /** the how-manieth AI-handled interaction of this type it fired at */
  atInteraction: number;
  evidence: AlarmEvidence;
}

export interface AlarmTuning {
  /** CUSUM threshold h for the continuous metrics (in standard deviations) and their reference value k */
  gaussianThreshold: number;
  gaussianK: number;
  /** CUSUM threshold for the rates (in nats of log-likelihood ratio) and the rise they look for */
  bernoulliThreshold: number;
  relativeRisk: number;
  minShift: number;
  /** per-conversation streams: baseline observations needed, guard, memory */
  minBaseline: number;
  guard: number;
  memory: number;
  /** rating streams (about one chat in ten is rated): the same, in ratings */
  ratingMinBaseline: number;
  ratingGuard: number;
}

export const DEFAULT_TUNING: AlarmTuning = {
  gaussianThreshold: 28,
  gaussianK: 0.15,
  bernoulliThreshold: 8,
  relativeRisk: 1.35,
  minShift: 0.02,
  minBaseline: 300,
  guard: 300,
  memory: 5000,
  ratingMinBaseline: 100,
  ratingGuard: 100,
};

type Stream = GaussianCusum | BernoulliCusum | LinearScoreCusum;

interface TypeWatch {
  interactions: number;
  streams: Record<AlarmMetric, Stream>;
  /** metrics with an alarm standing (not yet acknowledged) */
  standing: Set<AlarmMetric>;
}

function streamsFor(t: AlarmTuning): Record<AlarmMetric, Stream> {
  const perChat = { minBaseline: t.minBaseline, guard: t.guard, memory: t.memory };
  const perRating = { minBaseline: t.ratingMinBaseline, guard: t.ratingGuard, memory: t.memory };
  const gaussian = { threshold: t.gaussianThreshold, k: t.gaussianK };
  const bernoulli = { threshold: t.bernoulliThreshold, relativeRisk: t.relativeRisk, minShift: t.minShift };
  return {
    // Scored with the model's current weights against the baseline of the signals, so the model's learning
    // (from every type's ratings) does not move the test's baseline.
    predicted_csat: new LinearScoreCusum(FEATURE_NAMES.length, { ...perChat, ...gaussian, worse: 'down' }),
    sentiment_change: new GaussianCusum({ ...perChat, ...gaussian, worse: 'down' }),
    escalation_after_ai: new BernoulliCusum({ ...perChat, ...bernoulli, worse: 'up' }),
    csat: new GaussianCusum({ ...perRating, ...gaussian, worse: 'down' }),
    low_rating: new BernoulliCusum({ ...perRating, ...bernoulli, worse: 'up' }),
    recontact: new BernoulliCusum({ ...perChat, ...bernoulli, worse: 'up' }),
  };
}

/** Whether an outcome is watched: the AI took part and it was not a control-group chat. */
export function watched(o: Pick<InteractionOutcome, 'type' | 'resolver' | 'control'>): o is typeof o & { type: InteractionType } {
  return o.type !== null && !o.control && (o.resolver === 'ai' || o.resolver === 'ai_then_person');
}

const fmt = (metric: AlarmMetric, x: number): string =>
  metric === 'escalation_after_ai' || metric === 'low_rating' || metric === 'recontact' ? `${(x * 100).toFixed(1)}%` : x.toFixed(2);

export class QualityAlarms {
  readonly tuning: AlarmTuning;
  readonly #types = new Map<InteractionType, TypeWatch>();
  readonly #model: SatisfactionModel;
  readonly #x = new Float64Array(FEATURE_NAMES.length);

  /** `model` is the predicted-satisfaction model the outcomes are scored with (it may keep learning). */
  constructor(model: SatisfactionModel, tuning: Partial<AlarmTuning> = {}) {
    this.#model = model;
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    for (const type of INTERACTION_TYPES) this.#types.set(type, { interactions: 0, streams: streamsFor(this.tuning), standing: new Set() });
  }

  /** AI-handled interactions of the type seen so far. */
  interactions(type: InteractionType): number {
    return this.#types.get(type)!.interactions;
  }

  /**
   * A conversation ended (with `predictedCsat` filled in): feed its leading signals, and its rating when it
   * has one. Returns the alarms that fired.
   */
  observe(o: InteractionOutcome, at: string): Alarm[] {
    if (!watched(o)) return [];
    const watch = this.#types.get(o.type)!;
    watch.interactions++;
    const alarms: Alarm[] = [];
    const feed = (metric: AlarmMetric, x: number) => {
      const alarm = this.#feed(o.type, watch, metric, x, at);
      if (alarm) alarms.push(alarm);
    };
    const predicted = this.#feedScore(o.type, watch, o, at);
    if (predicted) alarms.push(predicted);
    if (o.sentimentChange !== null) feed('sentiment_change', o.sentimentChange);
    feed('escalation_after_ai', o.escalatedAfterAi ? 1 : 0);
    if (o.csat !== null) alarms.push(...this.observeRating(o, o.csat, at));
    return alarms;
  }

  /** A rating of a watched conversation: with its outcome, or later when the rating came after the close. */
  observeRating(o: Pick<InteractionOutcome, 'type' | 'resolver' | 'control'>, score: number, at: string): Alarm[] {
    if (!watched(o)) return [];
    const watch = this.#types.get(o.type)!;
    const alarms: Alarm[] = [];
    for (const [metric, x] of [
      ['csat', score],
      ['low_rating', score <= 2 ? 1 : 0],
    ] as const) {
      const alarm = this.#feed(o.type, watch, metric, x, at);
      if (alarm) alarms.push(alarm);
    }
    return alarms;
  }

  /** Whether the customer came back about the same thing within 7 days, once known. */
  observeRecontact(o: Pick<InteractionOutcome, 'type' | 'resolver' | 'control'>, recontact: boolean, at: string): Alarm[] {
    if (!watched(o)) return [];
    const alarm = this.#feed(o.type, this.#types.get(o.type)!, 'recontact', recontact ? 1 : 0, at);
    return alarm ? [alarm] : [];
  }

  /** Someone looked at the alarm: the test runs again, from the baseline it had (not the degraded data). */
  acknowledge(type: InteractionType, metric: AlarmMetric): void {
    const watch = this.#types.get(type)!;
    watch.standing.delete(metric);
    watch.streams[metric].baseline.frozen = false;
  }

  /** An alarm raised earlier (before a restart) still stands: hold the test as if it had just fired. */
  stand(type: InteractionType, metric: AlarmMetric): void {
    const watch = this.#types.get(type)!;
    watch.standing.add(metric);
    watch.streams[metric].baseline.frozen = true;
  }

  /** Whether an alarm stands on this type and metric. */
  standing(type: InteractionType, metric: AlarmMetric): boolean {
    return this.#types.get(type)!.standing.has(metric);
  }

  #feedScore(type: InteractionType, watch: TypeWatch, o: InteractionOutcome, at: string): Alarm | null {
    const stream = watch.streams.predicted_csat as LinearScoreCusum;
    return this.#verdict(type, watch, 'predicted_csat', stream.observe(satisfactionFeatures(o, this.#x), this.#model.weights()), at);
  }

  #feed(type: InteractionType, watch: TypeWatch, metric: AlarmMetric, x: number, at: string): Alarm | null {
    const stream = watch.streams[metric];
    if (stream instanceof LinearScoreCusum) throw new Error(`${metric} is a scored stream`);
    const verdict: CusumVerdict | null = stream instanceof BernoulliCusum ? stream.observe(x ? 1 : 0) : stream.observe(x);
    return this.#verdict(type, watch, metric, verdict, at);
  }

  #verdict(type: InteractionType, watch: TypeWatch, metric: AlarmMetric, verdict: CusumVerdict | null, at: string): Alarm | null {
    const stream = watch.streams[metric];
    if (!verdict?.fired || watch.standing.has(metric)) return null;
    watch.standing.add(metric);
    stream.baseline.frozen = true;
    return {
      type,
      metric,
      signal: LEADING_METRICS.includes(metric) ? 'leading' : 'lagging',
      at,
      atInteraction: watch.interactions,
      evidence: {
        baseline: round(verdict.baseline),
        recent: round(verdict.recent),
        recentN: verdict.recentN,
        statistic: round(verdict.statistic),
        threshold: verdict.threshold,
        text:
          `${TYPE_LABELS[type]}, AI-handled: ${METRIC_LABELS[metric]} ${fmt(metric, verdict.recent)} over the last ${verdict.recentN} ` +
          `${metric === 'csat' || metric === 'low_rating' ? 'ratings' : 'conversations'}, against its baseline of ${fmt(metric, verdict.baseline)} ` +
          `(CUSUM evidence ${verdict.statistic.toFixed(1)}, alarm level ${verdict.threshold}).`,
      },
    };
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
