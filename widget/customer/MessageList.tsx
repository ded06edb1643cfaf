// The transcript: stored messages (a role="log" so new replies are read out), then the customer's messages
// still sending, the assistant's reply as it streams in, and who is typing. Stays scrolled to the newest.
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Message } from '../../shared/protocol.ts';
import { agentName, messages, panelOpen, pending, streaming, typing } from './conversation.ts';
import { retryMessage } from './connection.ts';
import { TypingIndicator } from './TypingIndicator.tsx';

function Bubble({ message }: { message: Message }) {
  if (message.from === 'system') return <p class="msg msg--system">{message.text}</p>;
  const who =
    message.from === 'ai' ? 'Assistant' : message.from === 'agent' ? (message.author ?? agentName.value ?? 'Agent') : null;
  return (
    <div class={`msg msg--${message.from}`}>
      {who ? <span class="msg__who">{who}</span> : <span class="sr-only">You:</span>}
      <p class="msg__text">{message.text}</p>
    </div>
  );
}

export function MessageList() {
  const list = messages.value;
  const waiting = pending.value;
  const drafts = streaming.value;
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
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {!list.length && !waiting.length && (
        <p class="greeting">Ask us anything. Our assistant answers at once, and a person is here when you need one.</p>
      )}
      <div class="log" role="log" aria-label="Messages">
        {list.map((m) => (
          <Bubble key={m.id} message={m} />
        ))}
      </div>
      {waiting.map((p) => (
        <div key={p.clientId} class="msg msg--customer msg--pending">
          <span class="sr-only">You:</span>
          <p class="msg__text">{p.text}</p>
          <span class="msg__meta">
            {p.failed ? (
              <>
                Not sent.{' '}
                <button type="button" class="link" onClick={() => retryMessage(p.clientId)}>
                  Retry
                </button>
              </>
            ) : (
              'Sending…'
            )}
          </span>
        </div>
      ))}
      {drafts.map((d) => (
        // Read out once complete, as a stored message in the log, not delta by delta.
        <div key={d.id} class="msg msg--ai" aria-hidden="true">
          <span class="msg__who">Assistant</span>
          <p class="msg__text">{d.text}</p>
        </div>
      ))}
      <TypingIndicator />
    </div>
  );
}
