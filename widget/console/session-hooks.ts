// What the console shell adds to the agent's socket: the limits an admin set (the most chats at once, the
// types), the agent's own skills now, and the notifications. agent-session.ts calls hookSession() before it
// registers its own listeners, so a handler here still sees the desk as it was before the event.
import { computed, signal } from '@preact/signals';
import type { Socket } from 'socket.io-client';
import type { AgentClientEvents, AgentLimits, AgentServerEvents, InteractionType, QueueItem } from '../../shared/protocol.ts';
import * as desk from './console-state.ts';
import { notifyAssigned, notifyMessage } from './notifications.ts';

/** What an admin allows this agent, or null until the server said. */
export const limits = signal<AgentLimits | null>(null);
/** The types this agent takes now (their presence); null: every type. */
export const skills = signal<InteractionType[] | null>(null);

let socket: Socket<AgentServerEvents, AgentClientEvents> | null = null;

/** Listens alongside agent-session.ts on a new socket (call it before that file's own listeners). */
export function hookSession(s: Socket<AgentServerEvents, AgentClientEvents>): void {
  socket = s;
  limits.value = null;
  skills.value = null;
  s.on('limits', (l) => (limits.value = l));
  s.on('me', (p) => (skills.value = p.skills));
  s.on('assigned', notifyAssigned);
  s.on('message', notifyMessage);
}

/** Sets the most chats at once, within the admin's limit; a refusal shows in the header. */
export function setCapacity(capacity: number): void {
  const s = socket;
  if (!s) return;
  desk.headerError.value = null;
  s.emit('presence', { status: desk.presence.value?.status ?? 'online', capacity }, (res) => {
    if (res.ok) desk.presence.value = { status: res.status, capacity: res.capacity };
    else desk.headerError.value = res.error.message;
  });
}

/** Conversations this agent holds and answers now (what counts against their capacity). */
export const active = computed(() => desk.conversations.value.filter((c) => c.state === 'agent' && !c.transferredTo).length);

/** The queue's chats this agent may take now, in queue order: within their skills, while they have a free slot. */
export const takeable = computed<QueueItem[]>(() => {
  const p = desk.presence.value;
  if (!p || active.value >= p.capacity) return [];
  const mine = skills.value;
  return desk.queue.value.filter((item) => {
    const needed = item.transfer?.skill ?? item.type;
    return mine === null || needed === null || mine.includes(needed);
  });
});
