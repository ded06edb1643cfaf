// One held conversation: the handoff summary (HandoffSummary.tsx) beside triage's signals, the whole transcript
// (the AI part too), the Reply box, and "Close conversation"; once closed, the customer's rating when it comes,
// and "Dismiss".
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Message } from '../../shared/protocol.ts';
import { agent, dismissConversation, type HeldConversation } from './console-state.ts';
import { closeConversation, noteTyping, retryReply, sendReply } from './agent-session.ts';
import { HandoffSummary } from './HandoffSummary.tsx';
import { TriageSignals } from './TriageSignals.tsx';

/** Same as MESSAGE_MAX_LENGTH in shared/protocol.ts; repeated to keep zod out of the console bundle. */
const MESSAGE_MAX_LENGTH = 2000;
/** Unsent replies per conversation, kept while the agent switches tabs. */
const drafts = new Map<string, string>();
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function author(m: Message, me: string | undefined): string {
  if (m.from === 'customer') return 'Customer';
  if (m.from === 'ai') return 'Assistant';
  if (m.from === 'system') return 'System';
  return !m.author || m.author === me ? 'You (agent)' : `${m.author} (agent)`;
}

function Entry({ message, me }: { message: Message; me: string | undefined }) {
  const at = new Date(message.at);
  return (
    <li class={`entry entry--${message.from}`}>
      <p class="entry__head">
        <span class="entry__who">{author(message, me)}</span>
        {!Number.isNaN(at.getTime()) && <time dateTime={message.at}>{timeFormat.format(at)}</time>}
      </p>
      <p class="entry__text">{message.text}</p>
    </li>
  );
}

function Outcome({ c }: { c: HeldConversation }) {
  return (
    <div class="outcome">
      <p class="outcome__state">This conversation is closed.</p>
      {c.csat ? (
        <div class="outcome__csat">
          <p>
            <strong>Rated {c.csat.score}/5</strong>
          </p>
          {c.csat.comment && <blockquote class="outcome__comment">{c.csat.comment}</blockquote>}
        </div>
      ) : (
        <p class="muted">Waiting for the customer's rating</p>
      )}
      <button type="button" class="secondary" onClick={() => dismissConversation(c.conversationId)}>
        Dismiss
      </button>
    </div>
  );
}

export function ConversationView({ conversation: c }: { conversation: HeldConversation }) {
  const id = c.conversationId;
  const [text, setText] = useState(drafts.get(id) ?? '');
  const me = agent.value?.name;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const length = text.trim().length;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  });

  const update = (value: string) => {
    setText(value);
    if (value) drafts.set(id, value);
    else drafts.delete(id);
  };
  const submit = () => {
    const reply = text.trim();
    if (!reply || reply.length > MESSAGE_MAX_LENGTH) return;
    atBottom.current = true;
    sendReply(id, reply);
    update('');
  };

  return (
    <div class="conversation" role="tabpanel" id="conversation-panel" aria-labelledby={`tab-${id}`}>
      <div class="briefing">
        <HandoffSummary brief={c.brief} summary={c.summary} />
        <section class="triage" aria-labelledby={`triage-${id}`}>
          <h2 class="triage__title" id={`triage-${id}`}>
            Triage
          </h2>
          <TriageSignals type={c.type} priority={c.priority} triage={c.triage} />
        </section>
      </div>
      <div
        class="transcript"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
        }}
      >
        <ol class="entries" aria-label="Transcript">
          {c.messages.map((m) => (
            <Entry key={m.id} message={m} me={me} />
          ))}
          {c.pending.map((p) => (
            <li key={p.clientId} class="entry entry--agent entry--pending">
              <p class="entry__head">
                <span class="entry__who">You (agent)</span>
                {p.failed ? (
                  <span>
                    Not sent.{' '}
                    <button type="button" class="link" onClick={() => retryReply(id, p.clientId)}>
                      Retry
                    </button>
                  </span>
                ) : (
                  <span>Sending…</span>
                )}
              </p>
              <p class="entry__text">{p.text}</p>
            </li>
          ))}
        </ol>
        {c.customerTyping && <p class="typing">Customer is typing…</p>}
      </div>
      {c.error && (
        <p class="alert" role="alert">
          {c.error}
        </p>
      )}
      {c.state === 'closed' ? (
        <Outcome c={c} />
      ) : (
        <div class="reply">
          {c.state === 'agent' ? (
            <form
              class="reply__form"
              onSubmit={(e) => {
                e.preventDefault();
                submit();
              }}
            >
              <label for={`reply-${id}`} class="reply__label">
                Reply
              </label>
              <textarea
                id={`reply-${id}`}
                rows={3}
                placeholder="Enter sends, Shift+Enter starts a new line"
                value={text}
                aria-invalid={length > MESSAGE_MAX_LENGTH}
                onInput={(e) => {
                  update(e.currentTarget.value);
                  noteTyping(id);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                    e.preventDefault();
                    submit();
                  }
                }}
              />
              {length > MESSAGE_MAX_LENGTH - 200 && (
                <p class={length > MESSAGE_MAX_LENGTH ? 'count count--over' : 'count'}>
                  {length} / {MESSAGE_MAX_LENGTH} characters
                </p>
              )}
              <div class="reply__actions">
                <button type="submit" class="primary">
                  Send
                </button>
                <button
                  type="button"
                  class="danger"
                  disabled={c.closing}
                  onClick={() => closeConversation(id)}
                >
                  Close conversation
                </button>
              </div>
            </form>
          ) : (
            <p class="muted">
              {c.state === 'queued' ? 'Back in the queue.' : 'The assistant is handling this conversation.'}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
