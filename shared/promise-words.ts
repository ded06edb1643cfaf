// The words of a wait-time promise, written once for the widget, the console and the server: a customer must
// read the same number in the live region as in any notice the server writes. No runtime imports, so the
// widget bundles only these few lines.
import type { WaitPromise } from './protocol.ts';

/**
 * "45 seconds", "1 minute", "75 seconds", "2½ minutes", "15 minutes": a promise-grid value as a person says it.
 * A value off the grid is never said shorter than it is: above two minutes it rounds up to the half minute.
 */
export function promiseWords(seconds: number): string {
  const s = roundedUp(seconds);
  if (s < 60 || s % 30 !== 0) return s === 1 ? '1 second' : `${s} seconds`;
  const minutes = s / 60;
  if (minutes === 1) return '1 minute';
  return Number.isInteger(minutes) ? `${minutes} minutes` : `${Math.floor(minutes)}½ minutes`;
}

/** "45 s", "75 s", "1 min", "2½ min": the same value, short, for the agent console. */
export function promiseShortWords(seconds: number): string {
  const s = roundedUp(seconds);
  if (s < 60 || s % 30 !== 0) return `${s} s`;
  const minutes = s / 60;
  return Number.isInteger(minutes) ? `${minutes} min` : `${Math.floor(minutes)}½ min`;
}

/** "9 in 10", "19 in 20", "99 in 100": a kept share as a count of customers, never more than it is. */
export function confidenceWords(confidence: number): string {
  for (const out of [10, 20, 100]) {
    const kept = Math.round(confidence * out);
    if (Math.abs(kept / out - confidence) < 1e-6) return `${kept} in ${out}`;
  }
  return `${Math.floor(confidence * 100)} in 100`;
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
