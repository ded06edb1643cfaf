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
  /** transferred to a skill group: only agents with this skill may take it (instead of its type's) */
  skill?: InteractionType;
  /** the agent who transferred it to the group: not handed it back by automatic assignment */
  passedBy?: string;
  /** ms since the epoch when its type's wait target runs out (the live server sets it; the simulator does not) */
  dueAt?: number;
}

/** Each type's wait target in seconds (the policy's `targetSeconds`, which an admin may change at run time). */
export type WaitTargets = Readonly<Record<InteractionType, number>>;

/** When a chat's wait target runs out: its type's target after it entered the queue; untyped, the longest. */
export function dueAt(chat: Pick<WaitingChat, 'type' | 'queuedAt'>, targets: WaitTargets): number {
  const seconds = chat.type ? targets[chat.type] : Math.max(...Object.values(targets));
  return chat.queuedAt + seconds * 1000;
}

/** A queued conversation as routing and the wait-time model see it; with `targets`, with its due time. */
export function waitingChat(c: Conversation, targets?: WaitTargets): WaitingChat {
  const chat: WaitingChat = { id: c.id, type: c.type, priority: c.priority, queuedAt: Date.parse(c.queuedAt ?? c.updatedAt) };
  if (c.transfer?.skill) {
    chat.skill = c.transfer.skill;
    chat.passedBy = c.transfer.fromAgentId;
  }
  if (targets) chat.dueAt = dueAt(chat, targets);
  return chat;
}

/**
 * The order of the queue: priority first (urgent, high, normal); within it, put-back chats first, then chats
 * past their type's wait target at `now` (the longest past first), then first come. Without `now` no target
 * counts: first come within the priority, as the simulator orders it.
 */
export function compareWaiting(a: WaitingChat, b: WaitingChat, now?: number): number {
  const lateA = now !== undefined && a.dueAt !== undefined && a.dueAt <= now;
  const lateB = now !== undefined && b.dueAt !== undefined && b.dueAt <= now;
  return (
    PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
    Number(b.front ?? false) - Number(a.front ?? false) ||
    Number(lateB) - Number(lateA) ||
    (lateA && lateB ? a.dueAt! - b.dueAt! : 0) ||
    a.queuedAt - b.queuedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Waiting chats, first to be served first (past their wait target first when `now` is given: compareWaiting). */
export function orderWaiting<T extends WaitingChat>(waiting: readonly T[], now?: number): T[] {
  return [...waiting].sort((a, b) => compareWaiting(a, b, now));
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
