// Top bar: the pages (Chats, Quality), who is signed in, the connection, presence and capacity, and "Sign out".
import type { ComponentChildren } from 'preact';
import type { PresenceStatus } from '../../shared/protocol.ts';
import { agent, conversations, headerError, link, navigate, page, pathOfPage, presence, type ConsolePage } from './console-state.ts';
import { setPresence, signOut } from './agent-session.ts';

const LINK_TEXT = { idle: 'Not connected', connecting: 'Connecting…', online: 'Connected', offline: 'Reconnecting…' };

/** A link to one of the console's pages; a plain click switches in place, a modified one opens a tab. */
function PageLink({ to, children }: { to: ConsolePage; children: ComponentChildren }) {
  return (
    <a
      class="pages__link"
      href={pathOfPage(to)}
      aria-current={page.value === to ? 'page' : undefined}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** Chats and Quality; Chats counts the customer messages not yet read while the agent is elsewhere. */
function PageNav() {
  const unread = conversations.value.reduce((sum, c) => sum + c.unread, 0);
  return (
    <nav class="pages" aria-label="Console pages">
      <PageLink to="chats">
        Chats
        {unread > 0 && (
          <span class="badge">
            {unread}
            <span class="sr-only"> unread</span>
          </span>
        )}
      </PageLink>
      <PageLink to="quality">Quality</PageLink>
    </nav>
  );
}

export function ConsoleHeader() {
  const me = agent.value;
  const p = presence.value;
  const active = conversations.value.filter((c) => c.state !== 'closed').length;
  return (
    <header class="topbar">
      <h1 class="topbar__brand">Tandem console</h1>
      <PageNav />
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
