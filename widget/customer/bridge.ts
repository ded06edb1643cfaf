// Where the two scripts meet on the page. The loader (dist/widget.js) owns the shadow root, the launcher and
// the host page's API (window.Tandem); the full widget (dist/widget-app.js) arrives later and plugs in through
// PLUG. Both bundles compile this file; it holds types and one key.
import type { Language, LauncherWords } from './i18n/catalog.ts';

/** What the host page learns through Tandem.on(event, handler): each event's detail. */
export interface TandemEvents {
  /** the customer (or the page, through Tandem.open) opened the chat panel */
  opened: Record<string, never>;
  /** the panel was closed; the conversation goes on */
  closed: Record<string, never>;
  /** the conversation went to the queue for a person */
  handedOff: { conversationId: string };
  /** a person joined (again, after a transfer: the new name) */
  agentJoined: { conversationId: string; name: string };
  /** the conversation closed, by the customer or the agent */
  ended: { conversationId: string };
  /** the customer's rating was stored */
  rated: { conversationId: string; score: number };
}
export type TandemEventName = keyof TandemEvents;

/** The round (or pill) button in the corner, drawn by the loader without Preact. */
export interface LauncherButton {
  readonly element: HTMLButtonElement;
  /** waiting for the full widget after a click */
  setBusy(busy: boolean): void;
  /** the full widget could not be fetched: says so; the next click tries again */
  setFailed(): void;
  setHidden(hidden: boolean): void;
  setUnread(count: number): void;
  setWords(words: LauncherWords): void;
}

/** What the loader hands the full widget. */
export interface LoaderHandle {
  shadow: ShadowRoot;
  /** the element inside the shadow root that holds the launcher; the panel goes here too */
  root: HTMLElement;
  /** where the server is: the origin of the loader's src */
  origin: string;
  /** data-title, if the tag has one */
  title: string | undefined;
  language: Language;
  launcher: LauncherButton;
  /** the shop's signed identity token: from Tandem.identify, else the tag's data-identity; read at every connect */
  identity(): string | undefined;
  /** adds a stylesheet to the shadow root, within a strict CSP */
  addStyles(css: string): void;
  emit<E extends TandemEventName>(event: E, detail: TandemEvents[E]): void;
}

/** What the full widget gives back; the loader forwards the page's calls to it. */
export interface FullWidget {
  open(): void;
  close(): void;
  /** Tandem.identify changed the token: connect again so the server reads it */
  identityChanged(): void;
  setLanguage(language: Language): void;
}

/** The key on window under which the loader waits for the full widget; a page's own code never meets it. */
export const PLUG = Symbol.for('tandem.widget');

export type Plug = (start: (handle: LoaderHandle) => FullWidget) => void;
