// Entry of dist/widget-app.js, the full widget. The loader (dist/widget.js, loader.ts) fetches it; it renders
// the chat panel into the loader's shadow root beside the launcher, connects, and plugs into the loader, which
// forwards the host page's calls (Tandem.open, close, identify, setLanguage) to it.
import { effect } from '@preact/signals';
import { render } from 'preact';
import css from './widget.css?inline';
import { PLUG, type FullWidget, type LoaderHandle, type Plug } from './bridge.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { reconnect, startWidget } from './connection.ts';
import { panelOpen, unread } from './conversation.ts';
import { linkLoader } from './loader-link.ts';
import { closePanel, openPanel } from './panel.ts';
import { language } from './words.ts';

function start(handle: LoaderHandle): FullWidget {
  linkLoader(handle);
  handle.addStyles(css);
  language.value = handle.language;
  const container = document.createElement('div');
  handle.root.appendChild(container);
  render(<ChatPanel title={handle.title} />, container);
  // The launcher is the loader's: it gives way to the open panel and counts replies that came while closed.
  effect(() => handle.launcher.setHidden(panelOpen.value));
  effect(() => handle.launcher.setUnread(unread.value));
  startWidget(handle.origin);
  return {
    open: openPanel,
    close: closePanel,
    identityChanged: reconnect,
    setLanguage: (next) => {
      language.value = next;
    },
  };
}

const plug = (window as unknown as Record<symbol, Plug | undefined>)[PLUG];
if (plug) plug(start);
else console.error('Tandem: widget-app.js is fetched by widget.js; put widget.js on the page instead.');
