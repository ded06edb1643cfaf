// The order in which waiting conversations reach people: by priority, then by how long they have waited.
import type { InteractionType, Priority } from '../../shared/protocol.ts';
import type { Conversation } from './conversation.ts';

/** How urgent each priority is; the one ranking the queue, triage and the conversation all use. */
export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, high: 1, urgent: 2 };

/** The more urgent of two priorities. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;
}

/** A chat waiting for a person. */
export interface WaitingChat {
  id: string;
  /** null until triage has judged a turn (a customer who pressed the button first) */
  type: InteractionType | null;
  priority: Priority;
  /** ms since the epoch: when it entered the queue (the first time, for a chat put back) */
  queuedAt: number;
  /** put back after its agent left: it goes to the front of its priority */
  front?: boolean;
}

/** A queued conversation as routing and the wait-time model see it. */
export function waitingChat(c: Conversation): WaitingChat {
  return { id: c.id, type: c.type, priority: c.priority, queuedAt: Date.parse(c.queuedAt ?? c.updatedAt) };
}

/** The order of the queue: priority first (urgent, high, normal), put-back chats first within it, then first come. */
export function compareWaiting(a: WaitingChat, b: WaitingChat): number {
  return (
    PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
    Number(b.front ?? false) - Number(a.front ?? false) ||
    a.queuedAt - b.queuedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Waiting chats, first to be served first. */
export function orderWaiting<T extends WaitingChat>(waiting: readonly T[]): T[] {
  return [...waiting].sort(compareWaiting);
}

/** Queued conversations, first to be served first (the same order as `orderWaiting`). */
export function queueOrder(conversations: readonly Conversation[]): Conversation[] {
  return conversations
    .filter((c) => c.state === 'queued')
    .map((c) => ({ c, w: waitingChat(c) }))
    .sort((a, b) => compareWaiting(a.w, b.w))
    .map(({ c }) => c);
}

/** 1-based place of a conversation in the ordered queue, or null when it is not waiting. */
export function positionIn(ordered: readonly Conversation[], conversationId: string): number | null {
  const index = ordered.findIndex((c) => c.id === conversationId);
  return index < 0 ? null : index + 1;
}
