// One held conversation: the handoff summary (HandoffSummary.tsx) beside triage's signals, the whole transcript
// (the AI part too) with the agents' internal notes between the messages, and the composer: "Reply" to the
// customer or "Internal note" for agents only, canned replies, "Transfer" and "Close conversation" (each a
// dialog); once closed, the customer's rating when it comes, and "Dismiss"; once transferred, where it went.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Message, Note } from '../../shared/protocol.ts';
import { CANNED_VARIABLES, type FilledReply } from '../../shared/canned-replies.ts';
import { agent, dismissConversation, type HeldConversation } from './console-state.ts';
import { addNote, noteTyping, retryReply, sendReply } from './agent-session.ts';
import { HandoffSummary } from './HandoffSummary.tsx';
import { TriageSignals } from './TriageSignals.tsx';
import { CannedReplyPicker } from './CannedReplyPicker.tsx';
import { CloseControls } from './CloseControls.tsx';
import { TransferDialog } from './TransferDialog.tsx';
import { SHORTCUTS, withKeys } from './shortcuts.ts';

/** Same as MESSAGE_MAX_LENGTH in shared/protocol.ts; repeated to keep zod out of the console bundle. */
const MESSAGE_MAX_LENGTH = 2000;
/** Unsent replies and notes per conversation, kept while the agent switches tabs. */
const drafts = new Map<string, string>();
const noteDrafts = new Map<string, string>();
/** Reply or Internal note, per conversation, kept while the agent switches tabs. */
const modes = new Map<string, Mode>();
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const PLACEHOLDERS = Object.values(CANNED_VARIABLES);

type Mode = 'reply' | 'note';

function author(m: Message, me: string | undefined): string {
  if (m.from === 'customer') return 'Customer';
  if (m.from === 'ai') return 'Assistant';
  if (m.from === 'system') return 'System';
  return !m.author || m.author === me ? 'You (agent)' : `${m.author} (agent)`;
}

function Time({ at }: { at: string }) {
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? null : <time dateTime={at}>{timeFormat.format(time)}</time>;
}

function Entry({ message, me }: { message: Message; me: string | undefined }) {
  return (
    <li class={`entry entry--${message.from}`}>
      <p class="entry__head">
        <span class="entry__who">{author(message, me)}</span>
        <Time at={message.at} />
      </p>
      <p class="entry__text">{message.text}</p>
    </li>
  );
}

/** An internal note: marked in words (not colour alone) as never sent to the customer. */
function NoteEntry({ note, me }: { note: Note; me: string | undefined }) {
  return (
    <li class="entry entry--note">
      <p class="entry__head">
        <span class="entry__kind">Internal note</span>
        <span class="entry__who">{note.author === me ? 'You' : note.author}</span>
        <Time at={note.at} />
        <span class="entry__private">not sent to the customer</span>
      </p>
      <p class="entry__text">{note.text}</p>
    </li>
  );
}

/** Messages and notes in one list by time; a note goes after the messages of the same instant. */
function timeline(messages: readonly Message[], notes: readonly Note[]): ({ kind: 'message'; message: Message } | { kind: 'note'; note: Note })[] {
  const out: ({ kind: 'message'; message: Message } | { kind: 'note'; note: Note })[] = [];
  let n = 0;
  for (const message of messages) {
    while (n < notes.length && notes[n]!.at < message.at) out.push({ kind: 'note', note: notes[n++]! });
    out.push({ kind: 'message', message });
  }
  while (n < notes.length) out.push({ kind: 'note', note: notes[n++]! });
  return out;
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

/** Shown to the agent who passed the conversation on. */
function Transferred({ c }: { c: HeldConversation }) {
  return (
    <div class="outcome">
      <p class="outcome__state">Transferred to {c.transferredTo}.</p>
      <p class="muted">You no longer hold this conversation; your notes went with it.</p>
      <button type="button" class="secondary" onClick={() => dismissConversation(c.conversationId)}>
        Dismiss
      </button>
    </div>
  );
}

/** `column`: shown side by side with others (SideBySide.tsx, which names it), not as the tabs' one panel. */
export function ConversationView({ conversation: c, column = false }: { conversation: HeldConversation; column?: boolean }) {
  const id = c.conversationId;
  const [text, setText] = useState(drafts.get(id) ?? '');
  const [noteText, setNoteText] = useState(noteDrafts.get(id) ?? '');
  const [mode, setModeState] = useState<Mode>(modes.get(id) ?? 'reply');
  const [dialog, setDialog] = useState<'transfer' | null>(null);
  const [picking, setPicking] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  const [noteError, setNoteError] = useState<string | null>(null);
  const [noting, setNoting] = useState(false);
  const me = agent.value?.name;
  const scroller = useRef<HTMLDivElement>(null);
  const replyBox = useRef<HTMLTextAreaElement>(null);
  const noteBox = useRef<HTMLTextAreaElement>(null);
  const atBottom = useRef(true);
  const length = text.trim().length;
  const holding = c.state === 'agent' && !c.transferredTo;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  });

  const setMode = (next: Mode) => {
    modes.set(id, next);
    setModeState(next);
    setPicking(false);
  };
  const update = (value: string) => {
    setText(value);
    if (value) drafts.set(id, value);
    else drafts.delete(id);
  };
  const updateNote = (value: string) => {
    setNoteText(value);
    if (value) noteDrafts.set(id, value);
    else noteDrafts.delete(id);
  };
  const submit = () => {
    const reply = text.trim();
    if (!reply || reply.length > MESSAGE_MAX_LENGTH) return;
    const blank = PLACEHOLDERS.find((p) => reply.includes(p));
    if (blank) {
      // A canned reply's variable the conversation did not know: never send it by accident.
      setHint(`Fill in ${blank} before sending.`);
      const at = text.indexOf(blank);
      replyBox.current?.focus();
      replyBox.current?.setSelectionRange(at, at + blank.length);
      return;
    }
    atBottom.current = true;
    setHint(null);
    sendReply(id, reply);
    update('');
  };
  const submitNote = async () => {
    const note = noteText.trim();
    if (!note || note.length > MESSAGE_MAX_LENGTH || noting) return;
    setNoting(true);
    setNoteError(null);
    const refused = await addNote(id, note);
    setNoting(false);
    if (refused) {
      setNoteError(refused);
      return;
    }
    atBottom.current = true;
    updateNote('');
    noteBox.current?.focus();
  };
  /** Puts a canned reply where the cursor is and selects its first blank, for the agent to fill in. */
  const insert = (filled: FilledReply) => {
    setPicking(false);
    const box = replyBox.current;
    const start = box?.selectionStart ?? text.length;
    const end = box?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + filled.text + text.slice(end);
    update(next);
    if (!box) return;
    box.value = next;
    box.focus();
    const first = filled.blanks[0];
    if (first) box.setSelectionRange(start + first.start, start + first.end);
    else box.setSelectionRange(start + filled.text.length, start + filled.text.length);
    const blanks = filled.blanks.map((b) => filled.text.slice(b.start, b.end));
    setHint(blanks.length ? `Fill in ${[...new Set(blanks)].join(' and ')}, then press Send.` : 'Inserted. Edit it if you like, then press Send.');
    noteTyping(id);
  };
  const closePicker = () => {
    setPicking(false);
    replyBox.current?.focus();
  };

  const switchKeys = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const next = mode === 'reply' ? 'note' : 'reply';
      setMode(next);
      document.getElementById(`mode-${next}-${id}`)?.focus();
    }
  };

  return (
    <div class="conversation" {...(column ? {} : { role: 'tabpanel', id: 'conversation-panel', 'aria-labelledby': `tab-${id}` })}>
      <div class="briefing">
        <HandoffSummary brief={c.brief} summary={c.summary} />
        <section class="triage" aria-labelledby={`triage-${id}`} tabIndex={0}>
          <h2 class="triage__title" id={`triage-${id}`}>
            Triage
          </h2>
          <TriageSignals type={c.type} priority={c.priority} triage={c.triage} />
        </section>
      </div>
      <div
        // While the picker covers its end, the transcript makes room, so the latest words stay in view above it.
        class={picking ? 'transcript transcript--picking' : 'transcript'}
        ref={scroller}
        // Scrollable, so reachable by keyboard (arrow keys scroll it once focused).
        tabIndex={0}
        role="region"
        aria-label="Messages and notes"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
        }}
      >
        <ol class="entries" aria-label="Transcript">
          {timeline(c.messages, c.notes).map((item) =>
            item.kind === 'message' ? (
              <Entry key={item.message.id} message={item.message} me={me} />
            ) : (
              <NoteEntry key={item.note.id} note={item.note} me={me} />
            ),
          )}
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
      {c.transferredTo ? (
        <Transferred c={c} />
      ) : c.state === 'closed' ? (
        <Outcome c={c} />
      ) : (
        <div class="reply">
          {c.state === 'agent' ? (
            <div class="composer">
              <CloseControls conversation={c} />
              <div class="composer__modes" role="tablist" aria-label="Write">
                <button
                  type="button"
                  role="tab"
                  id={`mode-reply-${id}`}
                  class="composer__mode"
                  aria-selected={mode === 'reply'}
                  aria-controls={`compose-${id}`}
                  tabIndex={mode === 'reply' ? 0 : -1}
                  onClick={() => setMode('reply')}
                  onKeyDown={switchKeys}
                >
                  Reply
                </button>
                <button
                  type="button"
                  role="tab"
                  id={`mode-note-${id}`}
                  class="composer__mode composer__mode--note"
                  aria-selected={mode === 'note'}
                  aria-controls={`compose-${id}`}
                  tabIndex={mode === 'note' ? 0 : -1}
                  onClick={() => setMode('note')}
                  onKeyDown={switchKeys}
                >
                  Internal note
                </button>
              </div>
              <div role="tabpanel" id={`compose-${id}`} aria-labelledby={`mode-${mode}-${id}`} class={`composer__panel composer__panel--${mode}`}>
                {mode === 'reply' ? (
                  <form
                    class="reply__form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      submit();
                    }}
                  >
                    {picking && <CannedReplyPicker conversation={c} onInsert={insert} onClose={closePicker} />}
                    <label for={`reply-${id}`} class="reply__label">
                      Reply
                    </label>
                    <textarea
                      ref={replyBox}
                      id={`reply-${id}`}
                      rows={2}
                      placeholder="Enter sends, Shift+Enter starts a new line, / at the start picks a canned reply"
                      value={text}
                      aria-invalid={length > MESSAGE_MAX_LENGTH}
                      aria-describedby={hint ? `reply-hint-${id}` : undefined}
                      onInput={(e) => {
                        update(e.currentTarget.value);
                        noteTyping(id);
                      }}
                      onKeyDown={(e) => {
                        if (e.key === '/' && e.currentTarget.value === '' && !e.ctrlKey && !e.metaKey && !e.altKey) {
                          e.preventDefault();
                          setPicking(true);
                        } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                          e.preventDefault();
                          submit();
                        }
                      }}
                    />
                    <p class="reply__hint" id={`reply-hint-${id}`} role="status">
                      {hint}
                    </p>
                    {length > MESSAGE_MAX_LENGTH - 200 && (
                      <p class={length > MESSAGE_MAX_LENGTH ? 'count count--over' : 'count'}>
                        {length} / {MESSAGE_MAX_LENGTH} characters
                      </p>
                    )}
                    <div class="reply__actions">
                      <div class="reply__group">
                        <button type="submit" class="primary" aria-keyshortcuts={SHORTCUTS.send.keys} title={withKeys('Send', 'send')}>
                          Send
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          id={`canned-toggle-${id}`}
                          aria-expanded={picking}
                          aria-controls={picking ? `canned-list-${id}` : undefined}
                          // The picker closes itself when focus leaves it; a click here must not reopen it.
                          onMouseDown={(e) => e.preventDefault()}
                          onClick={() => (picking ? closePicker() : setPicking(true))}
                        >
                          Canned replies
                        </button>
                      </div>
                      <ConversationActions id={id} open={dialog} onOpen={setDialog} />
                    </div>
                  </form>
                ) : (
                  <form
                    class="reply__form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void submitNote();
                    }}
                  >
                    <label for={`note-${id}`} class="reply__label">
                      Internal note
                    </label>
                    <textarea
                      ref={noteBox}
                      id={`note-${id}`}
                      class="note-box"
                      rows={2}
                      placeholder="Only agents see notes. Enter adds it, Shift+Enter starts a new line"
                      value={noteText}
                      aria-describedby={`note-hint-${id}`}
                      onInput={(e) => updateNote(e.currentTarget.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                          e.preventDefault();
                          void submitNote();
                        }
                      }}
                    />
                    <p class="reply__hint" id={`note-hint-${id}`}>
                      The customer never sees notes. Agents who take this conversation later do.
                    </p>
                    {noteError && (
                      <p class="alert" role="alert">
                        {noteError}
                      </p>
                    )}
                    <div class="reply__actions">
                      <div class="reply__group">
                        <button type="submit" class="primary primary--note" disabled={noting}>
                          Add note
                        </button>
                      </div>
                      <ConversationActions id={id} open={dialog} onOpen={setDialog} />
                    </div>
                  </form>
                )}
              </div>
            </div>
          ) : (
            <p class="muted">
              {c.state === 'queued' ? 'Back in the queue.' : 'The assistant is handling this conversation.'}
            </p>
          )}
        </div>
      )}
      {dialog === 'transfer' && holding && <TransferDialog conversation={c} onClose={() => setDialog(null)} />}
    </div>
  );
}

/**
 * "Transfer" opens its dialog. While the dialog is open the button is hidden behind it, so the dialog's own
 * "Transfer" is the only one with that name.
 */
function ConversationActions({ id, open, onOpen }: { id: string; open: 'transfer' | null; onOpen: (dialog: 'transfer') => void }) {
  return (
    <div class="reply__group">
      <button
        type="button"
        class={open === 'transfer' ? 'secondary behind-dialog' : 'secondary'}
        id={`transfer-${id}`}
        aria-haspopup="dialog"
        onClick={() => onOpen('transfer')}
      >
        Transfer
      </button>
    </div>
  );
}
