// The order in which waiting conversations reach people: by priority, then by how long they have waited.
import type { Priority } from '../../shared/protocol.ts';
import type { Conversation } from './conversation.ts';

/** How urgent each priority is; the one ranking the queue, triage and the conversation all use. */
export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, high: 1, urgent: 2 };

/** The more urgent of two priorities. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;
}

/** Queued conversations, first to be served first. */
export function queueOrder(conversations: readonly Conversation[]): Conversation[] {
  return conversations
    .filter((c) => c.state === 'queued')
    .sort(
      (a, b) =>
        PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
        (a.queuedAt ?? '').localeCompare(b.queuedAt ?? '') ||
        a.id.localeCompare(b.id),
    );
}

/** 1-based place of a conversation in the ordered queue, or null when it is not waiting. */
export function positionIn(ordered: readonly Conversation[], conversationId: string): number | null {
  const index = ordered.findIndex((c) => c.id === conversationId);
  return index < 0 ? null : index + 1;
}
