// Top bar: who is signed in, the connection, presence and capacity, and "Sign out".
import type { PresenceStatus } from '../../shared/protocol.ts';
import { agent, conversations, headerError, link, presence } from './console-state.ts';
import { setPresence, signOut } from './agent-session.ts';

const LINK_TEXT = { idle: 'Not connected', connecting: 'Connecting…', online: 'Connected', offline: 'Reconnecting…' };

export function ConsoleHeader() {
  const me = agent.value;
  const p = presence.value;
  const active = conversations.value.filter((c) => c.state !== 'closed').length;
  return (
    <header class="topbar">
      <h1 class="topbar__brand">Tandem console</h1>
      <p class="topbar__link" data-link={link.value} role="status">
        {LINK_TEXT[link.value]}
      </p>
      {headerError.value && (
        <p class="alert alert--inline" role="alert">
          {headerError.value}
        </p>
      )}
      <div class="topbar__me">
        <span class="topbar__name">
          {me?.name ?? '…'}
          {me?.role === 'admin' && <span class="tag">admin</span>}
        </span>
        <label class="topbar__presence">
          Presence
          <select
            value={p?.status ?? 'online'}
            disabled={!p}
            data-status={p?.status}
            onChange={(e) => setPresence(e.currentTarget.value as PresenceStatus)}
          >
            <option value="online">Online</option>
            <option value="away">Away</option>
            <option value="offline">Offline</option>
          </select>
        </label>
        <span class="topbar__capacity">{p ? `${active} of ${p.capacity} chats` : ''}</span>
        <button type="button" class="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
