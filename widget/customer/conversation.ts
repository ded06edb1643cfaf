// The customer's side of one conversation, held in signals outside the components. Components read these;
// only connection.ts writes them (from server events and the customer's actions).
import { signal } from '@preact/signals';
import type { ConversationState, Message, QueueInfo } from '../../shared/protocol.ts';

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
export const notice = signal<string | null>(null);
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

/** What the live region says about where the conversation stands. */
export function describeStatus(): string {
  const link = connection.value;
  if (link === 'idle') return '';
  if (link === 'connecting') return 'Connecting…';
  if (link === 'offline') return 'Reconnecting…';
  switch (state.value) {
    case 'ai':
      return 'Connected. Our assistant answers at once.';
    case 'queued':
      return describeQueue(queue.value);
    case 'agent':
      return `${agentName.value ?? 'A person'} has joined the conversation.`;
    case 'closed':
      return 'This conversation has ended.';
    default:
      return 'Connecting…';
  }
}

/** The queue position and the wait promise, or why there is none, in the customer's words. */
export function describeQueue(info: QueueInfo | null): string {
  if (!info) return 'You are in the queue for a person.';
  const place = `You are number ${info.position} in the queue for a person.`;
  if (info.promise) {
    const minutes = Math.max(1, Math.ceil(info.promise.seconds / 60));
    return `${place} A person will join within ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  return `${place} ${info.reason || 'We cannot promise a wait time right now.'}`;
}
