// Keyboard shortcuts of the desk. Alt+Shift with a letter, matched by the key's place (`code`, so Option+Shift
// on a Mac works too): browsers and screen readers leave that combination to pages (NVDA, JAWS and Narrator use
// Insert or Caps Lock, VoiceOver Control+Option; Alt+Shift alone switches the keyboard layout on Windows, with a
// letter it does not). "?" opens the list, only when the agent is not typing.
import { signal } from '@preact/signals';
import { closeRequest, conversations, navigate, page, selectConversation, selectedId, token, findConversation } from './console-state.ts';
import { accept } from './agent-session.ts';
import { noteAcceptedHere } from './notifications.ts';
import { takeable } from './session-hooks.ts';

export type ShortcutName = 'accept' | 'next' | 'previous' | 'send' | 'close' | 'help';

export interface Shortcut {
  /** in the form of aria-keyshortcuts */
  keys: string;
  /** what it does, for the help dialog */
  does: string;
}

export const SHORTCUTS: Record<ShortcutName, Shortcut> = {
  accept: { keys: 'Alt+Shift+A', does: 'Accept the first conversation in the queue you can take' },
  next: { keys: 'Alt+Shift+N', does: 'Next open conversation' },
  previous: { keys: 'Alt+Shift+P', does: 'Previous open conversation' },
  send: { keys: 'Alt+Shift+S', does: 'Send the reply (or go to the Reply box when it is empty)' },
  close: { keys: 'Alt+Shift+C', does: 'Close the conversation, with the disposition and type shown beside the button' },
  help: { keys: '?', does: 'Show these shortcuts' },
};

const CODES: Record<string, ShortcutName> = { KeyA: 'accept', KeyN: 'next', KeyP: 'previous', KeyS: 'send', KeyC: 'close' };

/** "Accept (Alt+Shift+A)": a tooltip that names the shortcut. */
export function withKeys(label: string, name: ShortcutName): string {
  return `${label} (${SHORTCUTS[name].keys})`;
}

/** The help dialog is open. */
export const helpOpen = signal(false);
/** What the last shortcut could not do, said in a live region; null when it did its work. */
export const shortcutNotice = signal<string | null>(null);

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** The Reply box (or Internal note box) of a conversation, once it is on screen. */
function composer(conversationId: string): HTMLTextAreaElement | null {
  return document.querySelector<HTMLTextAreaElement>(`#reply-${CSS.escape(conversationId)}, #note-${CSS.escape(conversationId)}`);
}

function focusComposer(conversationId: string): void {
  // After the next render: the conversation may only now be on screen.
  requestAnimationFrame(() => composer(conversationId)?.focus());
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Says what a shortcut could not do, for a few seconds. */
function notice(text: string): void {
  shortcutNotice.value = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (shortcutNotice.value = null), 6000);
}

function run(name: ShortcutName): void {
  shortcutNotice.value = null;
  if (name === 'help') {
    helpOpen.value = true;
    return;
  }
  if (name === 'accept') {
    const first = takeable.value[0];
    if (!first) {
      notice('No conversation in the queue that you can take now.');
      return;
    }
    noteAcceptedHere(first.conversationId);
    accept(first.conversationId);
    navigate('chats');
    return;
  }
  const list = conversations.value;
  if (name === 'next' || name === 'previous') {
    if (!list.length) {
      notice('You hold no conversations.');
      return;
    }
    const at = list.findIndex((c) => c.conversationId === selectedId.value);
    const step = name === 'next' ? 1 : -1;
    const next = list[(at + step + list.length) % list.length]!;
    navigate('chats');
    selectConversation(next.conversationId);
    focusComposer(next.conversationId);
    return;
  }
  const current = selectedId.value ? findConversation(selectedId.value) : undefined;
  if (!current || page.value !== 'chats') {
    notice('Open a conversation first.');
    return;
  }
  if (name === 'send') {
    const box = composer(current.conversationId);
    if (!box) notice('This conversation takes no reply now.');
    else if (box.value.trim() && box.form) box.form.requestSubmit();
    else box.focus();
    return;
  }
  if (current.state !== 'agent' || current.transferredTo) {
    notice('This conversation is not open.');
    return;
  }
  closeRequest.value = current.conversationId;
}

function onKey(e: KeyboardEvent): void {
  if (!token.value || e.defaultPrevented || e.isComposing || document.querySelector('dialog[open]')) return;
  if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey) {
    const name = CODES[e.code];
    if (!name) return;
    e.preventDefault();
    run(name);
    return;
  }
  if (e.key === '?' && !e.altKey && !e.ctrlKey && !e.metaKey && !typing(e.target)) {
    e.preventDefault();
    run('help');
  }
}

/** Listens for the shortcuts on the whole page (call once). */
export function listenForShortcuts(): void {
  document.addEventListener('keydown', onKey);
}
