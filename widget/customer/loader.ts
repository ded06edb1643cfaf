// Entry of dist/widget.js, the loader: a few KB with no Preact and no socket.io, so the launcher shows at once
// on any page. It reads the tag's data-* options, draws the launcher in an open shadow root on <tandem-chat>,
// installs window.Tandem, and fetches the full widget (dist/widget-app.js, next to this script) when the
// customer opens the chat, when the page is idle, or at once when a conversation is stored (a reload resumes
// it). A click before the full widget arrived opens the chat as soon as it has.
import css from './launcher.css?inline';
import { PLUG, type FullWidget, type LoaderHandle, type LauncherButton, type Plug } from './bridge.ts';
import { OPEN_KEY, read, TOKEN_KEY } from './browser-storage.ts';
import { readEmbedOptions } from './embed-options.ts';
import { installHostApi, type HostControls } from './host-api.ts';
import { toLanguage, type Language, type LauncherWords } from './i18n/catalog.ts';
import { launcher as de } from './i18n/de.ts';
import { launcher as en } from './i18n/en.ts';
import { launcher as es } from './i18n/es.ts';
import { launcher as sv } from './i18n/sv.ts';
import { createLauncher } from './launcher-button.ts';

const WORDS: Record<Language, LauncherWords> = { en, de, sv, es };
/** How long an idle page may wait before the full widget is fetched anyway. */
const IDLE_TIMEOUT_MS = 3000;

// Read now: document.currentScript is only set while this script first runs.
const script =
  (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
const options = readEmbedOptions(script?.dataset ?? {});
const origin = script?.src ? new URL(script.src).origin : location.origin;

let app: FullWidget | null = null;
let fetching = false;
/** The chat should open once the full widget is here (a click or Tandem.open() came first). */
let wantOpen = false;
/** Set by Tandem.identify: wins over data-identity; null means signed out. */
let identified: { token: string | undefined } | null = null;
/** Set by Tandem.setLanguage. */
let chosenLanguage: Language | null = null;
let launcher: LauncherButton | null = null;
let root: HTMLElement | null = null;
let handle: LoaderHandle | null = null;
let emit: LoaderHandle['emit'] = () => {};

/** Tandem.setLanguage, else data-lang, else the page's <html lang>, else English. */
function language(): Language {
  return chosenLanguage ?? options.language ?? toLanguage(document.documentElement.lang) ?? 'en';
}

function applyLanguage(): void {
  const lang = language();
  if (root) root.lang = lang;
  launcher?.setWords(WORDS[lang]);
  app?.setLanguage(lang);
}

/** A conversation to resume (or a panel that was open in this tab): fetched at once, without waiting for a click. */
function conversationStored(): boolean {
  return !!read('local', TOKEN_KEY) || read('session', OPEN_KEY) === '1';
}

function fetchFullWidget(): void {
  if (app || fetching || !root) return;
  fetching = true;
  const tag = document.createElement('script');
  const file = `widget-app.js?v=${__TANDEM_APP_VERSION__}`;
  tag.src = script?.src ? new URL(file, script.src).href : `${origin}/${file}`;
  tag.async = true;
  // A page whose CSP allows our tag by nonce allows this one the same way.
  if (script?.nonce) tag.nonce = script.nonce;
  tag.onerror = () => {
    fetching = false;
    tag.remove();
    if (wantOpen) launcher?.setFailed();
    wantOpen = false;
  };
  document.head.appendChild(tag);
}

const controls: HostControls = {
  open() {
    if (app) return app.open();
    wantOpen = true;
    launcher?.setBusy(true);
    fetchFullWidget();
  },
  close() {
    if (app) return app.close();
    wantOpen = false;
    launcher?.setBusy(false);
  },
  identify(token) {
    identified = { token: typeof token === 'string' && token ? token : undefined };
    app?.identityChanged();
  },
  setLanguage(tag) {
    chosenLanguage = toLanguage(tag);
    if (tag && !chosenLanguage) console.warn(`Tandem: no catalog for language "${tag}"`);
    applyLanguage();
  },
  language,
};

/** Black or white, whichever contrasts more with the accent (white unless the accent is light). */
function textOn(color: string): string {
  const probe = document.createElement('i');
  probe.style.color = color;
  document.body.appendChild(probe);
  const rgb = getComputedStyle(probe).color;
  probe.remove();
  if (!rgb.startsWith('rgb')) return '#fff';
  const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#111' : '#fff';
}

function addStyles(shadow: ShadowRoot, text: string): void {
  // A constructed stylesheet is not subject to the host page's CSP style-src; <style> is the fallback.
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = text;
    shadow.append(style);
  }
}

function mount(): void {
  if (document.querySelector('tandem-chat')) return; // the tag was included twice
  const host = document.createElement('tandem-chat');
  host.setAttribute('data-position', options.position);
  host.setAttribute('data-theme', options.theme);
  // The palette in use: "auto" follows the system, live, so the CSS holds the dark palette once.
  const systemDark = matchMedia('(prefers-color-scheme: dark)');
  const scheme = () => host.setAttribute('data-scheme', options.theme === 'dark' || (options.theme === 'auto' && systemDark.matches) ? 'dark' : 'light');
  scheme();
  systemDark.addEventListener('change', scheme);
  // Through the CSSOM, which a strict CSP allows (a style attribute it would not).
  if (options.color) host.style.setProperty('--tandem-accent', options.color);
  const shadow = host.attachShadow({ mode: 'open' });
  addStyles(shadow, css);
  root = document.createElement('div');
  root.className = 'root';
  root.lang = language();
  shadow.append(root);
  document.body.appendChild(host);
  // The accent as finally set (data-color, the page's --tandem-accent or ours) decides the text colour on it.
  root.style.setProperty('--auto-on-accent', textOn(getComputedStyle(host).getPropertyValue('--tandem-accent').trim()));

  const words = WORDS[language()];
  launcher = createLauncher(root, words, options.launcherText, controls.open);
  handle = {
    shadow,
    root,
    origin,
    title: options.title,
    language: language(),
    launcher,
    identity: () => (identified ? identified.token : script?.dataset.identity || undefined),
    addStyles: (text) => addStyles(shadow, text),
    emit: (event, detail) => emit(event, detail),
  };

  // A single-page shop may switch its language without a reload.
  new MutationObserver(applyLanguage).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });

  if (wantOpen) launcher.setBusy(true);
  if (wantOpen || conversationStored()) fetchFullWidget();
  else if (options.preload === 'idle') {
    // After the page's own load, in a quiet moment: the shop's resources come first.
    const idle = () =>
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(fetchFullWidget, { timeout: IDLE_TIMEOUT_MS })
        : setTimeout(fetchFullWidget, 1000);
    if (document.readyState === 'complete') idle();
    else addEventListener('load', idle, { once: true });
  }
}

/** Called by the full widget when it has arrived. */
const plug: Plug = (start) => {
  if (app || !handle) return;
  fetching = false;
  try {
    app = start(handle);
  } catch (error) {
    // A broken full widget must not leave the launcher turning for ever.
    wantOpen = false;
    launcher?.setFailed();
    throw error;
  }
  launcher?.setBusy(false);
  app.setLanguage(language());
  if (wantOpen) app.open();
  wantOpen = false;
};

const slot = window as unknown as Record<symbol, Plug | undefined>;
// The tag included twice: the first copy keeps the page.
if (!slot[PLUG]) {
  slot[PLUG] = plug;
  emit = installHostApi(controls);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}
