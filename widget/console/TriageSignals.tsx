// What triage made of a conversation, for the agent: type, priority, the customer's mood and its course, and
// the reasons it came to people. Shown on each queued chat and at the top of an open one.
import type { InteractionType, Priority, TriageView } from '../../shared/protocol.ts';

import { TYPE_LABELS } from '../../shared/interaction-labels.ts';

const TYPE_IDS = new RegExp(`\\b(${Object.keys(TYPE_LABELS).join('|')})\\b`, 'g');
const DISTRESS_WORDS = ['calm', 'frustrated', 'distressed'] as const;
const PRIORITY_WORDS: Record<Priority, string> = { normal: 'Normal', high: 'High', urgent: 'Urgent' };
/** Below this type confidence the agent is told triage was unsure of the type. */
const UNSURE_BELOW = 0.6;
/** A change of sentiment smaller than this, first turn to latest, reads as steady. */
const STEADY_WITHIN = 0.15;

/** The human-readable name of an interaction type, or "Not yet triaged". */
export function typeLabel(type: InteractionType | null): string {
  return type ? TYPE_LABELS[type] : 'Not yet triaged';
}

/** A triage reason with the type ids in it ("fraud_security (1.00)") written as people read them. */
export function readableReason(reason: string): string {
  return reason.replace(TYPE_IDS, (id) => TYPE_LABELS[id as InteractionType]);
}

/** "−0.6", "0.0", "0.4": one decimal with a true minus sign. */
function formatSentiment(value: number): string {
  const fixed = value.toFixed(1);
  return fixed === '-0.0' ? '0.0' : fixed.replace('-', '−');
}

type SentimentCourse = 'falling' | 'steady' | 'rising';

/** The course of the customer's sentiment in words: "Sentiment: −0.6 → −0.8, falling (3 turns)". */
export function describeSentiment(values: readonly number[]): { label: string; short: string; trend: SentimentCourse } {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) {
    return { label: 'Sentiment: no customer turns yet', short: 'none yet', trend: 'steady' };
  }
  if (values.length === 1) {
    return { label: `Sentiment: ${formatSentiment(last)} (one turn)`, short: formatSentiment(last), trend: 'steady' };
  }
  const change = last - first;
  const trend = Math.abs(change) < STEADY_WITHIN ? 'steady' : change < 0 ? 'falling' : 'rising';
  return {
    label: `Sentiment: ${formatSentiment(first)} → ${formatSentiment(last)}, ${trend} (${values.length} turns)`,
    short: `${formatSentiment(last)} ${trend}`,
    trend,
  };
}

// The sparkline's drawing area, in SVG user units; sentiment −1..1 maps to the height, bottom to top.
const WIDTH = 64;
const HEIGHT = 24;
const PAD = 3;
const x = (i: number, n: number) => (n === 1 ? WIDTH / 2 : PAD + (i * (WIDTH - 2 * PAD)) / (n - 1));
const y = (v: number) => PAD + ((1 - Math.max(-1, Math.min(1, v))) / 2) * (HEIGHT - 2 * PAD);

function SentimentTrend({ values }: { values: readonly number[] }) {
  const { label, short, trend } = describeSentiment(values);
  const points = values.map((v, i) => `${x(i, values.length).toFixed(1)},${y(v).toFixed(1)}`);
  const last = values[values.length - 1];
  return (
    <span class="sentiment" data-trend={trend}>
      {values.length > 0 && last !== undefined && (
        <svg class="sparkline" role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT}>
          <line class="sparkline__zero" x1={PAD} x2={WIDTH - PAD} y1={y(0)} y2={y(0)} />
          {values.length > 1 && <polyline class="sparkline__line" points={points.join(' ')} />}
          <circle class="sparkline__end" cx={x(values.length - 1, values.length)} cy={y(last)} r={2.5} />
        </svg>
      )}
      <span class="sentiment__text" aria-hidden={values.length > 0 ? 'true' : undefined}>
        {values.length > 0 ? short : label}
      </span>
    </span>
  );
}

export interface TriageSignalsProps {
  type: InteractionType | null;
  priority: Priority;
  triage: TriageView | null | undefined;
}

function TypeName({ type, triage }: { type: InteractionType | null; triage: TriageView | null | undefined }) {
  const unsure = type !== null && triage && triage.confidence < UNSURE_BELOW;
  // Triage did not read the customer's words (a language it does not serve): nothing will type it.
  const unread = type === null ? triage?.unreadLanguage : undefined;
  return (
    <span class="type" data-type={type ?? 'none'}>
      {unread ? `Untyped: written in ${unread.name}` : typeLabel(type)}
      {unsure && <span class="type__unsure"> (unsure, {Math.round(triage.confidence * 100)} %)</span>}
    </span>
  );
}

/** The priority as a word ("Urgent"); colour and weight only repeat it. */
export function PriorityTag({ priority, small = false }: { priority: Priority; small?: boolean }) {
  return (
    <span class={small ? 'priority priority--small' : 'priority'} data-priority={priority}>
      {PRIORITY_WORDS[priority]}
    </span>
  );
}

/** Mood, Sentiment and Reasons: the rows both forms share. Not measured in a language triage does not read. */
function MoodRows({ triage, compact }: { triage: TriageView; compact: boolean }) {
  const unread = triage.unreadLanguage;
  return (
    <>
      <div class="signals__row">
        <dt>Mood</dt>
        {unread ? (
          <dd class="muted">not measured ({unread.name})</dd>
        ) : (
          <dd class="mood" data-distress={triage.distress}>
            {DISTRESS_WORDS[triage.distress]}
          </dd>
        )}
      </div>
      {!unread && (
        <div class="signals__row">
          <dt>Sentiment</dt>
          <dd>
            <SentimentTrend values={triage.sentiments} />
          </dd>
        </div>
      )}
      {triage.reasons.length > 0 && (
        <div class="signals__row signals__row--reasons">
          <dt class={compact ? 'sr-only' : undefined}>Reasons</dt>
          <dd>
            <ul class="reasons" aria-label="Reasons">
              {triage.reasons.map((reason, i) => (
                <li key={i}>{readableReason(reason)}</li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </>
  );
}

/** A queued chat's headline: its priority and type, read as "Urgent priority, Fraud / security". */
export function TriageHeadline({ type, priority, triage }: TriageSignalsProps) {
  return (
    <p class="headline">
      <PriorityTag priority={priority} />
      <span class="sr-only"> priority, </span>
      <TypeName type={type} triage={triage} />
    </p>
  );
}

/** A queued chat's mood, its course and the reasons, compact; nothing before triage has judged it. */
export function MoodSignals({ triage }: { triage: TriageView | null | undefined }) {
  if (!triage) return null;
  return (
    <dl class="signals signals--compact">
      <MoodRows triage={triage} compact />
    </dl>
  );
}

/** Triage's signals as a description list: Type, Priority, Mood, Sentiment, Reasons. */
export function TriageSignals({ type, priority, triage }: TriageSignalsProps) {
  return (
    <dl class="signals">
      <div class="signals__row">
        <dt>Type</dt>
        <dd>
          <TypeName type={type} triage={triage} />
        </dd>
      </div>
      <div class="signals__row">
        <dt>Priority</dt>
        <dd>
          <PriorityTag priority={priority} />
        </dd>
      </div>
      {triage && <MoodRows triage={triage} compact={false} />}
    </dl>
  );
}
