// The widget's link to the server's /customer namespace, and every action the customer can take.
// Server events and acks update the signals in conversation.ts; the token, the unacknowledged messages and
// whether the panel was open survive a reload through localStorage / sessionStorage.
import { batch } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import type {
  AckResult,
  ConversationState,
  CustomerClientEvents,
  CustomerRefusal,
  CustomerServerEvents,
  ErrorCode,
  Message,
  StatePayload,
} from '../../shared/protocol.ts';
import { PENDING_KEY, OPEN_KEY, read, TOKEN_KEY, VISITOR_KEY, write } from './browser-storage.ts';
import * as chat from './conversation.ts';
import type { PendingMessage } from './conversation.ts';
import { shopIdentity, tellPage } from './loader-link.ts';
import { language, type Notice } from './words.ts';

/** Same as MESSAGE_MAX_LENGTH in shared/protocol.ts; repeated so the widget bundle does not pull in zod. */
export const MESSAGE_MAX_LENGTH = 2000;

/** Refusals that retrying the same message cannot fix: drop it and tell the customer why. */
const FINAL_ERRORS: ReadonlySet<ErrorCode> = new Set(['too_long', 'invalid_payload', 'invalid_state']);
const ACK_TIMEOUT_MS = 10_000;
/** Refusals that pass (storage down for a moment, too many messages at once): sent again by themselves. */
const RETRY_LATER: ReadonlySet<ErrorCode> = new Set(['unavailable', 'rate_limited', 'internal']);
const AUTO_RETRIES = 6;
/** automatic resends so far, per clientId */
const retries = new Map<string, number>();
let retryNotice: Notice | null = null;
const COULD_NOT_REACH: Notice = (w) => w.couldNotReach;
/** Refusals said in the customer's language; any other refusal shows the server's own (English) words. */
const OUR_WORDS: Partial<Record<ErrorCode, Notice>> = { rate_limited: (w) => w.slowDown, unavailable: (w) => w.savingLater };
const refusal = (error: { code: ErrorCode; message: string }): Notice => OUR_WORDS[error.code] ?? error.message;

type CustomerSocket = Socket<CustomerServerEvents, CustomerClientEvents>;

let socket: CustomerSocket | null = null;
let serverOrigin = '';
/** Whether the handshake of the current connection carried `after` (then `session` holds only newer messages). */
let sentAfter = false;
/** A `session` arrived on the current connection, so messages can be sent straight away. */
let ready = false;
let refusedWithToken = false;

function setPending(list: PendingMessage[]): void {
  chat.pending.value = list;
  write('local', PENDING_KEY, list.length ? JSON.stringify(list) : null);
}

function loadPending(): PendingMessage[] {
  try {
    const parsed: unknown = JSON.parse(read('local', PENDING_KEY) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter((p): p is PendingMessage => typeof p?.clientId === 'string' && typeof p?.text === 'string')
      : [];
  } catch {
    return [];
  }
}

/** A random id for a new message; crypto.randomUUID exists only in secure contexts, so fall back on http pages. */
function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A random id kept per browser, so a customer who comes back about the same thing counts as a recontact. */
function visitorId(): string {
  let id = read('local', VISITOR_KEY);
  if (!id || id.length < 8 || id.length > 100) {
    id = newClientId();
    write('local', VISITOR_KEY, id);
  }
  return id;
}

/**
 * What the host page hears when the conversation moves on: only changes seen in this conversation, not the
 * state a reload or a new conversation starts from.
 */
function tellTransition(conversationId: string, from: ConversationState | null, to: ConversationState, agentBefore: string | null): void {
  if (from === null || from === 'closed') return;
  if (from === 'ai' && (to === 'queued' || to === 'agent')) tellPage('handedOff', { conversationId });
  const name = chat.agentName.value;
  if (to === 'agent' && name && (from !== 'agent' || name !== agentBefore)) tellPage('agentJoined', { conversationId, name });
  if (to === 'closed') tellPage('ended', { conversationId });
}

/** A new state; `sameConversation` when it follows one this page already showed (then the page hears of it). */
function applyState(p: StatePayload, sameConversation = true): void {
  const before = chat.state.value;
  const agentBefore = chat.agentName.value;
  chat.state.value = p.state;
  chat.queue.value = p.state === 'queued' ? (p.queue ?? null) : null;
  if (p.agent) chat.agentName.value = p.agent.name;
  else if (p.state === 'ai' || p.state === 'queued') chat.agentName.value = null;
  if (p.state === 'closed') {
    chat.typing.value = { ai: false, agent: false };
    chat.streaming.value = [];
  }
  const id = chat.conversationId.value;
  if (id && sameConversation) tellTransition(id, before, p.state, agentBefore);
}

function addMessages(list: readonly Message[]): void {
  chat.messages.value = chat.mergeMessages(chat.messages.value, list);
  const ids = new Set(list.map((m) => m.id));
  if (chat.streaming.value.some((s) => ids.has(s.id))) {
    chat.streaming.value = chat.streaming.value.filter((s) => !ids.has(s.id));
  }
  const stored = new Set(list.map((m) => m.clientId).filter(Boolean));
  if (chat.pending.value.some((p) => stored.has(p.clientId))) {
    setPending(chat.pending.value.filter((p) => !stored.has(p.clientId)));
  }
  // Until a `state` event names the agent, the author of their messages does.
  if (!chat.agentName.value && chat.state.value !== 'ai') {
    for (const m of list) if (m.from === 'agent' && m.author) chat.agentName.value = m.author;
  }
}

const typingTimers: Partial<Record<'ai' | 'agent', ReturnType<typeof setTimeout>>> = {};

function setTyping(from: 'ai' | 'agent', active: boolean): void {
  clearTimeout(typingTimers[from]);
  // A lost `active: false` must not leave "is typing…" on screen for ever.
  if (active) typingTimers[from] = setTimeout(() => setTyping(from, false), 20_000);
  if (chat.typing.value[from] !== active) chat.typing.value = { ...chat.typing.value, [from]: active };
}

function emitMessage(p: PendingMessage): void {
  socket?.emit('message', { clientId: p.clientId, text: p.text }, (res) => {
    batch(() => {
      if (res.ok) {
        retries.delete(p.clientId);
        // The trouble passed: its notice goes.
        if (retryNotice && chat.notice.value === retryNotice) chat.notice.value = null;
        const current = chat.conversationId.value;
        // An ack from before "Start a new conversation" belongs to the old transcript.
        if (current && res.message.conversationId !== current) {
          setPending(chat.pending.value.filter((x) => x.clientId !== p.clientId));
        } else addMessages([res.message]);
        return;
      }
      chat.notice.value = refusal(res.error);
      const tries = retries.get(p.clientId) ?? 0;
      if (FINAL_ERRORS.has(res.error.code)) setPending(chat.pending.value.filter((x) => x.clientId !== p.clientId));
      else if (RETRY_LATER.has(res.error.code) && tries < AUTO_RETRIES) {
        // Still pending, not failed: the same clientId goes again after 1, 2, 4… s (the server stores it once).
        retries.set(p.clientId, tries + 1);
        retryNotice = chat.notice.value;
        setTimeout(() => {
          const still = chat.pending.value.find((x) => x.clientId === p.clientId && !x.failed);
          if (still && socket?.connected && ready) emitMessage(still);
        }, Math.min(1000 * 2 ** tries, 30_000));
      } else setPending(chat.pending.value.map((x) => (x.clientId === p.clientId ? { ...x, failed: true } : x)));
    });
  });
}

function createSocket(): CustomerSocket {
  const s: CustomerSocket = io(`${serverOrigin}/customer`, {
    transports: ['websocket'],
    // A function, so every reconnect sends the current token and the last seq the client holds.
    auth: (cb) => {
      const token = read('local', TOKEN_KEY);
      const after = token ? chat.lastSeq() : undefined;
      sentAfter = after !== undefined;
      const visitor = visitorId();
      const identity = shopIdentity();
      // lang: the language a new conversation keeps (the server's words and the AI's reach follow it).
      const lang = language.value;
      const auth = token ? (sentAfter ? { token, after, visitor, lang } : { token, visitor, lang }) : { visitor, lang };
      cb(identity ? { ...auth, identity } : auth);
    },
  });

  s.on('session', (p) => {
    const same = p.conversationId === chat.conversationId.value;
    const merge = sentAfter && same;
    ready = true;
    refusedWithToken = false;
    write('local', TOKEN_KEY, p.token);
    batch(() => {
      if (!merge) chat.resetTranscript();
      chat.conversationId.value = p.conversationId;
      // Keep the queue position and agent name a resumed conversation already had; `state` events refresh them.
      if (!merge || p.state !== chat.state.value) applyState({ state: p.state }, same);
      chat.rated.value = p.rated === true;
      addMessages(p.messages);
      chat.connection.value = 'online';
    });
    // The server stores one message per clientId, so resending after a lost ack is safe.
    for (const pendingMessage of chat.pending.value) if (!pendingMessage.failed) emitMessage(pendingMessage);
  });

  s.on('message', (m) => {
    if (chat.conversationId.value && m.conversationId !== chat.conversationId.value) return;
    batch(() => {
      const isNew = !chat.messages.value.some((x) => x.id === m.id);
      addMessages([m]);
      if (m.from === 'ai' || m.from === 'agent') setTyping(m.from, false);
      if (isNew && m.from !== 'customer' && !chat.panelOpen.value) chat.unread.value++;
    });
  });

  s.on('message:delta', ({ id, delta }) => {
    if (chat.messages.value.some((m) => m.id === id)) return;
    const list = chat.streaming.value;
    chat.streaming.value = list.some((x) => x.id === id)
      ? list.map((x) => (x.id === id ? { id, text: x.text + delta } : x))
      : [...list, { id, text: delta }];
  });

  s.on('state', (p) => batch(() => applyState(p)));
  s.on('typing', ({ from, active }) => setTyping(from, active));

  s.on('connect_error', (error: Error & { data?: { message?: string; retryAfterSeconds?: number } }) => {
    ready = false;
    chat.connection.value = 'offline';
    if (s.active) return; // socket.io retries on its own
    const code = error.message as CustomerRefusal;
    // Refusals that say nothing against the conversation: keep its token.
    if (code === 'rate_limited') {
      chat.notice.value = (w) => w.tooManyConnections;
      setTimeout(() => s.connect(), (error.data?.retryAfterSeconds ?? 30) * 1000);
      return;
    }
    if (code === 'invalid_identity' || code === 'identity_not_configured') {
      chat.notice.value = (w) => w.signInFailed;
      return;
    }
    // The server refused the handshake: a token it no longer accepts is dropped once, for a fresh conversation.
    if (read('local', TOKEN_KEY) && !refusedWithToken) {
      refusedWithToken = true;
      write('local', TOKEN_KEY, null);
      s.connect();
    } else {
      chat.notice.value = (w) => w.unavailable;
    }
  });

  s.on('disconnect', (reason) => {
    ready = false;
    stopTyping(false);
    if (reason === 'io client disconnect') {
      chat.connection.value = 'idle';
      return;
    }
    chat.connection.value = 'offline';
    // After a server-side disconnect socket.io does not reconnect by itself.
    if (reason === 'io server disconnect') setTimeout(() => s.connect(), 3000);
  });

  return s;
}

/** Connects unless already connected or trying to. */
export function connect(): void {
  if (!socket) socket = createSocket();
  else if (socket.connected || socket.active) return;
  else socket.connect();
  chat.connection.value = chat.conversationId.value ? 'offline' : 'connecting';
}

/** A fresh handshake on the same conversation token, e.g. for a new shop identity (Tandem.identify). */
export function reconnect(): void {
  if (!socket) return; // the first connect reads the identity anyway
  chat.notice.value = null;
  socket.disconnect();
  socket.connect();
  chat.connection.value = chat.conversationId.value ? 'offline' : 'connecting';
}

/** Starts the widget: resumes a stored conversation at once and reopens the panel if it was open. */
export function startWidget(origin: string): void {
  serverOrigin = origin;
  chat.pending.value = loadPending();
  if (read('session', OPEN_KEY) === '1') chat.panelOpen.value = true;
  if (chat.panelOpen.value || read('local', TOKEN_KEY)) connect();
  // The browser says when the network goes and comes back: say so at once, and try again at once when it is
  // back instead of waiting out socket.io's growing delay.
  addEventListener('offline', () => {
    chat.browserOnline.value = false;
    // The link went with the network, though the socket may take half a minute of missed pings to notice:
    // drop it now, so a message written meanwhile shows as waiting instead of seeming to be on its way.
    socket?.io.engine?.close();
  });
  addEventListener('online', () => {
    chat.browserOnline.value = true;
    if (socket && !socket.connected) {
      socket.disconnect();
      socket.connect();
    }
  });
}

/** Shows the message at once as pending and sends it; false when there was nothing to send. */
export function sendMessage(raw: string): boolean {
  const text = raw.trim();
  if (!text) return false;
  if (text.length > MESSAGE_MAX_LENGTH) {
    chat.notice.value = (w) => w.tooLong(MESSAGE_MAX_LENGTH);
    return false;
  }
  stopTyping();
  const p: PendingMessage = { clientId: newClientId(), text, at: new Date().toISOString() };
  batch(() => {
    chat.notice.value = null;
    setPending([...chat.pending.value, p]);
  });
  // Not yet connected: the next `session` sends everything still pending.
  if (socket?.connected && ready) emitMessage(p);
  else connect();
  return true;
}

/** Sends a message again that the server refused for a reason worth retrying. */
export function retryMessage(clientId: string): void {
  setPending(chat.pending.value.map((p) => (p.clientId === clientId ? { ...p, failed: false } : p)));
  chat.notice.value = null;
  const p = chat.pending.value.find((x) => x.clientId === clientId);
  if (p && socket?.connected && ready) emitMessage(p);
  else connect();
}

type TimedSocket = ReturnType<CustomerSocket['timeout']>;
type Settle = (err: Error | null, res: AckResult) => void;

/** Sends one request whose ack may never come (a dropped link); resolves with the error to show, or null. */
function ask(send: (s: TimedSocket, settle: Settle) => void): Promise<Notice | null> {
  return new Promise((resolve) => {
    if (!socket?.connected) return resolve(COULD_NOT_REACH);
    send(socket.timeout(ACK_TIMEOUT_MS), (err, res) =>
      resolve(err ? COULD_NOT_REACH : res.ok ? null : refusal(res.error)),
    );
  });
}

/** The customer pressed "Talk to a person". */
export async function requestHandoff(): Promise<void> {
  chat.handoffBusy.value = true;
  const error = await ask((s, settle) => s.emit('handoff', { reason: 'customer_button' }, settle));
  batch(() => {
    chat.handoffBusy.value = false;
    chat.notice.value = error;
  });
}

/** The customer ends the conversation. */
export async function endConversation(): Promise<void> {
  stopTyping();
  chat.notice.value = await ask((s, settle) => s.emit('close', {}, settle));
}

/** Sends the rating; resolves with an error message to show, or null once the server has stored it. */
export async function sendRating(score: number, comment: string): Promise<Notice | null> {
  const trimmed = comment.trim();
  const error = await ask((s, settle) => s.emit('csat', trimmed ? { score, comment: trimmed } : { score }, settle));
  const conversationId = chat.conversationId.value;
  if (!error) {
    chat.rated.value = true;
    if (conversationId) tellPage('rated', { conversationId, score });
  }
  return error;
}

/** Forgets the token and everything shown, then connects again for a new conversation. */
export function startNewConversation(): void {
  write('local', TOKEN_KEY, null);
  batch(() => {
    chat.resetTranscript();
    chat.conversationId.value = null;
    chat.state.value = null;
    chat.rated.value = false;
    chat.notice.value = null;
    setPending([]);
  });
  if (socket) {
    socket.disconnect();
    socket.connect();
    chat.connection.value = 'connecting';
  } else connect();
}

// Typing: `active: true` at most every few seconds while keys are pressed, `active: false` after 2 s idle or on send.
let typingSentAt = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** The customer pressed a key in the Message textbox. */
export function noteTyping(): void {
  if (!socket?.connected || !ready || chat.state.value === 'closed') return;
  const now = Date.now();
  if (now - typingSentAt > 4000) {
    socket.emit('typing', { active: true });
    typingSentAt = now;
  }
  clearTimeout(idleTimer);
  idleTimer = setTimeout(stopTyping, 2000);
}

/** Tells the server the customer stopped typing (unless `tell` is false: the link is already gone). */
export function stopTyping(tell = true): void {
  clearTimeout(idleTimer);
  if (!typingSentAt) return;
  typingSentAt = 0;
  if (tell && socket?.connected) socket.emit('typing', { active: false });
}
