// The transcript: stored messages (a role="log" so new replies are read out), then the customer's messages
// still sending (or waiting for the connection), the assistant's reply as it streams in, and who is typing.
// Stays scrolled to the newest.
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Message } from '../../shared/protocol.ts';
import { agentName, connection, messages, panelOpen, pending, streaming, typing } from './conversation.ts';
import { retryMessage } from './connection.ts';
import { AgentAvatar } from './AgentAvatar.tsx';
import { TypingIndicator } from './TypingIndicator.tsx';
import { words } from './words.ts';

function Bubble({ message }: { message: Message }) {
  const w = words.value;
  if (message.from === 'system') return <p class="msg msg--system">{message.text}</p>;
  if (message.from === 'agent') {
    const name = message.author ?? agentName.value;
    return (
      <div class="msg msg--agent">
        {name && <AgentAvatar name={name} />}
        <div class="msg__body">
          <span class="msg__who">{name ?? w.agent}</span>
          <p class="msg__text">{message.text}</p>
        </div>
      </div>
    );
  }
  return (
    <div class={`msg msg--${message.from}`}>
      {message.from === 'ai' ? <span class="msg__who">{w.assistant}</span> : <span class="sr-only">{w.you}</span>}
      <p class="msg__text">{message.text}</p>
    </div>
  );
}

export function MessageList() {
  const w = words.value;
  const list = messages.value;
  const waiting = pending.value;
  const drafts = streaming.value;
  const online = connection.value === 'online';
  void panelOpen.value; // re-render on open: a hidden list cannot scroll, so scroll down once it shows
  void typing.value; // re-render (and re-scroll) when the typing line appears
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const sentCount = useRef(waiting.length);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Follow new messages unless the customer scrolled up to read; their own message always brings them down.
    if (atBottom.current || waiting.length > sentCount.current) el.scrollTop = el.scrollHeight;
    sentCount.current = waiting.length;
  });

  return (
    <div
      class="scroll"
      ref={scroller}
      // A keyboard stop with a name: the arrow keys scroll the transcript (WCAG 2.1.1).
      tabIndex={0}
      role="region"
      aria-label={w.transcript}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {!list.length && !waiting.length && <p class="greeting">{w.greeting}</p>}
      <div class="log" role="log" aria-label={w.messages}>
        {list.map((m) => (
          <Bubble key={m.id} message={m} />
        ))}
      </div>
      {waiting.map((p) => (
        <div key={p.clientId} class="msg msg--customer msg--pending" data-waiting={!p.failed && !online ? '' : undefined}>
          <span class="sr-only">{w.you}</span>
          <p class="msg__text">{p.text}</p>
          <span class="msg__meta">
            {p.failed ? (
              <>
                {w.notSent}{' '}
                <button type="button" class="link" onClick={() => retryMessage(p.clientId)}>
                  {w.retry}
                </button>
              </>
            ) : online ? (
              w.sending
            ) : (
              w.waitingForConnection
            )}
          </span>
        </div>
      ))}
      {drafts.map((d) => (
        // Read out once complete, as a stored message in the log, not delta by delta.
        <div key={d.id} class="msg msg--ai" aria-hidden="true">
          <span class="msg__who">{w.assistant}</span>
          <p class="msg__text">{d.text}</p>
        </div>
      ))}
      <TypingIndicator />
    </div>
  );
}
