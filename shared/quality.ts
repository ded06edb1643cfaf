// Quality signals as the console and integrators read them: `GET /api/quality` (a QualityReport) and the
// agent namespace's `alarm` event. The server computes everything; the console only draws it.
// docs/QUALITY.md explains each figure.
// Type-only imports and plain constants: the console imports this file without bundling zod.
import type { InteractionType } from './protocol.ts';

/** Who resolved a conversation: the AI alone, a person from the start, or the AI and then a person. */
export const RESOLVERS = ['ai', 'person', 'ai_then_person'] as const;
export type Resolver = (typeof RESOLVERS)[number];

/** The metrics an alarm can name. Leading: known when the chat ends. Lagging: a rating, or 7 days later. */
export const ALARM_METRICS = ['predicted_csat', 'sentiment_change', 'escalation_after_ai', 'csat', 'low_rating', 'recontact'] as const;
export type AlarmMetric = (typeof ALARM_METRICS)[number];
export const LEADING_METRICS: readonly AlarmMetric[] = ['predicted_csat', 'sentiment_change', 'escalation_after_ai'];

export const METRIC_LABELS: Record<AlarmMetric, string> = {
  predicted_csat: 'predicted satisfaction',
  sentiment_change: 'sentiment change',
  escalation_after_ai: 'escalations after an AI answer',
  csat: 'CSAT',
  low_rating: 'share of 1–2 ratings',
  recontact: 'recontact within 7 days',
};

/** The figures of one slice (a type, a resolver) over one window. Rates are 0..1, null with no data. */
export interface WindowMetrics {
  interactions: number;
  rated: number;
  /** mean CSAT 1..5 of the rated interactions */
  csatMean: number | null;
  /** share of ratings that are 1 or 2 */
  lowRatingShare: number | null;
  /** mean predicted satisfaction 1..5 of every interaction (rated or not) */
  predictedCsatMean: number | null;
  escalationRate: number | null;
  /** among interactions whose 7 days have passed or that were recontacted */
  recontactRate: number | null;
  abandonmentRate: number | null;
  /** mean of (last customer turn's sentiment − first's), −2..2 */
  sentimentChangeMean: number | null;
  /** share of interactions with a person where the customer repeated something they had told the AI */
  repeatedToPersonRate: number | null;
}

export type TypeKey = InteractionType | 'all';
export type ResolverKey = Resolver | 'all';

export interface QualityWindow {
  name: '24h' | '7d' | '28d';
  from: string;
  to: string;
  byType: Record<TypeKey, Record<ResolverKey, WindowMetrics>>;
}

/** Daily figures for the charts: the AI's conversations (ai, ai_then_person) against people's (person). */
export interface DailySeries {
  interactions: number[];
  csatMean: (number | null)[];
  predictedCsatMean: (number | null)[];
  escalationRate: (number | null)[];
  sentimentChangeMean: (number | null)[];
}

export interface QualitySeries {
  /** ISO dates (UTC), oldest first */
  days: string[];
  byType: Record<TypeKey, { ai: DailySeries; person: DailySeries }>;
}

export interface AlarmEvidence {
  /** the type's own baseline of the metric */
  baseline: number;
  /** the metric over the observations since the test started to accumulate */
  recent: number;
  recentN: number;
  /** the test's statistic when it fired, and its threshold */
  statistic: number;
  threshold: number;
  /** one sentence a person reads */
  text: string;
}

export interface QualityAlarmView {
  id: string;
  type: InteractionType;
  metric: AlarmMetric;
  signal: 'leading' | 'lagging';
  /** ISO 8601 */
  at: string;
  /** the how-manieth interaction of this type it fired at */
  atInteraction: number;
  evidence: AlarmEvidence;
  /** what the per-type policy did: switched the type's AI to shadow, or nothing */
  action: 'shadowed' | 'none';
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** Control group: people serving a random share of the chats the AI would keep, against the AI on the rest. */
export interface ControlComparison {
  metric: 'predicted_csat';
  ai: { n: number; mean: number | null };
  people: { n: number; mean: number | null };
  /** people − AI, with a 95% interval; null until both sides have 2 or more */
  difference: number | null;
  low: number | null;
  high: number | null;
}

export interface DriftWeek {
  /** ISO date of the week's Monday (UTC) */
  week: string;
  customerTurns: number;
  novelTurns: number;
  share: number | null;
}

export interface TypePolicyView {
  /** the mode in force now */
  ai: 'on' | 'off' | 'shadow';
  /** the mode config/policy.json gives */
  configured: 'on' | 'off' | 'shadow';
  /** why it differs from the configured mode, when it does */
  reason?: string;
  changedAt?: string;
  changedBy?: string;
}

export interface QualityReport {
  generatedAt: string;
  windows: QualityWindow[];
  series: QualitySeries;
  alarms: QualityAlarmView[];
  control: { share: number; byType: Record<InteractionType, ControlComparison> };
  drift: { weeks: DriftWeek[] };
  /** how well predicted satisfaction matches the ratings that arrived */
  calibration: { rated: number; meanAbsoluteError: number | null; bins: { predicted: number; observed: number; n: number }[] };
  policy: Record<InteractionType, TypePolicyView>;
}
