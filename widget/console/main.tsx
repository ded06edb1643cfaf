// Entry of the agent console (dist/console/): the sign-in form (or, from an invite link, the form that sets a
// password), then the chat desk (the queue beside the conversations held, in tabs or side by side), the
// Quality page or the Admin page, by the address (/console/, /console/quality, /console/admin).
import { render } from 'preact';
import { useState } from 'preact/hooks';
import './console.css';
import { conversations, followAddress, now, page, selectedId, token } from './console-state.ts';
import { connect } from './agent-session.ts';
import { LoginForm } from './LoginForm.tsx';
import { ConsoleHeader } from './ConsoleHeader.tsx';
import { QueueList } from './QueueList.tsx';
import { ChatTabs } from './ChatTabs.tsx';
import { ConversationView } from './ConversationView.tsx';
import { QualityPage } from './QualityPage.tsx';
import { AdminPage } from './AdminPage.tsx';
import { InviteForm, inviteInAddress } from './InviteForm.tsx';
import { SideBySide } from './SideBySide.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { layout, setLayout, type DeskLayout } from './desk-layout.ts';
import { listenForShortcuts, shortcutNotice } from './shortcuts.ts';
import { showBadge } from './badge.ts';

const LAYOUTS: [DeskLayout, string][] = [
  ['tabs', 'Tabs'],
  ['side', 'Side by side'],
];

/** Tabs or Side by side: two buttons, the one in force pressed. */
function LayoutSwitch() {
  return (
    <div class="layout-switch" role="group" aria-label="Layout">
      {LAYOUTS.map(([value, words]) => (
        <button key={value} type="button" class="layout-switch__option" aria-pressed={layout.value === value} onClick={() => setLayout(value)}>
          {words}
        </button>
      ))}
    </div>
  );
}

function Desk() {
  const list = conversations.value;
  const selected = list.find((c) => c.conversationId === selectedId.value);
  const side = layout.value === 'side';
  return (
    <main class={side ? 'desk desk--side' : 'desk'}>
      <QueueList />
      <section class="work" aria-label="Conversations">
        <div class="work__bar">
          {side ? <h2 class="work__title">Open conversations</h2> : <ChatTabs />}
          <LayoutSwitch />
        </div>
        <p class="work__notice" role="status">
          {shortcutNotice.value}
        </p>
        {!list.length ? (
          <p class="work__empty">Accept a conversation from the queue to start.</p>
        ) : side ? (
          <SideBySide />
        ) : selected ? (
          <ConversationView key={selected.conversationId} conversation={selected} />
        ) : (
          <p class="work__empty">Choose a conversation above.</p>
        )}
      </section>
    </main>
  );
}

function Console() {
  const [invite, setInvite] = useState(inviteInAddress);
  if (invite) return <InviteForm invite={invite} onDone={() => setInvite(null)} />;
  if (!token.value) return <LoginForm />;
  return (
    <div class="layout">
      <ConsoleHeader />
      {page.value === 'quality' ? <QualityPage /> : page.value === 'admin' ? <AdminPage /> : <Desk />}
      <ShortcutHelp />
    </div>
  );
}

window.addEventListener('popstate', followAddress);

setInterval(() => (now.value = Date.now()), 15_000);
listenForShortcuts();
showBadge();
connect(); // a stored token from an earlier sign-in
render(<Console />, document.getElementById('root')!);
