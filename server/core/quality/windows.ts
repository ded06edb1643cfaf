// The quality figures of a set of outcomes: per type and per resolver over a window, daily series of the AI
// against people, the control group's comparison with its uncertainty, the weekly share of novel messages
// (drift) and how well predicted satisfaction matches the ratings. Pure: outcomes and instants in, figures out.
import { INTERACTION_TYPES, type InteractionType } from '../../../shared/protocol.ts';
import {
  RESOLVERS,
  type ControlComparison,
  type DailySeries,
  type DriftWeek,
  type QualitySeries,
  type ResolverKey,
  type TypeKey,
  type WindowMetrics,
} from '../../../shared/quality.ts';
import type { InteractionOutcome } from './outcome.ts';

const DAY_MS = 86_400_000;
const round = (x: number | null, digits = 3): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

class Tally {
  interactions = 0;
  rated = 0;
  csatSum = 0;
  low = 0;
  predictedN = 0;
  predictedSum = 0;
  escalated = 0;
  recontactKnown = 0;
  recontacted = 0;
  abandoned = 0;
  sentimentN = 0;
  sentimentSum = 0;
  withPerson = 0;
  repeated = 0;

  add(o: InteractionOutcome): void {
    this.interactions++;
    if (o.csat !== null) {
      this.rated++;
      this.csatSum += o.csat;
      if (o.csat <= 2) this.low++;
    }
    if (o.predictedCsat !== null) {
      this.predictedN++;
      this.predictedSum += o.predictedCsat;
    }
    if (o.escalated) this.escalated++;
    if (o.recontact !== null) {
      this.recontactKnown++;
      if (o.recontact) this.recontacted++;
    }
    if (o.abandoned) this.abandoned++;
    if (o.sentimentChange !== null) {
      this.sentimentN++;
      this.sentimentSum += o.sentimentChange;
    }
    if (o.resolver !== 'ai') {
      this.withPerson++;
      if (o.repeatsToPerson > 0) this.repeated++;
    }
  }

  metrics(): WindowMetrics {
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);
    return {
      interactions: this.interactions,
      rated: this.rated,
      csatMean: ratio(this.csatSum, this.rated),
      lowRatingShare: ratio(this.low, this.rated),
      predictedCsatMean: ratio(this.predictedSum, this.predictedN),
      escalationRate: ratio(this.escalated, this.interactions),
      recontactRate: ratio(this.recontacted, this.recontactKnown),
      abandonmentRate: ratio(this.abandoned, this.interactions),
      sentimentChangeMean: ratio(this.sentimentSum, this.sentimentN),
      repeatedToPersonRate: ratio(this.repeated, this.withPerson),
    };
  }
}

const TYPE_KEYS: TypeKey[] = [...INTERACTION_TYPES, 'all'];
const RESOLVER_KEYS: ResolverKey[] = [...RESOLVERS, 'all'];

/** Figures per type (and all) and per resolver (and all) of the outcomes closed in [from, to). */
export function summarize(outcomes: readonly InteractionOutcome[], from: number, to: number): Record<TypeKey, Record<ResolverKey, WindowMetrics>> {
  const tallies = new Map<string, Tally>();
  const tally = (t: TypeKey, r: ResolverKey) => {
    const key = `${t}/${r}`;
    let found = tallies.get(key);
    if (!found) tallies.set(key, (found = new Tally()));
    return found;
  };
  for (const o of outcomes) {
    const at = Date.parse(o.closedAt);
    if (at < from || at >= to) continue;
    for (const t of o.type ? [o.type, 'all' as const] : ['all' as const]) {
      tally(t, o.resolver).add(o);
      tally(t, 'all').add(o);
    }
  }
  return Object.fromEntries(
    TYPE_KEYS.map((t) => [t, Object.fromEntries(RESOLVER_KEYS.map((r) => [r, tally(t, r).metrics()]))]),
  ) as Record<TypeKey, Record<ResolverKey, WindowMetrics>>;
}

/** ISO date (UTC) of an instant. */
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Daily figures over the `days` days up to `now`, per type: the AI's conversations against people's. */
export function dailySeries(outcomes: readonly InteractionOutcome[], days: number, now: number): QualitySeries {
  const firstDay = Date.parse(isoDay(now)) - (days - 1) * DAY_MS;
  const dayList = Array.from({ length: days }, (_, i) => isoDay(firstDay + i * DAY_MS));
  const tallies = new Map<string, Tally>();
  for (const o of outcomes) {
    const index = Math.floor((Date.parse(o.closedAt) - firstDay) / DAY_MS);
    if (index < 0 || index >= days) continue;
    const side = o.resolver === 'person' ? 'person' : 'ai';
    for (const t of o.type ? [o.type, 'all'] : ['all']) {
      const key = `${t}/${side}/${index}`;
      let found = tallies.get(key);
      if (!found) tallies.set(key, (found = new Tally()));
      found.add(o);
    }
  }
  const series = (t: TypeKey, side: 'ai' | 'person'): DailySeries => {
    const out: DailySeries = { interactions: [], csatMean: [], predictedCsatMean: [], escalationRate: [], sentimentChangeMean: [] };
    for (let i = 0; i < days; i++) {
      const m = (tallies.get(`${t}/${side}/${i}`) ?? new Tally()).metrics();
      out.interactions.push(m.interactions);
      out.csatMean.push(m.csatMean);
      out.predictedCsatMean.push(m.predictedCsatMean);
      out.escalationRate.push(m.escalationRate);
      out.sentimentChangeMean.push(m.sentimentChangeMean);
    }
    return out;
  };
  return {
    days: dayList,
    byType: Object.fromEntries(TYPE_KEYS.map((t) => [t, { ai: series(t, 'ai'), person: series(t, 'person') }])) as QualitySeries['byType'],
  };
}

function meanVariance(xs: readonly number[]): { n: number; mean: number | null; variance: number } {
  const n = xs.length;
  if (n === 0) return { n, mean: null, variance: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance };
}

/**
 * The control group against the AI, per type: people's predicted satisfaction on the control group minus the
 * AI's on the conversations it kept (both drawn from the chats the AI would keep, so the difference is not
 * biased by who gets escalated), with a 95% Welch interval.
 */
export function controlComparison(outcomes: readonly InteractionOutcome[]): Record<InteractionType, ControlComparison> {
  const result = {} as Record<InteractionType, ControlComparison>;
  for (const type of INTERACTION_TYPES) {
    const people: number[] = [];
    const ai: number[] = [];
    for (const o of outcomes) {
      if (o.type !== type || o.predictedCsat === null) continue;
      if (o.control) people.push(o.predictedCsat);
      // The AI's side is every chat it kept at the point the control draw is made: resolved by the AI or
      // escalated later (an escalation is part of the AI's quality).
      else if (o.resolver === 'ai' || o.resolver === 'ai_then_person') ai.push(o.predictedCsat);
    }
    const p = meanVariance(people);
    const a = meanVariance(ai);
    let difference: number | null = null;
    let low: number | null = null;
    let high: number | null = null;
    if (p.n >= 2 && a.n >= 2 && p.mean !== null && a.mean !== null) {
      difference = p.mean - a.mean;
      const se = Math.sqrt(p.variance / p.n + a.variance / a.n);
      low = difference - 1.96 * se;
      high = difference + 1.96 * se;
    }
    result[type] = {
      metric: 'predicted_csat',
      ai: { n: a.n, mean: round(a.mean) },
      people: { n: p.n, mean: round(p.mean) },
      difference: round(difference),
      low: round(low),
      high: round(high),
    };
  }
  return result;
}

/** Monday (UTC) of the week an instant falls in, as an ISO date. */
export function weekOf(ms: number): string {
  const day = new Date(ms).getUTCDay();
  return isoDay(Date.parse(isoDay(ms)) - ((day + 6) % 7) * DAY_MS);
}

/** The share of novel customer turns per week, over the `weeks` weeks up to `now`, oldest first. */
export function driftWeeks(outcomes: readonly InteractionOutcome[], weeks: number, now: number): DriftWeek[] {
  const thisWeek = Date.parse(weekOf(now));
  const list = Array.from({ length: weeks }, (_, i) => ({ week: isoDay(thisWeek - (weeks - 1 - i) * 7 * DAY_MS), customerTurns: 0, novelTurns: 0, share: null as number | null }));
  const byWeek = new Map(list.map((w) => [w.week, w]));
  for (const o of outcomes) {
    const w = byWeek.get(weekOf(Date.parse(o.closedAt)));
    if (!w) continue;
    w.customerTurns += o.customerTurns;
    w.novelTurns += o.novelTurns;
  }
  for (const w of list) w.share = w.customerTurns > 0 ? round(w.novelTurns / w.customerTurns, 4) : null;
  return list;
}

/** Predicted satisfaction against the ratings that arrived: mean absolute error and five bins. */
export function calibration(outcomes: readonly InteractionOutcome[]): { rated: number; meanAbsoluteError: number | null; bins: { predicted: number; observed: number; n: number }[] } {
  const pairs = outcomes.filter((o) => o.csat !== null && o.predictedCsat !== null).map((o) => ({ p: o.predictedCsat!, y: o.csat! }));
  if (pairs.length === 0) return { rated: 0, meanAbsoluteError: null, bins: [] };
  const mae = pairs.reduce((a, { p, y }) => a + Math.abs(p - y), 0) / pairs.length;
  const edges = [1, 2.5, 3.25, 3.75, 4.25, 5.01];
  const bins: { predicted: number; observed: number; n: number }[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const inBin = pairs.filter(({ p }) => p >= edges[i]! && p < edges[i + 1]!);
    if (inBin.length === 0) continue;
    bins.push({
      predicted: round(inBin.reduce((a, b) => a + b.p, 0) / inBin.length)!,
      observed: round(inBin.reduce((a, b) => a + b.y, 0) / inBin.length)!,
      n: inBin.length,
    });
  }
  return { rated: pairs.length, meanAbsoluteError: round(mae), bins };
}
