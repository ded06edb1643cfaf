// The button in the page corner that opens the chat, drawn by the loader in plain DOM (no Preact yet): an
// icon, or a pill with data-launcher-text; the unread badge; a turning ring while the full widget arrives;
// and a note, read out and shown, when it could not be fetched.
import type { LauncherButton } from './bridge.ts';
import type { LauncherWords } from './i18n/catalog.ts';

const SVG = 'http://www.w3.org/2000/svg';
const ICON =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.4 3.5A1 1 0 0 1 3 20.7V6a2 2 0 0 1 1-2zm3 6a1.3 1.3 0 1 0 0 2.6A1.3 1.3 0 0 0 7 10zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6z';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: Node): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  parent.appendChild(el);
  return el;
}

export function createLauncher(root: HTMLElement, initial: LauncherWords, text: string | undefined, onClick: () => void): LauncherButton {
  let words = initial;
  let unread = 0;
  let busy = false;

  const button = element('button', text ? 'launcher launcher--text' : 'launcher', root);
  button.type = 'button';
  button.addEventListener('click', onClick);
  // Built node by node (not innerHTML), so a page enforcing Trusted Types accepts it.
  const svg = document.createElementNS(SVG, 'svg');
  for (const [name, value] of [['viewBox', '0 0 24 24'], ['width', '28'], ['height', '28'], ['aria-hidden', 'true']]) svg.setAttribute(name!, value!);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', ICON);
  svg.appendChild(path);
  button.appendChild(svg);
  // The visible text; the accessible name stays "Open chat" (CONTRACT.md section 7), in the page's language.
  if (text) element('span', 'launcher__text', button).textContent = text;
  const badge = element('span', 'launcher__badge', button);
  badge.id = 'tandem-unread';
  const note = element('p', 'launcher__note', root);
  note.setAttribute('role', 'status');

  const draw = () => {
    button.setAttribute('aria-label', words.openChat);
    badge.hidden = unread === 0;
    badge.textContent = '';
    if (unread) {
      element('span', '', badge).textContent = String(unread);
      badge.firstElementChild!.setAttribute('aria-hidden', 'true');
      element('span', 'sr-only', badge).textContent = words.unread(unread);
      button.setAttribute('aria-describedby', badge.id);
    } else button.removeAttribute('aria-describedby');
    if (busy) button.setAttribute('aria-busy', 'true');
    else button.removeAttribute('aria-busy');
  };
  draw();

  return {
    element: button,
    setBusy(value) {
      busy = value;
      // The note says "Loading chat…" to a screen reader (the ring shows it), or why it failed, to everyone.
      note.className = value ? 'launcher__note sr-only' : 'launcher__note';
      note.textContent = value ? words.loading : '';
      draw();
    },
    setFailed() {
      busy = false;
      note.className = 'launcher__note';
      note.textContent = words.failed;
      draw();
    },
    setHidden(hidden) {
      button.hidden = hidden;
      if (hidden) note.textContent = '';
    },
    setUnread(count) {
      unread = count;
      draw();
    },
    setWords(next) {
      words = next;
      draw();
    },
  };
}
