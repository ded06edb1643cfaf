// The canned-reply picker above the Reply box: a search field (a combobox) over a list of replies, each shown
// filled in for this conversation. Arrow keys move, Enter inserts, Escape goes back to the Reply box. Inserting
// only puts the text in the box: nothing is sent until the agent presses Send.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CannedReply } from '../../shared/protocol.ts';
import { searchCannedReplies, type FilledReply } from '../../shared/canned-replies.ts';
import type { HeldConversation } from './console-state.ts';
import { cannedError, cannedReplies, fillFor, loadCannedReplies } from './canned-replies.ts';

export function CannedReplyPicker({
  conversation: c,
  onInsert,
  onClose,
}: {
  conversation: HeldConversation;
  onInsert: (filled: FilledReply) => void;
  onClose: () => void;
}) {
  const id = c.conversationId;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const all = cannedReplies.value;
  const found = useMemo(() => (all ? searchCannedReplies(all, query) : []), [all, query]);
  const current = found[Math.min(active, found.length - 1)];
  const optionId = (r: CannedReply) => `canned-${id}-${r.id}`;

  useEffect(() => {
    void loadCannedReplies(true);
    search.current?.focus();
  }, []);
  useEffect(() => {
    if (current) document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' });
  }, [current?.id]);

  const choose = (reply: CannedReply | undefined) => {
    if (reply) onInsert(fillFor(reply, c));
  };

  return (
    <div
      class="canned"
      onFocusOut={(e) => {
        // Leaving the picker (Tab, or a click elsewhere) closes it.
        const next = e.relatedTarget as Node | null;
        if (next && !e.currentTarget.contains(next)) onClose();
      }}
    >
      <div class="canned__head">
        <label class="canned__label" for={`canned-search-${id}`}>
          Search canned replies
        </label>
        <span class="canned__keys" aria-hidden="true">
          ↑↓ choose · Enter insert · Esc back
        </span>
      </div>
      <input
        ref={search}
        id={`canned-search-${id}`}
        class="canned__search"
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded="true"
        aria-controls={`canned-list-${id}`}
        aria-activedescendant={current ? optionId(current) : undefined}
        placeholder="Type to filter: refund, order, greeting…"
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (!found.length) return;
            const by = e.key === 'ArrowDown' ? 1 : -1;
            setActive((Math.min(active, found.length - 1) + by + found.length) % found.length);
          } else if (e.key === 'Home' && e.ctrlKey) {
            setActive(0);
          } else if (e.key === 'End' && e.ctrlKey) {
            setActive(Math.max(0, found.length - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            choose(current);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      />
      {cannedError.value && !all && (
        <p class="alert" role="alert">
          {cannedError.value}
        </p>
      )}
      <ul id={`canned-list-${id}`} class="canned__list" role="listbox" aria-label="Canned replies">
        {found.map((reply) => {
          const selected = reply.id === current?.id;
          return (
            <li
              key={reply.id}
              id={optionId(reply)}
              role="option"
              aria-selected={selected}
              class="canned__option"
              // Keep the focus in the search field: a click chooses without leaving the combobox.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(reply)}
            >
              <span class="canned__title">{reply.title}</span>
              <span class="canned__preview">{fillFor(reply, c).text}</span>
            </li>
          );
        })}
      </ul>
      <p class="canned__status" role="status">
        {!all ? 'Loading canned replies…' : found.length ? `${found.length} ${found.length === 1 ? 'reply' : 'replies'}` : `No canned reply matches “${query}”.`}
      </p>
    </div>
  );
}
