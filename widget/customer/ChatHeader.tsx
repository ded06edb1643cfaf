// Title bar of the panel: the chat's name, "End chat" while it is open, and "Close chat" to minimise.
import { state } from './conversation.ts';
import { endConversation } from './connection.ts';
import { closePanel } from './panel.ts';
import { words } from './words.ts';

export function ChatHeader({ title }: { title: string | undefined }) {
  const w = words.value;
  const s = state.value;
  const ongoing = s === 'ai' || s === 'queued' || s === 'agent';
  return (
    <header class="header">
      <h2 id="tandem-title" class="header__title">
        {title ?? w.title}
      </h2>
      {ongoing && (
        <button type="button" class="header__end" onClick={() => void endConversation()}>
          {w.endChat}
        </button>
      )}
      <button type="button" class="header__close" aria-label={w.closeChat} onClick={closePanel}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M6 9l6 6 6-6" />
        </svg>
      </button>
    </header>
  );
}
