// Entry of the agent console (dist/console/): the sign-in form, then the chat desk (the queue beside the
// conversations held) or the Quality page, by the address (/console/, /console/quality).
import { render } from 'preact';
import './console.css';
import { conversations, followAddress, now, page, selectedId, token } from './console-state.ts';
import { connect } from './agent-session.ts';
import { LoginForm } from './LoginForm.tsx';
import { ConsoleHeader } from './ConsoleHeader.tsx';
import { QueueList } from './QueueList.tsx';
import { ChatTabs } from './ChatTabs.tsx';
import { ConversationView } from './ConversationView.tsx';
import { QualityPage } from './QualityPage.tsx';

function Desk() {
  const selected = conversations.value.find((c) => c.conversationId === selectedId.value);
  return (
    <main class="desk">
      <QueueList />
      <section class="work" aria-label="Conversations">
        <ChatTabs />
        {selected ? (
          <ConversationView key={selected.conversationId} conversation={selected} />
        ) : (
          <p class="work__empty">Accept a conversation from the queue to start.</p>
        )}
      </section>
    </main>
  );
}

function Console() {
  if (!token.value) return <LoginForm />;
  return (
    <div class="layout">
      <ConsoleHeader />
      {page.value === 'quality' ? <QualityPage /> : <Desk />}
    </div>
  );
}

window.addEventListener('popstate', followAddress);

setInterval(() => (now.value = Date.now()), 15_000);
connect(); // a stored token from an earlier sign-in
render(<Console />, document.getElementById('root')!);
