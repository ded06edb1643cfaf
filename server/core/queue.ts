// The order in which waiting conversations reach people: by priority, then by how long they have waited.
import type { Priority } from '../../shared/protocol.ts';
import type { Conversation } from './conversation.ts';

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };

/** Queued conversations, first to be served first. */
export function queueOrder(conversations: readonly Conversation[]): Conversation[] {
  return conversations
    .filter((c) => c.state === 'queued')
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        (a.queuedAt ?? '').localeCompare(b.queuedAt ?? '') ||
        a.id.localeCompare(b.id),
    );
}

/** 1-based place of a conversation in the ordered queue, or null when it is not waiting. */
export function positionIn(ordered: readonly Conversation[], conversationId: string): number | null {
  const index = ordered.findIndex((c) => c.id === conversationId);
  return index < 0 ? null : index + 1;
}
