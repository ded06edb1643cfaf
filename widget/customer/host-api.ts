// window.Tandem, the host page's handle on the widget (docs/WIDGET.md): open, close, identify, setLanguage,
// and events. The loader installs it at once, before the full widget exists, so a page never waits for it.
// Calls a page queued before the loader ran (`window.Tandem = window.Tandem || []; Tandem.push([...])`) are
// replayed in order; `tandem:ready` on window says the API is there.
import type { TandemEventName, TandemEvents } from './bridge.ts';

type Handler<E extends TandemEventName> = (detail: TandemEvents[E]) => void;

/** What the loader does for each call. */
export interface HostControls {
  open(): void;
  close(): void;
  identify(token: string | null | undefined): void;
  setLanguage(language: string | null | undefined): void;
  language(): string;
}

export interface TandemApi {
  open(): void;
  close(): void;
  /** the shop's signed identity token for the signed-in customer (docs/SECURITY.md); null when they sign out */
  identify(token: string | null): void;
  /** "de", "sv-FI", …; null goes back to data-lang / the page's language */
  setLanguage(language: string | null): void;
  readonly language: string;
  on<E extends TandemEventName>(event: E, handler: Handler<E>): void;
  off<E extends TandemEventName>(event: E, handler: Handler<E>): void;
  /** a queued call, [method, ...arguments]: the stub's way in, kept working after the loader ran */
  push(call: [string, ...unknown[]]): void;
}

declare global {
  interface Window {
    Tandem?: TandemApi | unknown[] | { q?: unknown[] };
  }
}

/** Installs window.Tandem and returns how the widget tells the page what happened. */
export function installHostApi(controls: HostControls): <E extends TandemEventName>(event: E, detail: TandemEvents[E]) => void {
  const handlers = new Map<string, Set<Handler<never>>>();
  const stub = window.Tandem;
  const queued = Array.isArray(stub) ? stub : stub && Array.isArray((stub as { q?: unknown[] }).q) ? (stub as { q: unknown[] }).q : [];

  const api: TandemApi = {
    open: () => controls.open(),
    close: () => controls.close(),
    identify: (token) => controls.identify(token),
    setLanguage: (language) => controls.setLanguage(language),
    get language() {
      return controls.language();
    },
    on(event, handler) {
      if (typeof handler !== 'function') return;
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as Handler<never>);
    },
    off(event, handler) {
      handlers.get(event)?.delete(handler as Handler<never>);
    },
    push(call) {
      const [name, ...args] = Array.isArray(call) ? call : [];
      const method = (api as unknown as Record<string, unknown>)[String(name)];
      if (name !== 'push' && name !== 'language' && typeof method === 'function') (method as (...a: unknown[]) => void)(...args);
      else console.warn(`Tandem: no method ${String(name)}`);
    },
  };
  window.Tandem = api;
  for (const call of queued) api.push(call as [string, ...unknown[]]);
  window.dispatchEvent(new CustomEvent('tandem:ready', { detail: api }));

  return (event, detail) => {
    for (const handler of handlers.get(event) ?? []) {
      // A page's handler that throws must not break the chat: report it as an uncaught error, apart from us.
      try {
        (handler as Handler<typeof event>)(detail);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  };
}
