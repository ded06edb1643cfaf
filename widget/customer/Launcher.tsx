// The round button in the page corner that opens the chat; shows how many replies arrived while closed.
import type { RefObject } from 'preact';
import { panelOpen, unread } from './conversation.ts';
import { openPanel } from './connection.ts';

export function Launcher({ buttonRef }: { buttonRef: RefObject<HTMLButtonElement | null> }) {
  const count = unread.value;
  return (
    <button
      ref={buttonRef}
      type="button"
      class="launcher"
      aria-label="Open chat"
      aria-describedby={count ? 'tandem-unread' : undefined}
      hidden={panelOpen.value}
      onClick={() => openPanel()}
    >
      <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
        <path
          fill="currentColor"
          d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.4 3.5A1 1 0 0 1 3 20.7V6a2 2 0 0 1 1-2zm3 6a1.3 1.3 0 1 0 0 2.6A1.3 1.3 0 0 0 7 10zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6z"
        />
      </svg>
      {count > 0 && (
        <span class="launcher__badge" id="tandem-unread">
          {count}
          <span class="sr-only"> new {count === 1 ? 'message' : 'messages'}</span>
        </span>
      )}
    </button>
  );
}
