// The shape of a language's catalog: every word the widget shows or announces to a customer. Each language
// file (en.ts, de.ts, sv.ts, es.ts) exports two parts: `launcher`, which the loader (dist/widget.js) carries
// for all four languages, and `chat`, which only the full widget needs. Texts the server writes (the
// assistant's and agents' messages, system messages, a queue's `reason` and `notice`, refusals) are shown as
// the server sends them.
import type { WaitPromise } from '../../../shared/protocol.ts';

export const LANGUAGES = ['en', 'de', 'sv', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language of a tag such as "de-AT", "sv" or "ES", when the widget speaks it; otherwise null. */
export function toLanguage(tag: string | null | undefined): Language | null {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as Language) : null;
}

/** The launcher's words, carried by the loader. */
export interface LauncherWords {
  /** the launcher's accessible name; English "Open chat" is fixed by CONTRACT.md section 7 */
  openChat: string;
  /** said while the full widget is still arriving after a click */
  loading: string;
  /** the full widget could not be fetched; the next click tries again */
  failed: string;
  /** the unread badge, read out: "2 new messages" */
  unread: (count: number) => string;
}

/** Everything the open chat says. */
export interface ChatWords {
  /** the panel's title when the tag has no data-title */
  title: string;
  endChat: string;
  /** minimises the panel; the conversation goes on */
  closeChat: string;
  connecting: string;
  reconnecting: string;
  /** the browser itself is offline */
  offline: string;
  withAssistant: string;
  inQueue: string;
  queuePosition: (position: number) => string;
  promise: (promise: Pick<WaitPromise, 'seconds' | 'confidence'>) => string;
  noPromise: string;
  agentJoined: (name: string | null) => string;
  ended: string;
  greeting: string;
  /** the name of the transcript's live log */
  messages: string;
  /** the name of the scrollable transcript (a keyboard stop, so it can be scrolled without a mouse) */
  transcript: string;
  assistant: string;
  /** an agent's message when no name is known */
  agent: string;
  /** read before the customer's own message */
  you: string;
  sending: string;
  waitingForConnection: string;
  notSent: string;
  retry: string;
  assistantTyping: string;
  agentTyping: (name: string | null) => string;
  talkToPerson: string;
  message: string;
  placeholder: string;
  send: string;
  characters: (count: number, max: number) => string;
  tooLong: (max: number) => string;
  rateQuestion: string;
  stars: (count: number) => string;
  comment: string;
  sendRating: string;
  thanks: string;
  startNew: string;
  couldNotReach: string;
  tooManyConnections: string;
  signInFailed: string;
  unavailable: string;
  /** a message refused for now, too many too fast; it is sent again by itself */
  slowDown: string;
  /** a message the server could not store just now; it is sent again by itself */
  savingLater: string;
}
