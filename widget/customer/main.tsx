// Entry of dist/widget.js: finds its own <script> tag, reads the data-* options, and renders the chat into an
// open shadow root so the host page's CSS cannot reach it and ours cannot leak out.
import { render } from 'preact';
import css from './widget.css?inline';
import { App } from './App.tsx';
import { startWidget } from './connection.ts';

/** Blue 700: 6.7:1 against white text (WCAG AA asks 4.5:1). */
const DEFAULT_ACCENT = '#1d4ed8';

// Read now: document.currentScript is only set while this script first runs.
const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');

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

function mount(): void {
  if (document.querySelector('tandem-chat')) return; // the tag was included twice
  const data = script?.dataset ?? {};
  const origin = script?.src ? new URL(script.src).origin : location.origin;
  const accent = data.color && CSS.supports('color', data.color) ? data.color : DEFAULT_ACCENT;

  const host = document.createElement('tandem-chat');
  host.setAttribute('data-position', data.position === 'left' ? 'left' : 'right');
  host.style.setProperty('--tandem-accent', accent);
  host.style.setProperty('--tandem-on-accent', textOn(accent));
  const shadow = host.attachShadow({ mode: 'open' });
  // A constructed stylesheet is not subject to the host page's CSP style-src; <style> is the fallback.
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    shadow.append(style);
  }
  const root = document.createElement('div');
  root.className = 'root';
  shadow.append(root);
  document.body.appendChild(host);

  render(<App title={data.title || 'Lumen Pay support'} />, root);
  // Read at every (re)connect: a shop may put a fresh token on the tag before the old one expires.
  startWidget(origin, () => script?.dataset.identity || undefined);
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount, { once: true });
