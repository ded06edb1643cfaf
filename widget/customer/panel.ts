// Opening and closing the chat panel: the loader's launcher gives way to the panel and takes the focus back
// when it closes, an open panel reopens after a reload (sessionStorage), and the host page hears of both.
import { batch } from '@preact/signals';
import { OPEN_KEY, write } from './browser-storage.ts';
import { connect, stopTyping } from './connection.ts';
import * as chat from './conversation.ts';
import { focusInWidget, launcher, tellPage } from './loader-link.ts';

export function openPanel(): void {
  const wasOpen = chat.panelOpen.value;
  batch(() => {
    chat.panelOpen.value = true;
    chat.unread.value = 0;
  });
  write('session', OPEN_KEY, '1');
  connect();
  if (!wasOpen) tellPage('opened', {});
}

export function closePanel(): void {
  if (!chat.panelOpen.value) return;
  // Only a customer who was in the panel gets the focus back on the launcher; a page that closes the chat
  // from its own button keeps its focus.
  const returnFocus = focusInWidget();
  chat.panelOpen.value = false;
  write('session', OPEN_KEY, null);
  stopTyping();
  const button = launcher();
  button?.setHidden(false);
  if (returnFocus) button?.element.focus();
  tellPage('closed', {});
}
