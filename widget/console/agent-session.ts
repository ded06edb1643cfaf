// The console's links to the server: sign-in and sign-out over HTTP, then the /agent Socket.IO namespace.
// Server events and acks update the signals in console-state.ts.
import { batch } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import type {
  AgentClientEvents,
  AgentServerEvents,
  AgentSummary,
  ErrorBody,
  InteractionType,
  LoginResponse,
  Note,
  PresenceStatus,
} from '../../shared/protocol.ts';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import * as desk from './console-state.ts';
import type { PendingReply } from './console-state.ts';
import { clearQuality, noteAlarm } from './quality-state.ts';
import { hookSession } from './session-hooks.ts';

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

let socket: AgentSocket | null = null;
/** Conversations this agent accepted whose `assigned` has not arrived yet: select their tab when it does. */
const acceptedHere = new Set<string>();
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** `current` with `incoming` merged in: one note per id, oldest first. */
function mergeNotes(current: readonly Note[], incoming: readonly Note[]): Note[] {
  const byId = new Map(current.map((n) => [n.id, n]));
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at));
}

function saveToken(value: string | null): void {
  try {
    if (value) localStorage.setItem(desk.TOKEN_KEY, value);
    else localStorage.removeItem(desk.TOKEN_KEY);
  } catch {
    /* this tab only */
  }
  desk.token.value = value;
}

/** A random id for a reply; crypto.randomUUID exists only in secure contexts (https, localhost). */
function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Signs in; resolves with an error message to show, or null once signed in. */
export async function signIn(email: string, password: string): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    return 'Could not reach the server. Check your connection and try again.';
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: ErrorBody } | null)?.error;
    return error?.message ?? (res.status === 401 ? 'Wrong email or password.' : `Sign-in failed (HTTP ${res.status}).`);
  }
  const login = body as LoginResponse;
  batch(() => {
    desk.signInNotice.value = null;
    desk.agent.value = login.agent;
    saveToken(login.token);
  });
  connect();
  return null;
}

/** Tells the server to end the session, then forgets the token whatever it answered. */
export async function signOut(): Promise<void> {
  const token = desk.token.value;
  if (token) {
    await fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  }
  endSession(null);
}

function endSession(notice: string | null): void {
  socket?.disconnect();
  socket = null;
  acceptedHere.clear();
  batch(() => {
    saveToken(null);
    desk.clearSession();
    clearQuality();
    desk.signInNotice.value = notice;
  });
}

function emitReply(conversationId: string, p: PendingReply): void {
  socket?.emit('message', { conversationId, clientId: p.clientId, text: p.text }, (res) => {
    desk.updateConversation(conversationId, (c) =>
      res.ok
        ? {
            ...c,
            messages: desk.mergeMessages(c.messages, [res.message]),
            pending: c.pending.filter((x) => x.clientId !== p.clientId),
          }
        : {
            ...c,
            error: res.error.message,
            pending: c.pending.map((x) => (x.clientId === p.clientId ? { ...x, failed: true } : x)),
          },
    );
  });
}

/** Opens the /agent socket with the stored token (at start, and after signing in). */
export function connect(): void {
  const token = desk.token.value;
  if (!token) return;
  socket?.disconnect();
  const s: AgentSocket = io('/agent', { transports: ['websocket'], auth: { token } });
  socket = s;
  // Limits, skills and notifications (session-hooks.ts): first, so they see the desk as it was before each event.
  hookSession(s);
  desk.link.value = 'connecting';

  s.on('connect', () => {
    desk.link.value = 'online';
    // The server stores one message per clientId, so replies whose ack was lost can be sent again.
    for (const c of desk.conversations.value) for (const p of c.pending) if (!p.failed) emitReply(c.conversationId, p);
  });
  s.on('connect_error', (err) => {
    if (err.message === 'unauthorized') return endSession('Your session has ended. Please sign in again.');
    desk.link.value = 'offline';
    if (!s.active) setTimeout(() => socket === s && s.connect(), 5000);
  });
  s.on('disconnect', (reason) => {
    if (socket !== s) return;
    desk.link.value = reason === 'io client disconnect' ? 'idle' : 'offline';
    if (reason === 'io server disconnect') setTimeout(() => socket === s && s.connect(), 3000);
  });

  s.on('me', (p) =>
    batch(() => {
      desk.agent.value = p.agent;
      desk.presence.value = { status: p.status, capacity: p.capacity };
    }),
  );
  s.on('queue', ({ items }) =>
    batch(() => {
      desk.queue.value = items;
      desk.queueReceivedAt.value = Date.now();
      desk.now.value = Date.now();
    }),
  );
  s.on('assigned', (p) =>
    batch(() => {
      const held = desk.findConversation(p.conversationId);
      if (held) {
        desk.updateConversation(p.conversationId, (c) => {
          const messages = desk.mergeMessages(c.messages, p.messages);
          const stored = new Set(messages.map((m) => m.clientId));
          return {
            ...c,
            summary: p.summary,
            brief: p.brief ?? null,
            type: p.type,
            priority: p.priority,
            triage: p.triage ?? null,
            state: p.state,
            messages,
            pending: c.pending.filter((x) => !stored.has(x.clientId)),
            notes: mergeNotes(c.notes, p.notes ?? []),
            // Passed back to this agent after they had transferred it away.
            transferredTo: null,
          };
        });
      } else {
        desk.conversations.value = [
          ...desk.conversations.value,
          {
            conversationId: p.conversationId,
            summary: p.summary,
            brief: p.brief ?? null,
            type: p.type,
            priority: p.priority,
            triage: p.triage ?? null,
            messages: desk.mergeMessages([], p.messages),
            state: p.state,
            pending: [],
            customerTyping: false,
            unread: p.messages.filter((m) => m.from === 'customer').length,
            csat: null,
            closing: false,
            error: null,
            notes: mergeNotes([], p.notes ?? []),
            transferredTo: null,
          },
        ];
      }
      if (acceptedHere.delete(p.conversationId) || !desk.selectedId.value) desk.selectConversation(p.conversationId);
    }),
  );
  s.on('message', (m) => {
    const held = desk.findConversation(m.conversationId);
    if (!held) return;
    const isNew = !held.messages.some((x) => x.id === m.id);
    const seen = desk.page.value === 'chats' && desk.selectedId.value === m.conversationId && document.visibilityState === 'visible';
    desk.updateConversation(m.conversationId, (c) => ({
      ...c,
      messages: desk.mergeMessages(c.messages, [m]),
      pending: m.clientId ? c.pending.filter((x) => x.clientId !== m.clientId) : c.pending,
      customerTyping: m.from === 'customer' ? false : c.customerTyping,
      unread: c.unread + (isNew && !seen && m.from === 'customer' ? 1 : 0),
    }));
  });
  s.on('typing', ({ conversationId, active }) => {
    clearTimeout(typingTimers.get(conversationId));
    // A lost `active: false` must not leave "Customer is typing…" on screen for ever.
    if (active) typingTimers.set(conversationId, setTimeout(() => setCustomerTyping(conversationId, false), 20_000));
    setCustomerTyping(conversationId, active);
  });
  s.on('conversation', ({ conversationId, state, csat, transferredTo }) =>
    desk.updateConversation(conversationId, (c) => ({
      ...c,
      state,
      csat: csat ?? c.csat,
      customerTyping: state === 'closed' || transferredTo ? false : c.customerTyping,
      transferredTo: transferredTo ? transferredWords(transferredTo) : c.transferredTo,
    })),
  );
  s.on('note', (note) => desk.updateConversation(note.conversationId, (c) => ({ ...c, notes: mergeNotes(c.notes, [note]) })));
  s.on('alarm', noteAlarm);
}

function setCustomerTyping(conversationId: string, active: boolean): void {
  desk.updateConversation(conversationId, (c) => (c.customerTyping === active ? c : { ...c, customerTyping: active }));
}

export function setPresence(status: PresenceStatus): void {
  desk.headerError.value = null;
  socket?.emit('presence', { status }, (res) => {
    if (res.ok) desk.presence.value = { status: res.status, capacity: res.capacity };
    else desk.headerError.value = res.error.message;
  });
}

export function accept(conversationId: string): void {
  acceptedHere.add(conversationId);
  batch(() => {
    desk.queueError.value = null;
    desk.accepting.value = [...desk.accepting.value, conversationId];
  });
  socket?.emit('accept', { conversationId }, (res) => {
    batch(() => {
      desk.accepting.value = desk.accepting.value.filter((id) => id !== conversationId);
      if (!res.ok) {
        acceptedHere.delete(conversationId);
        desk.queueError.value = res.error.message;
      } else if (desk.findConversation(conversationId)) {
        acceptedHere.delete(conversationId);
        desk.selectConversation(conversationId);
      }
    });
  });
}

/** Shows the reply at once as pending and sends it. */
export function sendReply(conversationId: string, text: string): void {
  stopTyping(conversationId);
  const p: PendingReply = { clientId: newClientId(), text };
  desk.updateConversation(conversationId, (c) => ({ ...c, error: null, pending: [...c.pending, p] }));
  if (socket?.connected) emitReply(conversationId, p);
}

export function retryReply(conversationId: string, clientId: string): void {
  desk.updateConversation(conversationId, (c) => ({
    ...c,
    error: null,
    pending: c.pending.map((x) => (x.clientId === clientId ? { ...x, failed: false } : x)),
  }));
  const p = desk.findConversation(conversationId)?.pending.find((x) => x.clientId === clientId);
  if (p && socket?.connected) emitReply(conversationId, p);
}

/** "Kim", or "the Billing dispute group": where a conversation this agent transferred went. */
function transferredWords(to: { agent?: string; skill?: InteractionType }): string {
  if (to.agent) return to.agent;
  return to.skill ? `the ${TYPE_LABELS[to.skill]} group` : 'a colleague';
}

/** The answer of an acknowledged request: its payload, or the error's words. */
function request<K extends 'note' | 'transfer' | 'agents'>(
  event: K,
  payload: Parameters<AgentClientEvents[K]>[0],
): Promise<{ ok: true; value: Parameters<Parameters<AgentClientEvents[K]>[1]>[0] & { ok: true } } | { ok: false; error: string }> {
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: 'Not connected to the server. Try again in a moment.' });
  return new Promise((resolve) => {
    // One emit signature per event; the casts only bridge the generic K.
    (s.timeout(10_000).emit as (e: string, p: unknown, cb: (err: Error | null, res: { ok: boolean; error?: ErrorBody }) => void) => void)(
      event,
      payload,
      (err, res) => {
        if (err) resolve({ ok: false, error: 'The server did not answer. Try again.' });
        else if (!res.ok) resolve({ ok: false, error: res.error?.message ?? 'Refused.' });
        else resolve({ ok: true, value: res as never });
      },
    );
  });
}

/** Adds an internal note; resolves null once stored (it arrives as a `note` too), or the error to show. */
export async function addNote(conversationId: string, text: string): Promise<string | null> {
  const result = await request('note', { conversationId, clientId: newClientId(), text });
  if (!result.ok) return result.error;
  const { note } = result.value;
  desk.updateConversation(conversationId, (c) => ({ ...c, notes: mergeNotes(c.notes, [note]) }));
  return null;
}

/** Passes a conversation to another agent or a skill group; resolves null when done, or the error to show. */
export async function transferConversation(
  conversationId: string,
  to: { agentId: string } | { skill: InteractionType },
  note: string,
): Promise<string | null> {
  stopTyping(conversationId);
  const result = await request('transfer', note.trim() ? { conversationId, to, note } : { conversationId, to });
  if (!result.ok) return result.error;
  const { transfer } = result.value;
  const where = transfer.toAgent ? { agent: transfer.toAgent } : transfer.skill ? { skill: transfer.skill } : {};
  desk.updateConversation(conversationId, (c) => ({ ...c, state: result.value.state, customerTyping: false, transferredTo: transferredWords(where) }));
  return null;
}

/** The agents one may transfer to, as presence knows them now; or the error to show. */
export async function listAgents(): Promise<AgentSummary[] | string> {
  const result = await request('agents', {});
  return result.ok ? result.value.agents : result.error;
}

/** Ends a conversation with how it ended and its corrected interaction type (both optional). */
export function closeConversation(conversationId: string, outcome: { disposition?: string; label?: InteractionType } = {}): void {
  stopTyping(conversationId);
  desk.updateConversation(conversationId, (c) => ({ ...c, closing: true, error: null }));
  socket?.emit('close', { conversationId, ...outcome }, (res) => {
    desk.updateConversation(conversationId, (c) =>
      res.ok
        ? { ...c, closing: false, state: 'closed', customerTyping: false }
        : { ...c, closing: false, error: res.error.message },
    );
  });
}

// Agent typing: `active: true` at most every few seconds while keys are pressed, `false` after 2 s idle or on send.
const typingSentAt = new Map<string, number>();
const idleTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** The agent pressed a key in the Reply textbox of this conversation. */
export function noteTyping(conversationId: string): void {
  if (!socket?.connected) return;
  const now = Date.now();
  if (now - (typingSentAt.get(conversationId) ?? 0) > 4000) {
    socket.emit('typing', { conversationId, active: true });
    typingSentAt.set(conversationId, now);
  }
  clearTimeout(idleTimers.get(conversationId));
  idleTimers.set(
    conversationId,
    setTimeout(() => stopTyping(conversationId), 2000),
  );
}

function stopTyping(conversationId: string): void {
  clearTimeout(idleTimers.get(conversationId));
  if (!typingSentAt.delete(conversationId)) return;
  socket?.emit('typing', { conversationId, active: false });
}
