// Telling the agent about new work: a short tone made with WebAudio (no audio files) and, once they allowed it
// with the button in the header (never asked on load), a desktop notification for every new assignment, and
// for a customer's message while the console is hidden or in the background. Clicking one opens the chat.
import { signal } from '@preact/signals';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { AssignedPayload, Message } from '../../shared/protocol.ts';
import { findConversation, conversationTitle, navigate, page, selectConversation, selectedId } from './console-state.ts';

type Permission = NotificationPermission | 'unsupported';

const supported = typeof Notification === 'function';
export const permission = signal<Permission>(supported ? Notification.permission : 'unsupported');

const SOUND_KEY = 'tandem:sound';
const LATER_KEY = 'tandem:notifications-later';

/** The agent said "Not now" to desktop notifications in this browser: the offer stays away. */
export const notLater = signal(readLater());

function readLater(): boolean {
  try {
    return localStorage.getItem(LATER_KEY) === '1';
  } catch {
    return false;
  }
}

export function notNow(): void {
  notLater.value = true;
  try {
    localStorage.setItem(LATER_KEY, '1');
  } catch {
    /* this tab only */
  }
}
export const soundOn = signal(readSound());

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setSound(on: boolean): void {
  soundOn.value = on;
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    /* this tab only */
  }
  if (on) {
    unlockAudio();
    playTone('message');
  }
}

/** Asks the browser for permission to show desktop notifications (from a click: browsers require one). */
export async function askPermission(): Promise<void> {
  if (!supported) return;
  try {
    permission.value = await Notification.requestPermission();
  } catch {
    permission.value = Notification.permission;
  }
}

let audio: AudioContext | null = null;

/** Browsers let a page make sound only after the person interacted with it: the context starts then. */
function unlockAudio(): void {
  if (typeof AudioContext !== 'function') return;
  audio ??= new AudioContext();
  if (audio.state === 'suspended') void audio.resume().catch(() => {});
}
for (const event of ['pointerdown', 'keydown'] as const) document.addEventListener(event, unlockAudio, { once: true, capture: true });

/** Two rising notes for a new chat, one softer note for a message: sine tones with a quick fade. */
export function playTone(kind: 'assigned' | 'message'): void {
  const ctx = audio;
  if (!soundOn.value || !ctx || ctx.state !== 'running') return;
  const notes = kind === 'assigned' ? [660, 880] : [740];
  const peak = kind === 'assigned' ? 0.18 : 0.1;
  let at = ctx.currentTime + 0.01;
  for (const frequency of notes) {
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.type = 'sine';
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(peak, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
    tone.connect(gain).connect(ctx.destination);
    tone.start(at);
    tone.stop(at + 0.18);
    at += 0.13;
  }
}

function desktop(title: string, body: string, conversationId: string): void {
  if (!supported || permission.value !== 'granted') return;
  try {
    const shown = new Notification(title, { body, tag: `tandem-${conversationId}` });
    shown.onclick = () => {
      window.focus();
      navigate('chats');
      selectConversation(conversationId);
      shown.close();
    };
  } catch {
    /* a browser that shows notifications only from a service worker (Chrome on Android) */
  }
}

/** Whether the agent has this conversation in front of them now. */
function looking(conversationId: string): boolean {
  return page.value === 'chats' && selectedId.value === conversationId && document.visibilityState === 'visible' && document.hasFocus();
}

/** Conversations this console accepted by the agent's own hand: no need to tell them. */
const acceptedByHand = new Set<string>();

/** The agent accepts here (a click or the shortcut): its `assigned` is not news to them. */
export function noteAcceptedHere(conversationId: string): void {
  acceptedByHand.add(conversationId);
  setTimeout(() => acceptedByHand.delete(conversationId), 30_000);
}

/** An `assigned` arrived (before the desk took it in): a new assignment rings and, if allowed, notifies. */
export function notifyAssigned(p: AssignedPayload): void {
  if (p.resumed || findConversation(p.conversationId) || acceptedByHand.delete(p.conversationId)) return;
  playTone('assigned');
  const what = p.type ? TYPE_LABELS[p.type] : 'Conversation';
  const urgent = p.priority === 'normal' ? '' : ` (${p.priority})`;
  const body = p.brief?.wants || p.messages.find((m) => m.from === 'customer')?.text || 'A customer is waiting for you.';
  desktop(`New chat: ${what}${urgent}`, body, p.conversationId);
}

/** A message arrived (before the desk took it in): a customer's new words in a chat the agent is not looking at. */
export function notifyMessage(m: Message): void {
  const held = findConversation(m.conversationId);
  if (m.from !== 'customer' || !held || held.messages.some((x) => x.id === m.id) || looking(m.conversationId)) return;
  playTone('message');
  if (document.visibilityState === 'hidden' || !document.hasFocus()) desktop(`Customer: ${conversationTitle(held)}`, m.text, m.conversationId);
}
