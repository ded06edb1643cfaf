// `tandem sim quality`: seeded synthetic traffic of the six interaction types run through the REAL quality
// pipeline (server/core/quality/): each simulated chat becomes an InteractionOutcome, gets its predicted
// satisfaction before the model learns from its own rating, and feeds the per-type alarms when it closes; whether
// the customer came back is fed when it becomes known (the recontact, or 7 days after the close). From a given
// interaction on the AI can silently get worse at one type. The generative model is in docs/QUALITY-SIM.md.
// Each purpose draws from its own random stream, a fixed number of draws per chat, so a degradation (or any
// change to one part) leaves every other draw of the run as it was.
import type { InteractionType } from '../../shared/protocol.ts';
import type { Resolver } from '../../shared/quality.ts';
import { QualityAlarms, type Alarm, type AlarmTuning } from '../core/quality/alarms.ts';
import type { InteractionOutcome } from '../core/quality/outcome.ts';
import { SatisfactionModel } from '../core/quality/predicted-satisfaction.ts';
import { EventHeap } from './event-heap.ts';
import { qualityScenarioTypes, type QualityScenario } from './quality-scenario.ts';
import { exponential, lognormal, standardNormal, stream, type Random } from './random.ts';

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const RECONTACT_WINDOW = 7 * DAY;

/** Relative arrivals per hour of the day (quiet nights, a late-morning peak), normalised to a mean of 1. */
const DAY_CURVE_RAW = [0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.4, 0.7, 1, 1, 1, 0.85, 0.85, 0.95, 0.95, 0.95, 0.8, 0.6, 0.6, 0.6, 0.35, 0.35, 0.35];
const DAY_CURVE_MEAN = DAY_CURVE_RAW.reduce((a, b) => a + b, 0) / 24;
export const DAY_CURVE = DAY_CURVE_RAW.map((x) => x / DAY_CURVE_MEAN);

// The fixed parts of the generative model (docs/QUALITY-SIM.md).
/** spread of latent satisfaction around its type-and-path mean, CSAT points */
const SATISFACTION_SD = 1.0;
/** an ai_then_person chat where the customer repeats themselves to the person: probability and cost */
const REPEAT_SHARE = 0.3;
const REPEAT_COST = 0.3;
/** a queued customer leaves before a person joins: probability and cost */
const ABANDON_SHARE = 0.04;
const ABANDON_COST = 1;
const SENTIMENT_START_SD = 0.3;
/** last-turn sentiment moves by this much per point of satisfaction above or below NEUTRAL_SATISFACTION */
const SENTIMENT_PER_POINT = 0.25;
const NEUTRAL_SATISFACTION = 3.8;
const SENTIMENT_END_SD = 0.35;
const RATING_SD = 0.5;
/** customers who would give 1 or 2 rate this much more often */
const UNHAPPY_RATE_MORE = 1.5;
/** recontact is this much likelier when satisfaction is below 3 */
const UNHAPPY_RECONTACT = 2;
const HANDLE_MEAN_SECONDS = 8 * 60;
const HANDLE_SIGMA = 0.5;

/** One simulated chat. Times are ms after the scenario's start. */
export interface SimInteraction {
  /** global 1-based index in arrival order */
  index: number;
  type: InteractionType;
  arrivedAt: number;
  closedAt: number;
  /** the degradation touched it */
  affected: boolean;
  /** whether the customer comes back within 7 days, and when the system learns it */
  recontact: boolean;
  recontactKnownAt: number;
  /** what the pipeline saw; predictedCsat and recontact are filled in when observed */
  outcome: InteractionOutcome;
  /** the naive predictor for its rating: the mean of every rating observed before it (null: none yet) */
  earlierRatingMean: number | null;
  observed: boolean;
}

/** An alarm as the simulator saw it fire. */
export interface SimAlarm extends Alarm {
  /** ms after the start */
  atMs: number;
  /** global index of the interaction whose observation (its close, or its recontact becoming known) fired it */
  interaction: number;
}

export interface AggregateMonitorRun {
  /** the mean of the first full window minus the margin; null when that window had no ratings */
  threshold: number | null;
  evaluations: { atMs: number; mean: number | null; ratings: number }[];
  firings: { atMs: number; mean: number }[];
}

export interface QualityRun {
  scenario: QualityScenario;
  seed: number;
  startMs: number;
  horizonMs: number;
  interactions: SimInteraction[];
  /** arrival times, ascending (arrivals[i − 1] is interaction i's) */
  arrivals: Float64Array;
  alarms: SimAlarm[];
  aggregate: AggregateMonitorRun;
  /** ratings in the order observed (close order), for the baselines */
  ratingTimes: number[];
  ratingScores: number[];
  events: number;
  tuning: AlarmTuning;
  /** final satisfaction-model weights (FEATURE_NAMES order) */
  modelWeights: number[];
}

export interface QualitySimOptions {
  seed: number;
  /** override the alarms' thresholds (the tuning bench) */
  tuning?: Partial<AlarmTuning>;
  /**
   * What the simulated operator does with an alarm. 'false-alarms' (default): looks at once, acknowledges a false
   * alarm (the test runs on, so every false alarm is counted) and leaves a true one standing (the problem is real
   * and is not fixed within the run, so it is not raised again and again). 'all': acknowledges every alarm.
   * 'none': nobody looks; every alarm stands, so each test fires at most once.
   */
  acknowledge?: 'false-alarms' | 'all' | 'none';
}

const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Poisson arrivals at `perDay` in [0, horizon), piecewise constant by the hour when `cycle` is set. */
function arrivalTimes(r: Random, perDay: number, horizon: number, cycle: boolean): Float64Array {
  const out: number[] = [];
  let t = 0;
  while (t < horizon) {
    const hourEnd = (Math.floor(t / HOUR) + 1) * HOUR;
    const rate = (perDay / DAY) * (cycle ? DAY_CURVE[Math.floor((t % DAY) / HOUR)]! : 1);
    const next = rate > 0 ? t + exponential(r, 1 / rate) : Infinity;
    // memoryless: past the end of the hour, start again from there at the next hour's rate
    if (next >= hourEnd) t = hourEnd;
    else {
      t = next;
      if (t < horizon) out.push(t);
    }
  }
  return Float64Array.from(out);
}

type Path = 'ai' | 'aiThenPerson' | 'person';

/** Draw every interaction of the run, in arrival order (open loop: nothing here depends on the alarms). */
function generate(scenario: QualityScenario, seed: number, startMs: number, arrivals: Float64Array): SimInteraction[] {
  const types = qualityScenarioTypes(scenario);
  const cumulative: number[] = [];
  let acc = 0;
  for (const t of types) cumulative.push((acc += t.share));
  const d = scenario.degradation;
  const r = {
    type: stream(seed, 'type'),
    path: stream(seed, 'path'),
    degradation: stream(seed, 'degradation'),
    escalation: stream(seed, 'escalation'),
    satisfaction: stream(seed, 'satisfaction'),
    queue: stream(seed, 'queue'),
    repeat: stream(seed, 'repeat'),
    sentiment: stream(seed, 'sentiment'),
    turns: stream(seed, 'turns'),
    novel: stream(seed, 'novel'),
    rating: stream(seed, 'rating'),
    recontact: stream(seed, 'recontact'),
    handle: stream(seed, 'handle'),
  };
  const out: SimInteraction[] = new Array(arrivals.length);
  for (let k = 0; k < arrivals.length; k++) {
    const index = k + 1;
    const arrivedAt = arrivals[k]!;
    // Every draw below happens for every chat, used or not, so the streams stay aligned across scenarios.
    const u = r.type.next();
    let ti = 0;
    while (ti < cumulative.length - 1 && u >= cumulative[ti]!) ti++;
    const { type, spec } = types[ti]!;
    const ai = r.path.next() < spec.aiShare;
    const affectDraw = r.degradation.next();
    const affected = d !== null && index >= d.fromInteraction && type === d.type && ai && affectDraw < d.affectedShare;

    const escalationDraw = r.escalation.next();
    const triggerDraw = r.escalation.next();
    const escalated = ai && escalationDraw < Math.min(1, spec.escalation + (affected ? d!.escalationRise : 0));
    const path: Path = !ai ? 'person' : escalated ? 'aiThenPerson' : 'ai';
    const queued = path !== 'ai';

    const abandonDraw = r.queue.next();
    const waitSeconds = exponential(r.queue, spec.minutesToPerson * 60);
    const abandoned = queued && abandonDraw < ABANDON_SHARE;
    const resolver: Resolver = path === 'person' ? 'person' : path === 'aiThenPerson' && !abandoned ? 'ai_then_person' : 'ai';
    const repeatDraw = r.repeat.next();
    const repeats = resolver === 'ai_then_person' && repeatDraw < REPEAT_SHARE ? 1 : 0;

    let s = spec.satisfaction[path] + SATISFACTION_SD * standardNormal(r.satisfaction);
    if (repeats > 0) s -= REPEAT_COST;
    if (abandoned) s -= ABANDON_COST;
    if (affected) s -= d!.csatDrop;

    const sentimentStart = clip(spec.sentimentStart + SENTIMENT_START_SD * standardNormal(r.sentiment), -1, 1);
    const endNoise = SENTIMENT_END_SD * standardNormal(r.sentiment);
    const sentimentEnd = clip(sentimentStart + SENTIMENT_PER_POINT * (s - NEUTRAL_SATISFACTION) + endNoise + (affected ? d!.sentimentChangeShift : 0), -1, 1);
    const customerTurns = 2 + Math.floor(r.turns.next() * 5);
    const novelDraw = r.novel.next();
    const novelTurns = (affected && d!.novel) || novelDraw < spec.novelShare ? 1 : 0;

    const score = clip(Math.round(s + RATING_SD * standardNormal(r.rating)), 1, 5);
    const rated = r.rating.next() < Math.min(1, scenario.ratingShare * (score <= 2 ? UNHAPPY_RATE_MORE : 1));
    const recontactDraw = r.recontact.next();
    const recontactDelay = r.recontact.next() * RECONTACT_WINDOW;
    const recontact = recontactDraw < Math.min(1, spec.recontact * (s < 3 ? UNHAPPY_RECONTACT : 1) + (affected ? d!.recontactRise : 0));

    const handleSeconds = lognormal(r.handle, HANDLE_MEAN_SECONDS, HANDLE_SIGMA);
    const aiFirstAnswer = 1 + 3 * r.handle.next();
    const closedAt = arrivedAt + (handleSeconds + (queued ? waitSeconds : 0)) * 1000;
    const reachedPerson = queued && !abandoned;

    const outcome: InteractionOutcome = {
      conversationId: `sim-${index}`,
      type,
      predictedType: type,
      correctedType: null,
      resolver,
      escalated: queued,
      escalationTrigger: path === 'person' ? 'policy' : escalated ? (triggerDraw < 0.5 ? 'ai_unsure' : 'customer_request') : null,
      escalationReason: null,
      escalatedAfterAi: escalated,
      control: false,
      sentimentStart: round3(sentimentStart),
      sentimentEnd: round3(sentimentEnd),
      sentimentChange: round3(sentimentEnd - sentimentStart),
      customerTurns,
      novelTurns,
      firstAnswerSeconds: ai ? round3(aiFirstAnswer) : reachedPerson ? round3(waitSeconds) : null,
      toPersonSeconds: reachedPerson ? round3(waitSeconds) : null,
      abandoned,
      csat: rated ? score : null,
      csatComment: null,
      disposition: null,
      repeatsToPerson: repeats,
      recontact: null,
      customerKey: `sim-customer-${index}`,
      predictedCsat: null,
      openedAt: new Date(startMs + arrivedAt).toISOString(),
      closedAt: new Date(startMs + closedAt).toISOString(),
    };
    out[k] = {
      index,
      type,
      arrivedAt,
      closedAt,
      affected,
      recontact,
      recontactKnownAt: closedAt + (recontact ? recontactDelay : RECONTACT_WINDOW),
      outcome,
      earlierRatingMean: null,
      observed: false,
    };
  }
  return out;
}

/** The naive monitor: the mean of all ratings over the last windowDays, evaluated every evaluateEveryDays. */
function aggregateMonitor(scenario: QualityScenario, times: readonly number[], scores: readonly number[], horizon: number): AggregateMonitorRun {
  const { windowDays, evaluateEveryDays, margin } = scenario.baselines.aggregateCsat;
  const window = windowDays * DAY;
  const meanOver = (from: number, to: number): { mean: number | null; ratings: number } => {
    let sum = 0;
    let n = 0;
    // ratings are in close order, which is time order
    for (let i = lowerBound(times, from); i < times.length && times[i]! <= to; i++) {
      if (times[i]! > from) {
        sum += scores[i]!;
        n++;
      }
    }
    return { mean: n ? sum / n : null, ratings: n };
  };
  const first = meanOver(-1, window);
  const threshold = first.mean === null ? null : first.mean - margin;
  const evaluations: AggregateMonitorRun['evaluations'] = [];
  const firings: AggregateMonitorRun['firings'] = [];
  let armed = true;
  for (let at = window + evaluateEveryDays * DAY; at <= horizon + 1e-6; at += evaluateEveryDays * DAY) {
    const { mean, ratings } = meanOver(at - window, at);
    evaluations.push({ atMs: at, mean, ratings });
    if (threshold === null || mean === null) continue;
    if (mean < threshold) {
      if (armed) firings.push({ atMs: at, mean });
      armed = false;
    } else armed = true;
  }
  return { threshold, evaluations, firings };
}

/** First position in ascending `xs` whose value is ≥ x. */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in ascending `xs` whose value is > x: the count of values ≤ x. */
export function upperBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type QualityEvent = { k: 'close'; x: SimInteraction } | { k: 'recontact'; x: SimInteraction };
/** At one instant a close is observed before a recontact becoming known. */
const RANK = { close: 0, recontact: 1 } as const;

/** Run a scenario with a seed: the same scenario and seed give the same run. */
export function simulateQuality(scenario: QualityScenario, options: QualitySimOptions): QualityRun {
  const { seed } = options;
  const acknowledge = options.acknowledge ?? 'false-alarms';
  const startMs = Date.parse(scenario.start);
  const horizonMs = scenario.days * DAY;
  const arrivals = arrivalTimes(stream(seed, 'arrivals'), scenario.chatsPerDay, horizonMs, scenario.dailyCycle);
  const interactions = generate(scenario, seed, startMs, arrivals);
  const d = scenario.degradation;
  const degradedFrom = d ? (arrivals[d.fromInteraction - 1] ?? Infinity) : Infinity;
  const trueAlarm = (a: Alarm, atMs: number) => d !== null && a.type === d.type && atMs >= degradedFrom;

  const model = new SatisfactionModel();
  const alarms = new QualityAlarms(model, options.tuning ?? {});
  const heap = new EventHeap<QualityEvent>();
  for (const x of interactions) heap.push(x.closedAt, RANK.close, { k: 'close', x });

  const fired: SimAlarm[] = [];
  const ratingTimes: number[] = [];
  const ratingScores: number[] = [];
  let ratingSum = 0;
  let events = 0;
  const record = (raised: Alarm[], atMs: number, interaction: number) => {
    for (const alarm of raised) {
      fired.push({ ...alarm, atMs, interaction });
      if (acknowledge === 'all' || (acknowledge === 'false-alarms' && !trueAlarm(alarm, atMs))) alarms.acknowledge(alarm.type, alarm.metric);
    }
  };

  // Only what happens inside the simulated period is observed: a chat closing after it, or a recontact that
  // becomes known after it, is not.
  for (let e = heap.pop(); e !== undefined && e.time < horizonMs; e = heap.pop()) {
    events++;
    const { x } = e.item;
    const at = new Date(startMs + e.time).toISOString();
    if (e.item.k === 'close') {
      const o = x.outcome;
      x.observed = true;
      o.predictedCsat = round3(model.predict(o));
      record(alarms.observe(o, at), e.time, x.index);
      if (o.csat !== null) {
        x.earlierRatingMean = ratingTimes.length ? ratingSum / ratingTimes.length : null;
        model.observe(o, o.csat);
        ratingTimes.push(e.time);
        ratingScores.push(o.csat);
        ratingSum += o.csat;
      }
      heap.push(x.recontactKnownAt, RANK.recontact, { k: 'recontact', x });
    } else {
      x.outcome.recontact = x.recontact;
      record(alarms.observeRecontact(x.outcome, x.recontact, at), e.time, x.index);
    }
  }

  return {
    scenario,
    seed,
    startMs,
    horizonMs,
    interactions,
    arrivals,
    alarms: fired,
    aggregate: aggregateMonitor(scenario, ratingTimes, ratingScores, horizonMs),
    ratingTimes,
    ratingScores,
    events,
    tuning: alarms.tuning,
    modelWeights: Array.from(model.weights()),
  };
}
