// The conversations held, side by side: one column each, named by its customer's first words, with its handoff
// summary and triage signals on top (compact) and its transcript and reply below. The column the agent works
// in is the selected one (the keyboard shortcuts act on it); clicking or tabbing into a column selects it.
import { conversations, conversationTitle, selectConversation, selectedId, type HeldConversation } from './console-state.ts';
import { ConversationView } from './ConversationView.tsx';
import { PriorityTag } from './TriageSignals.tsx';

function Column({ c, selected }: { c: HeldConversation; selected: boolean }) {
  const id = c.conversationId;
  const pick = () => {
    if (!selected) selectConversation(id);
  };
  return (
    <section class="column" data-selected={selected} aria-labelledby={`column-${id}`} onFocusCapture={pick} onPointerDown={pick}>
      <header class="column__head">
        <h2 class="column__title" id={`column-${id}`}>
          {conversationTitle(c)}
        </h2>
        {c.priority !== 'normal' && c.state !== 'closed' && <PriorityTag priority={c.priority} small />}
        {c.state === 'closed' && !c.transferredTo && <span class="tag">closed</span>}
        {c.transferredTo && <span class="tag">transferred</span>}
        {c.unread > 0 && (
          <span class="badge">
            {c.unread}
            <span class="sr-only"> unread</span>
          </span>
        )}
        {selected && <span class="column__current">working here</span>}
      </header>
      <ConversationView conversation={c} column />
    </section>
  );
}

export function SideBySide() {
  const list = conversations.value;
  const current = selectedId.value;
  return (
    <div class="columns" data-count={Math.min(list.length, 4)}>
      {list.map((c) => (
        <Column key={c.conversationId} c={c} selected={c.conversationId === current} />
      ))}
    </div>
  );
}
