// The agent console's state, held in signals outside the components. Components read these; agent-session.ts
// writes them from server events, acks and HTTP answers.
import { signal } from '@preact/signals';
import type {
  AgentIdentity,
  ConversationState,
  HandoffBrief,
  InteractionType,
  Message,
  Note,
  PresenceStatus,
  Priority,
  QueueItem,
  TriageView,
} from '../../shared/protocol.ts';

export type LinkStatus = 'idle' | 'connecting' | 'online' | 'offline';
/** The console's pages: the chat desk at /console/, Quality at /console/quality, Admin at /console/admin. */
export type ConsolePage = 'chats' | 'quality' | 'admin';

/** A reply the server has not acknowledged yet. */
export interface PendingReply {
  clientId: string;
  text: string;
  /** Refused for a reason worth retrying; shown with a Retry button. */
  failed?: boolean;
}

/** A conversation this agent holds (one tab). */
export interface HeldConversation {
  conversationId: string;
  /** The handoff summary as plain text; shown only when `brief` is missing (an older server). */
  summary: string;
  /** The handoff summary in parts, or null when the server sent none. */
  brief: HandoffBrief | null;
  /** What triage made of it when it was assigned: null type until triage has judged it. */
  type: InteractionType | null;
  priority: Priority;
  triage: TriageView | null;
  /** Sorted by seq, one per id; includes the AI part of the conversation. */
  messages: Message[];
  state: ConversationState;
  pending: PendingReply[];
  customerTyping: boolean;
  unread: number;
  csat: { score: number; comment?: string } | null;
  closing: boolean;
  error: string | null;
  /** Internal notes, oldest first: agents only, never shown to the customer. */
  notes: Note[];
  /** Set once this agent transferred it away: "Kim", or "the Billing dispute group". */
  transferredTo: string | null;
}

export const TOKEN_KEY = 'tandem:agent-token';

function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export const token = signal<string | null>(storedToken());
export const agent = signal<AgentIdentity | null>(null);
export const presence = signal<{ status: PresenceStatus; capacity: number } | null>(null);
export const link = signal<LinkStatus>('idle');
/** Shown on the sign-in form (why the agent is back there), or null. */
export const signInNotice = signal<string | null>(null);
/** Shown in the header: a presence change the server refused, or null. */
export const headerError = signal<string | null>(null);

export const queue = signal<QueueItem[]>([]);
/** Date.now() when `queue` arrived; waited times count on from it. */
export const queueReceivedAt = signal(0);
export const queueError = signal<string | null>(null);
export const accepting = signal<readonly string[]>([]);

export const conversations = signal<HeldConversation[]>([]);
export const selectedId = signal<string | null>(null);
/** Ticks every few seconds so waited times move between queue updates. */
export const now = signal(Date.now());

/** The page a URL path shows: /console/quality is the Quality page, /console/admin Admin, anything else the desk. */
export function pageOfPath(path: string): ConsolePage {
  if (/\/admin\/?$/.test(path)) return 'admin';
  return /\/quality\/?$/.test(path) ? 'quality' : 'chats';
}

export const page = signal<ConsolePage>(pageOfPath(location.pathname));

const PAGE_PATHS: Record<ConsolePage, string> = { chats: '/console/', quality: '/console/quality', admin: '/console/admin' };

/** The address of a page, for links (so a reload or a new tab opens the same page). */
export function pathOfPage(p: ConsolePage): string {
  return PAGE_PATHS[p];
}

function showPage(p: ConsolePage): void {
  page.value = p;
  // Back on the desk, the open conversation's messages are read now.
  if (p === 'chats' && selectedId.value) selectConversation(selectedId.value);
}

/** Shows another page and puts it in the address bar and the history (Back comes back here). */
export function navigate(p: ConsolePage): void {
  if (page.value === p) return;
  history.pushState(null, '', PAGE_PATHS[p]);
  showPage(p);
}

/** Shows the page of the address bar (after Back or Forward). */
export function followAddress(): void {
  showPage(pageOfPath(location.pathname));
}

/** `current` with `incoming` merged in: one message per id (the later copy wins), sorted by seq. */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function findConversation(conversationId: string): HeldConversation | undefined {
  return conversations.value.find((c) => c.conversationId === conversationId);
}

/** Replaces one held conversation by what `change` makes of it. */
export function updateConversation(conversationId: string, change: (c: HeldConversation) => HeldConversation): void {
  conversations.value = conversations.value.map((c) => (c.conversationId === conversationId ? change(c) : c));
}

export function selectConversation(conversationId: string): void {
  selectedId.value = conversationId;
  updateConversation(conversationId, (c) => (c.unread ? { ...c, unread: 0 } : c));
}

/** Removes a closed conversation's tab, selecting a neighbour if it was the selected one. */
export function dismissConversation(conversationId: string): void {
  const list = conversations.value;
  const index = list.findIndex((c) => c.conversationId === conversationId);
  const rest = list.filter((c) => c.conversationId !== conversationId);
  conversations.value = rest;
  if (selectedId.value === conversationId) {
    const next = rest[Math.min(index, rest.length - 1)];
    if (next) selectConversation(next.conversationId);
    else selectedId.value = null;
  }
}

/** A short name for a conversation: the start of the customer's first message. */
export function conversationTitle(c: HeldConversation): string {
  const first = c.messages.find((m) => m.from === 'customer');
  if (!first) return `Conversation ${c.conversationId.slice(0, 6)}`;
  const flat = first.text.replace(/\s+/g, ' ').trim();
  return flat.length > 32 ? `${flat.slice(0, 31)}…` : flat;
}

/** "under a minute", "1 min", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long a queue item has waited by now. */
export function waitedSeconds(item: QueueItem): number {
  return item.waitedSeconds + Math.max(0, (now.value - queueReceivedAt.value) / 1000);
}

/** Resets everything that belongs to a signed-in agent. */
export function clearSession(): void {
  agent.value = null;
  presence.value = null;
  link.value = 'idle';
  headerError.value = null;
  queue.value = [];
  queueError.value = null;
  accepting.value = [];
  conversations.value = [];
  selectedId.value = null;
}

/** The conversation to close with the disposition and type beside its button (a keyboard shortcut asks; CloseControls closes it and resets this). */
export const closeRequest = signal<string | null>(null);
