// How the Quality page writes a figure: one decimal for means on the 1..5 scale, whole percentages for rates,
// a true minus sign, and "—" where there is no data (screen readers hear "no data").
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { InteractionType } from '../../shared/protocol.ts';
import { METRIC_LABELS, type TypeKey } from '../../shared/quality.ts';

/** Every interaction type, in the order the console lists them. */
export const TYPES = Object.keys(TYPE_LABELS) as InteractionType[];

/** What a person reads for an alarm's metric. */
export const METRIC_WORDS = METRIC_LABELS;

export const NO_DATA = '—';

/** The words for a type, or "All types". */
export function typeName(type: TypeKey): string {
  return type === 'all' ? 'All types' : TYPE_LABELS[type];
}

const minus = (text: string): string => text.replace('-', '−');

/** "4.2" (a mean on the 1..5 scale) or "—". */
export function mean(value: number | null | undefined): string {
  return value === null || value === undefined ? NO_DATA : value.toFixed(1);
}

/** "12%" (a 0..1 share) or "—"; under 1% but above 0 reads "<1%". */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return NO_DATA;
  if (value > 0 && value < 0.005) return '<1%';
  return `${Math.round(value * 100)}%`;
}

/** "+0.3", "−0.4", "0.0" (a change or a difference) or "—". */
export function signed(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return NO_DATA;
  const fixed = value.toFixed(digits);
  if (Number(fixed) === 0) return (0).toFixed(digits);
  return value > 0 ? `+${fixed}` : minus(fixed);
}

/** A count with thousands separators. */
export function count(value: number): string {
  return value.toLocaleString();
}

const dateTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "3 Jun, 14:05" in the reader's time zone, or the text as it came when it is no date. */
export function when(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : dateTime.format(at);
}

/** "3 Jun" for an ISO date (UTC), as the report's days and weeks are. */
export function day(isoDate: string): string {
  const at = new Date(isoDate);
  return Number.isNaN(at.getTime()) ? isoDate : dayFormat.format(at);
}
