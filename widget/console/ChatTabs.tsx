// One tab per conversation held, with its priority when above normal and its unread count; arrow keys move
// between tabs.
import { conversations, conversationTitle, selectConversation, selectedId } from './console-state.ts';
import { PriorityTag } from './TriageSignals.tsx';

export function ChatTabs() {
  const list = conversations.value;
  if (!list.length) return null;
  const current = selectedId.value;
  const move = (from: number, by: number) => {
    const next = list[(from + by + list.length) % list.length];
    if (!next) return;
    selectConversation(next.conversationId);
    document.getElementById(`tab-${next.conversationId}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label="Open conversations">
      {list.map((c, i) => {
        const selected = c.conversationId === current;
        return (
          <button
            key={c.conversationId}
            id={`tab-${c.conversationId}`}
            type="button"
            role="tab"
            class="tab"
            aria-selected={selected}
            aria-controls={selected ? 'conversation-panel' : undefined}
            tabIndex={selected || (!current && i === 0) ? 0 : -1}
            data-state={c.state}
            onClick={() => selectConversation(c.conversationId)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight') move(i, 1);
              else if (e.key === 'ArrowLeft') move(i, -1);
            }}
          >
            <span class="tab__title">{conversationTitle(c)}</span>
            {c.priority !== 'normal' && c.state !== 'closed' && <PriorityTag priority={c.priority} small />}
            {c.state === 'closed' && !c.transferredTo && <span class="tag">closed</span>}
            {c.transferredTo && <span class="tag">transferred to {c.transferredTo}</span>}
            {c.customerTyping && <span class="tab__typing" aria-hidden="true">…</span>}
            {c.unread > 0 && (
              <span class="badge">
                {c.unread}
                <span class="sr-only"> unread</span>
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
