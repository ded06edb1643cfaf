// The words of a wait-time promise, written once for the widget, the console and the server: a customer must
// read the same number in the live region as in any notice the server writes. No runtime imports, so the
// widget bundles only these few lines. The rounding lives here once; the English sentences below are what the
// server and the console say, and the widget's catalogs (widget/customer/i18n/) say the same numbers in
// German, Swedish and Spanish through promiseDuration and confidenceCount.
import type { WaitPromise } from './protocol.ts';

/**
 * A promise-grid value as a person says it, in parts any language can word: `amount` is "45", "1", "2½" and
 * `unit` says of what. Never said shorter than it is: above two minutes, off the grid, it rounds up to the
 * half minute; a value that is not whole or half minutes stays in seconds ("75 seconds").
 */
export function promiseDuration(seconds: number): { amount: string; unit: 'second' | 'minute'; one: boolean } {
  const s = roundedUp(seconds);
  if (s < 60 || s % 30 !== 0) return { amount: String(s), unit: 'second', one: s === 1 };
  const minutes = s / 60;
  const amount = Number.isInteger(minutes) ? String(minutes) : `${Math.floor(minutes)}½`;
  return { amount, unit: 'minute', one: minutes === 1 };
}

/**
 * "45 seconds", "1 minute", "75 seconds", "2½ minutes", "15 minutes": a promise-grid value as a person says it.
 * A value off the grid is never said shorter than it is: above two minutes it rounds up to the half minute.
 */
export function promiseWords(seconds: number): string {
  const d = promiseDuration(seconds);
  return `${d.amount} ${d.unit}${d.one ? '' : 's'}`;
}

/** "45 s", "75 s", "1 min", "2½ min": the same value, short, for the agent console. */
export function promiseShortWords(seconds: number): string {
  const d = promiseDuration(seconds);
  return `${d.amount} ${d.unit === 'second' ? 's' : 'min'}`;
}

/** 9 of 10, 19 of 20, 99 of 100: a kept share as a count of customers, never more than it is. */
export function confidenceCount(confidence: number): { kept: number; of: number } {
  for (const total of [10, 20, 100]) {
    const kept = Math.round(confidence * total);
    if (Math.abs(kept / total - confidence) < 1e-6) return { kept, of: total };
  }
  return { kept: Math.floor(confidence * 100), of: 100 };
}

/** "9 in 10", "19 in 20", "99 in 100": a kept share as a count of customers, never more than it is. */
export function confidenceWords(confidence: number): string {
  const { kept, of } = confidenceCount(confidence);
  return `${kept} in ${of}`;
}

/** "A person will join within 2½ minutes — we keep this promise for 9 in 10 customers." */
export function promiseSentence(promise: Pick<WaitPromise, 'seconds' | 'confidence'>): string {
  return `A person will join within ${promiseWords(promise.seconds)} — we keep this promise for ${confidenceWords(promise.confidence)} customers.`;
}

/** Whole seconds, up; above two minutes and off the grid, up to the next half minute. */
function roundedUp(seconds: number): number {
  const s = Math.max(1, Math.ceil(seconds));
  return s > 120 && s % 30 !== 0 ? Math.ceil(s / 30) * 30 : s;
}
