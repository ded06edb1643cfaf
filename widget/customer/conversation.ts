// The customer's side of one conversation, held in signals outside the components. Components read these;
// connection.ts writes them (from server events and the customer's actions), panel.ts opens and closes.
import { signal } from '@preact/signals';
import type { ConversationState, Message, QueueInfo } from '../../shared/protocol.ts';
import { words, type Notice } from './words.ts';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline';

/** A message the customer wrote that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  text: string;
  at: string;
  /** The server refused it for a reason worth retrying (rate limit, internal error). */
  failed?: boolean;
}

/** An assistant reply still arriving through `message:delta`. */
export interface StreamingMessage {
  id: string;
  text: string;
}

export const connection = signal<ConnectionStatus>('idle');
/** The browser's own idea of the network (navigator.onLine), to say "you are offline" rather than "reconnecting". */
export const browserOnline = signal(typeof navigator === 'undefined' || navigator.onLine !== false);
export const conversationId = signal<string | null>(null);
/** null until the first `session` of this conversation. */
export const state = signal<ConversationState | null>(null);
export const queue = signal<QueueInfo | null>(null);
export const agentName = signal<string | null>(null);
/** Stored messages, sorted by seq, one per id. */
export const messages = signal<Message[]>([]);
export const streaming = signal<StreamingMessage[]>([]);
export const typing = signal<{ ai: boolean; agent: boolean }>({ ai: false, agent: false });
export const pending = signal<PendingMessage[]>([]);
export const rated = signal(false);
export const panelOpen = signal(false);
/** Messages from the assistant or an agent that arrived while the panel was closed. */
export const unread = signal(0);
/** An error to show the customer inline (role="alert"), or null. */
export const notice = signal<Notice | null>(null);
export const handoffBusy = signal(false);

/** Forget what was shown of a conversation (before showing another one). */
export function resetTranscript(): void {
  messages.value = [];
  streaming.value = [];
  queue.value = null;
  agentName.value = null;
  typing.value = { ai: false, agent: false };
}

/** `current` with `incoming` merged in: one message per id (the later copy wins), sorted by seq. */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** The highest seq the client holds, or undefined when it holds none. */
export function lastSeq(): number | undefined {
  const list = messages.value;
  return list.length ? list[list.length - 1]!.seq : undefined;
}

/** What the live region says: an apology for a promise that got worse (or null), then where the conversation stands. */
export function describeStatus(): { notice: string | null; text: string } {
  const w = words.value;
  const link = connection.value;
  if (link === 'idle') return { notice: null, text: '' };
  if (link === 'connecting') return { notice: null, text: browserOnline.value ? w.connecting : w.offline };
  if (link === 'offline') return { notice: null, text: browserOnline.value ? w.reconnecting : w.offline };
  switch (state.value) {
    case 'ai':
      return { notice: null, text: w.withAssistant };
    case 'queued':
      return { notice: queue.value?.notice || null, text: describeQueue(queue.value) };
    case 'agent':
      return { notice: null, text: w.agentJoined(agentName.value) };
    case 'closed':
      return { notice: null, text: w.ended };
    default:
      return { notice: null, text: w.connecting };
  }
}

/**
 * The queue position and the wait promise with how often we keep it, or why there is none, in the customer's
 * words. The server's `reason` is shown as the server wrote it.
 */
export function describeQueue(info: QueueInfo | null): string {
  const w = words.value;
  if (!info) return w.inQueue;
  const place = w.queuePosition(info.position);
  if (info.promise) return `${place} ${w.promise(info.promise)}`;
  return `${place} ${info.reason || w.noPromise}`;
}
