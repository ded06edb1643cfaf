// Top bar: the pages (Chats, Quality, and Admin for admins), who is signed in, the connection, presence and
// capacity (within the most an admin allows), the sound, the shortcuts, and "Sign out".
import type { ComponentChildren } from 'preact';
import type { PresenceStatus } from '../../shared/protocol.ts';
import { agent, conversations, headerError, link, navigate, page, pathOfPage, presence, type ConsolePage } from './console-state.ts';
import { setPresence, signOut } from './agent-session.ts';
import { active, limits, setCapacity } from './session-hooks.ts';
import { permission, setSound, soundOn } from './notifications.ts';
import { helpOpen, SHORTCUTS } from './shortcuts.ts';
import { CAPACITY_MAX } from './admin-state.ts';

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

/** Chats, Quality and (admins) Admin; Chats counts the customer messages not yet read while the agent is elsewhere. */
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
      {agent.value?.role === 'admin' && <PageLink to="admin">Admin</PageLink>}
    </nav>
  );
}

/** How many chats at once: from 1 to the most an admin allows this agent. */
function Capacity() {
  const p = presence.value;
  // No limit from an admin (null): anything the protocol allows.
  const allowed = limits.value ? (limits.value.capacity ?? CAPACITY_MAX) : (p?.capacity ?? 1);
  const most = Math.max(allowed, p?.capacity ?? 1);
  const hint = limits.value?.capacity ? `Up to ${limits.value.capacity} (set by an admin)` : '';
  return (
    <span class="topbar__capacity">
      <label class="topbar__presence" title={hint}>
        Capacity
        <select
          value={p?.capacity ?? ''}
          disabled={!p || most <= 1}
          aria-describedby="capacity-hint"
          onChange={(e) => setCapacity(Number(e.currentTarget.value))}
        >
          {Array.from({ length: most }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <span id="capacity-hint" class="topbar__load">
        {p ? `${active.value} of ${p.capacity} chats` : ''}
        <span class="sr-only">{hint ? `. ${hint}.` : ''}</span>
      </span>
    </span>
  );
}

/** The sound, and a word when the browser blocks desktop notifications (they are asked for on the desk). */
function Alerts() {
  return (
    <span class="topbar__alerts">
      {permission.value === 'denied' && (
        <span class="topbar__note" title="Allow notifications for this site in the browser's settings to get them.">
          Notifications blocked
        </span>
      )}
      <button
        type="button"
        class="toggle"
        aria-pressed={soundOn.value}
        title={soundOn.value ? 'A tone plays for new chats and messages' : 'No tone for new chats and messages'}
        onClick={() => setSound(!soundOn.value)}
      >
        Sound
      </button>
    </span>
  );
}

export function ConsoleHeader() {
  const me = agent.value;
  const p = presence.value;
  return (
    <header class="topbar">
      <h1 class="topbar__brand">Tandem console</h1>
      <PageNav />
      {/* Connected is the normal state: a dot (the words for screen readers); anything else is said in words. */}
      <p class="topbar__link" data-link={link.value} role="status" title={LINK_TEXT[link.value]}>
        <span class={link.value === 'online' ? 'sr-only' : undefined}>{LINK_TEXT[link.value]}</span>
      </p>
      {headerError.value && (
        <p class="alert alert--inline" role="alert">
          {headerError.value}
        </p>
      )}
      <div class="topbar__me">
        <span class="topbar__name">
          <span>{me?.name ?? '…'}</span>
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
        <Capacity />
        <Alerts />
        <button
          type="button"
          class="toggle"
          aria-haspopup="dialog"
          aria-keyshortcuts={SHORTCUTS.help.keys}
          title={`Keyboard shortcuts (${SHORTCUTS.help.keys})`}
          onClick={() => (helpOpen.value = true)}
        >
          Shortcuts
        </button>
        <button type="button" class="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
