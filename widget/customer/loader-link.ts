// The full widget's side of bridge.ts: the loader that drew the launcher and owns window.Tandem. Set once by
// main.tsx when the full widget plugs in; everything else asks here.
import type { LauncherButton, LoaderHandle, TandemEventName, TandemEvents } from './bridge.ts';

let handle: LoaderHandle | null = null;

export function linkLoader(h: LoaderHandle): void {
  handle = h;
}

/** Tells the host page's Tandem.on handlers. */
export function tellPage<E extends TandemEventName>(event: E, detail: TandemEvents[E]): void {
  handle?.emit(event, detail);
}

/** The shop's signed token for a signed-in customer, passed to the server unread; read at every (re)connect. */
export function shopIdentity(): string | undefined {
  return handle?.identity();
}

export function launcher(): LauncherButton | null {
  return handle?.launcher ?? null;
}

/** Whether the keyboard focus is somewhere in the widget (the page sees only the host element focused). */
export function focusInWidget(): boolean {
  return !!handle && document.activeElement === handle.shadow.host;
}
