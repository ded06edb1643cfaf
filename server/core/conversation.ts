// The conversation lifecycle as an append-only event log (after Rasa's tracker): every command is a pure
// decision over the current conversation that returns the events to append, or refuses with a DomainError.
// `evolve` folds an event into the conversation; the store keeps both the log and the folded projection.
// ai → queued → agent → closed; a conversation may also close from ai or queued (the customer leaves), and a
// transfer moves it from one agent to another, or back to the queue for a skill group.
import type { ConversationState, ErrorCode, InteractionType, Priority, Sender, ShopIdentity } from '../../shared/protocol.ts';
import { isoNow, type Clock } from './clock.ts';
import { higherPriority } from './queue.ts';
import type { TriageRecord } from './triage/triage.ts';
import { sameMemory, type AssistantMemory } from './assistant-memory.ts';
import { maskSecrets } from './secrets.ts';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import { systemWords, SYSTEM_WORDS } from './system-words.ts';
import type { UnreadLanguage } from './triage/language.ts';

export type { TriageRecord, AssistantMemory };

/** A message as the core creates it; the store gives it its seq. */
export interface NewMessage {
  id: string;
  from: Sender;
  text: string;
  clientId?: string;
  /** Agent id and display name, for agent messages. */
  authorId?: string;
  author?: string;
}

/**
 * `control`: the conversation fell in the control group, a random share of the AI's chats served by people.
 * `language`: the customer writes a language the assistant and triage do not read (triage/language.ts).
 */
export type HandoffTrigger = 'customer_button' | 'customer_request' | 'ai_unsure' | 'policy' | 'control' | 'language';

const TRIGGER_REASON: Record<HandoffTrigger, string> = {
  customer_button: 'The customer pressed "Talk to a person".',
  customer_request: 'The customer asked for a person.',
  ai_unsure: 'The assistant could not answer confidently.',
  policy: 'The escalation policy sent it to a person.',
  control: 'Control group: a person serves a small random share of the chats the AI would keep, to measure both fairly.',
  language: 'The customer writes a language the assistant and triage do not read.',
};
export type Closer = 'customer' | 'agent' | 'system';

export type ConversationEvent =
  /**
   * `identity`: the customer was signed in at the shop (a verified token); the conversation stays theirs.
   * `language`: the language tag the customer's widget spoke when it opened ("de"); absent: English assumed.
   */
  | { type: 'opened'; at: string; identity?: ShopIdentity; language?: string }
  | { type: 'message'; at: string; message: NewMessage }
  | { type: 'handoff_requested'; at: string; trigger: HandoffTrigger; reason: string }
  | { type: 'assigned'; at: string; agentId: string; agentName: string }
  | { type: 'requeued'; at: string; reason: string }
  | { type: 'closed'; at: string; by: Closer; disposition?: string; label?: InteractionType }
  | { type: 'rated'; at: string; score: number; comment?: string }
  | { type: 'triaged'; at: string; messageId: string; decision: TriageRecord }
  | { type: 'assistant_noted'; at: string; memory: AssistantMemory }
  /** an agent's internal note: in the log like everything else, but never a message, so never the customer's */
  | { type: 'noted'; at: string; note: NoteRecord }
  /** the holder passed the conversation on: straight to another agent, or back to the queue for a skill group */
  | { type: 'transferred'; at: string; from: { agentId: string; agentName: string }; to: TransferTarget; note?: string };

/** An internal note as the log keeps it. */
export interface NoteRecord {
  id: string;
  text: string;
  authorId: string;
  author: string;
  /** the console's idempotency key: the same clientId twice stores one note */
  clientId?: string;
}

/** Where a transfer sends a conversation. */
export type TransferTarget = { agentId: string; agentName: string } | { skill: InteractionType };

/** The latest transfer of a conversation, kept on it: a skill group restricts who may take it from the queue. */
export interface TransferRecord {
  at: string;
  fromAgentId: string;
  fromAgentName: string;
  toAgentId?: string;
  toAgentName?: string;
  skill?: InteractionType;
  note?: string;
}

export interface Conversation {
  id: string;
  state: ConversationState;
  /** Count of events applied; the store appends only onto the version it read (optimistic concurrency). */
  version: number;
  createdAt: string;
  updatedAt: string;
  type: InteractionType | null;
  priority: Priority;
  queuedAt: string | null;
  handoffReason: string | null;
  agentId: string | null;
  agentName: string | null;
  closedAt: string | null;
  closedBy: Closer | null;
  rating: { score: number; comment?: string } | null;
  /** What triage has seen so far: the latest decision and the sentiment of every customer turn. */
  triage: TriageSummary | null;
  /** What the AI knows and has done in this conversation (verified customer, open flow, steps). */
  assistant: AssistantMemory | null;
  /** The latest transfer between agents, or null; its skill limits who may take the conversation while queued. */
  transfer: TransferRecord | null;
  /** The customer's language as their widget said when the conversation opened ("de"); null: English assumed. */
  language: string | null;
}

export interface TriageSummary {
  latest: TriageRecord;
  /** the reasons of the decision that sent the conversation to people, kept for the agent */
  handoffReasons: string[] | null;
  /** sentiment of each customer turn, oldest first (the last 20) */
  sentiments: number[];
}

/** Everything a decision needs from the outside world. */
export interface CoreContext {
  clock: Clock;
  newId: () => string;
}

/** A refusal the caller shows to the person who asked, with a protocol error code. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
  }
}

/** The conversation before any event. */
export function blankConversation(id: string, at: string): Conversation {
  return {
    id,
    state: 'ai',
    version: 0,
    createdAt: at,
    updatedAt: at,
    type: null,
    priority: 'normal',
    queuedAt: null,
    handoffReason: null,
    agentId: null,
    agentName: null,
    closedAt: null,
    closedBy: null,
    rating: null,
    triage: null,
    assistant: null,
    transfer: null,
    language: null,
  };
}

/** Fold one event into the conversation. */
export function evolve(conversation: Conversation, event: ConversationEvent): Conversation {
  const next = { ...conversation, version: conversation.version + 1, updatedAt: event.at };
  switch (event.type) {
    case 'opened':
      return event.language ? { ...next, language: event.language } : next;
    case 'message':
      return next;
    case 'handoff_requested':
      return { ...next, state: 'queued', queuedAt: event.at, handoffReason: event.reason };
    case 'assigned':
      return { ...next, state: 'agent', agentId: event.agentId, agentName: event.agentName };
    case 'requeued':
      // queuedAt stays: the chat goes back ahead of everyone who came after it.
      return { ...next, state: 'queued', agentId: null, agentName: null };
    case 'closed':
      return { ...next, state: 'closed', closedAt: event.at, closedBy: event.by, type: event.label ?? next.type };
    case 'rated':
      return { ...next, rating: event.comment ? { score: event.score, comment: event.comment } : { score: event.score } };
    case 'triaged':
      return withTriage(next, event.decision);
    case 'assistant_noted':
      return { ...next, assistant: event.memory };
    case 'noted':
      return next;
    case 'transferred':
      return withTransfer(next, event);
  }
}

/** A transfer moves the conversation to its new holder, or back to the queue keeping its place (queuedAt). */
function withTransfer(conversation: Conversation, event: Extract<ConversationEvent, { type: 'transferred' }>): Conversation {
  const transfer: TransferRecord = { at: event.at, fromAgentId: event.from.agentId, fromAgentName: event.from.agentName };
  if (event.note) transfer.note = event.note;
  if ('skill' in event.to) {
    transfer.skill = event.to.skill;
    return { ...conversation, state: 'queued', agentId: null, agentName: null, queuedAt: conversation.queuedAt ?? event.at, transfer };
  }
  transfer.toAgentId = event.to.agentId;
  transfer.toAgentName = event.to.agentName;
  return { ...conversation, state: 'agent', agentId: event.to.agentId, agentName: event.to.agentName, transfer };
}

/**
 * A triage decision updates the summary. While the AI holds the conversation or it waits in the queue, the
 * type follows the latest in-scope turn that is not a mere answer to the assistant, and the priority only
 * ever rises (a fraud report in the queue jumps ahead; calming down does not send anyone back).
 */
function withTriage(conversation: Conversation, decision: TriageRecord): Conversation {
  const previous = conversation.triage;
  // A turn triage did not read (a language it does not serve) has no measured sentiment.
  const sentiments = decision.language ? (previous?.sentiments ?? []) : [...(previous?.sentiments ?? []), decision.sentiment].slice(-20);
  const open = conversation.state === 'ai' || conversation.state === 'queued';
  // the reasons of the decision that sends the conversation to people (or the first one made while it waits)
  const sendsToPeople = decision.route === 'human' && open && !previous?.handoffReasons;
  return {
    ...conversation,
    type: open && decision.type && !decision.outOfScope && !decision.answersAssistant ? decision.type : conversation.type,
    priority: open && decision.route === 'human' ? higherPriority(conversation.priority, decision.priority) : conversation.priority,
    triage: {
      latest: decision,
      handoffReasons: sendsToPeople ? decision.reasons : (previous?.handoffReasons ?? null),
      sentiments,
    },
  };
}

/** Record a triage decision about the customer's message `messageId`. */
export function recordTriage(conversation: Conversation, ctx: CoreContext, messageId: string, decision: TriageRecord): ConversationEvent[] {
  if (conversation.state === 'closed') return [];
  return [{ type: 'triaged', at: isoNow(ctx.clock), messageId, decision }];
}

/** Fold a run of events. */
export function evolveAll(conversation: Conversation, events: readonly ConversationEvent[]): Conversation {
  return events.reduce(evolve, conversation);
}

function message(ctx: CoreContext, fields: Omit<NewMessage, 'id'>, id = ctx.newId()): ConversationEvent {
  return { type: 'message', at: isoNow(ctx.clock), message: { id, ...fields } };
}

/** The refusal to write into an ended conversation; in the customer's language for the customer's commands. */
function ended(language: string | null = null): DomainError {
  return new DomainError('invalid_state', systemWords(language).endedRefusal);
}

/**
 * A new conversation with the AI; `identity` when the shop vouched for who the customer is, `language` the tag
 * the customer's widget speaks (kept for the conversation's life: a resumed conversation keeps it).
 */
export function open(ctx: CoreContext, id: string, identity?: ShopIdentity, language?: string): { conversation: Conversation; events: ConversationEvent[] } {
  const at = isoNow(ctx.clock);
  const opened: ConversationEvent = { type: 'opened', at };
  if (identity) opened.identity = identity;
  if (language) opened.language = language;
  return { conversation: blankConversation(id, at), events: [opened] };
}

/** The shop identity a conversation was opened with (its first event), or null for an anonymous one. */
export function openedIdentity(events: readonly ConversationEvent[]): ShopIdentity | null {
  const first = events[0];
  return first?.type === 'opened' ? (first.identity ?? null) : null;
}

/**
 * Whether a customer token may resume a conversation: one opened for a signed-in shop user only by a handshake
 * carrying a verified token of the same user (a shared computer after logout must not show their chat).
 */
export function mayResume(opened: ShopIdentity | null, presented: ShopIdentity | null): boolean {
  return opened === null || presented?.userId === opened.userId;
}

/** The system message after a masked secret, in English (system-words.ts has every language). */
export const SECRETS_MASKED_TEXT = SYSTEM_WORDS.en.secretsMasked;

/**
 * The customer writes. Card numbers, passwords and codes are masked before anything is stored, and the
 * customer is told why, once per message that had one.
 */
export function customerSays(c: Conversation, ctx: CoreContext, input: { text: string; clientId: string }): ConversationEvent[] {
  if (c.state === 'closed') throw ended(c.language);
  const masked = maskSecrets(input.text);
  const events = [message(ctx, { from: 'customer', text: masked.text, clientId: input.clientId })];
  if (masked.found.length > 0) events.push(message(ctx, { from: 'system', text: systemWords(c.language).secretsMasked }));
  return events;
}

/**
 * The AI answers; silent (no events) once a person owns the conversation or it has ended. `id` is given when
 * the reply was already streamed to the customer under that id.
 */
export function aiSays(c: Conversation, ctx: CoreContext, text: string, id?: string): ConversationEvent[] {
  if (c.state !== 'ai') return [];
  return [message(ctx, { from: 'ai', text }, id)];
}

/**
 * Keep what the AI now knows and has done. Recorded in every state, because an action the AI took (a refund)
 * stays a fact even if a person took the conversation meanwhile; an unchanged memory appends nothing.
 */
export function noteAssistant(c: Conversation, ctx: CoreContext, memory: AssistantMemory): ConversationEvent[] {
  if (sameMemory(c.assistant, memory)) return [];
  return [{ type: 'assistant_noted', at: isoNow(ctx.clock), memory }];
}

/** Move the conversation to the queue for a person. Asking twice is harmless. */
export function requestHandoff(
  c: Conversation,
  ctx: CoreContext,
  input: { trigger: HandoffTrigger; reason?: string },
): ConversationEvent[] {
  if (c.state === 'closed') throw ended(c.language);
  if (c.state !== 'ai') return [];
  const reason = input.reason ?? TRIGGER_REASON[input.trigger];
  return [
    { type: 'handoff_requested', at: isoNow(ctx.clock), trigger: input.trigger, reason },
    message(ctx, { from: 'system', text: systemWords(c.language).queued }),
  ];
}

/**
 * A customer turn in a language the AI does not read (`unread`, from triage/language.ts; the caller finds it
 * from the conversation's language and the languages served): triage's record of the turn and, while the AI
 * still holds the conversation, the handoff to a person. Untyped and at normal priority, so any agent may take
 * it and nothing the models could not read raises it; the AI never answers it.
 */
export function handOffUnread(c: Conversation, ctx: CoreContext, messageId: string, unread: UnreadLanguage): ConversationEvent[] {
  const triaged = recordTriage(c, ctx, messageId, unread.record);
  if (c.state !== 'ai') return triaged;
  return [...triaged, ...requestHandoff(c, ctx, { trigger: 'language', reason: unread.reason })];
}

/**
 * An agent takes a queued conversation. Only one agent ever gets it. A conversation transferred to a skill
 * group goes only to an agent with that skill (`skills`, null: every type; not given: not checked).
 */
export function assign(
  c: Conversation,
  ctx: CoreContext,
  agent: { id: string; name: string; skills?: readonly InteractionType[] | null },
): ConversationEvent[] {
  if (c.state === 'agent' && c.agentId === agent.id) return [];
  if (c.state !== 'queued') {
    throw new DomainError('invalid_state', c.state === 'closed' ? 'This conversation has ended.' : 'This conversation is no longer waiting.');
  }
  const needed = c.transfer?.skill;
  if (needed && agent.skills && !agent.skills.includes(needed)) {
    throw new DomainError('forbidden', `${c.transfer!.fromAgentName} transferred this conversation to the ${TYPE_LABELS[needed]} group, and that is not one of your skills.`);
  }
  return [
    { type: 'assigned', at: isoNow(ctx.clock), agentId: agent.id, agentName: agent.name },
    message(ctx, { from: 'system', text: systemWords(c.language).joined(agent.name) }),
  ];
}

/**
 * Put a conversation back in the queue because its agent left (disconnected past the grace period). It keeps
 * its first place in the queue; the customer is told.
 */
export function requeue(c: Conversation, ctx: CoreContext, input: { agentId: string; reason: string }): ConversationEvent[] {
  if (c.state !== 'agent' || c.agentId !== input.agentId) return [];
  return [
    { type: 'requeued', at: isoNow(ctx.clock), reason: input.reason },
    message(ctx, { from: 'system', text: systemWords(c.language).agentLeft(c.agentName) }),
  ];
}

/** The assigned agent writes. */
export function agentSays(
  c: Conversation,
  ctx: CoreContext,
  agent: { id: string; name: string },
  input: { text: string; clientId: string },
): ConversationEvent[] {
  if (c.state === 'closed') throw ended();
  if (c.state !== 'agent' || c.agentId !== agent.id) {
    throw new DomainError('forbidden', 'You can write only in conversations assigned to you.');
  }
  // Agents are held to the same rule: no card number or password is ever stored.
  return [message(ctx, { from: 'agent', text: maskSecrets(input.text).text, clientId: input.clientId, authorId: agent.id, author: agent.name })];
}

/**
 * An internal note by the agent who holds the conversation: other agents who later take it read it, the
 * customer never does. Only the holder writes notes, so a note is always by someone who saw the conversation.
 */
export function addNote(
  c: Conversation,
  ctx: CoreContext,
  agent: { id: string; name: string },
  input: { text: string; clientId?: string },
): ConversationEvent[] {
  if (c.state === 'closed') throw new DomainError('invalid_state', 'This conversation has ended.');
  if (c.state !== 'agent' || c.agentId !== agent.id) {
    throw new DomainError('forbidden', 'You can add notes only to conversations assigned to you.');
  }
  // Masked like every message: a note is stored, and read by other people.
  const note: NoteRecord = { id: ctx.newId(), text: maskSecrets(input.text).text, authorId: agent.id, author: agent.name };
  if (input.clientId) note.clientId = input.clientId;
  return [{ type: 'noted', at: isoNow(ctx.clock), note }];
}

/**
 * The holder passes the conversation on with an optional note: to another agent (who must be free: the caller
 * checks presence, the store checks capacity), or back to the queue for a skill group, keeping its place.
 * The customer is told, honestly, that someone else will continue.
 */
export function transfer(
  c: Conversation,
  ctx: CoreContext,
  from: { id: string; name: string },
  input: { to: TransferTarget; note?: string },
): ConversationEvent[] {
  if (c.state === 'closed') throw ended();
  if (c.state !== 'agent' || c.agentId !== from.id) {
    throw new DomainError('forbidden', 'You can transfer only conversations assigned to you.');
  }
  if ('agentId' in input.to && input.to.agentId === from.id) {
    throw new DomainError('invalid_payload', 'This conversation is already yours: choose another agent or a group.');
  }
  const at = isoNow(ctx.clock);
  const moved: ConversationEvent = { type: 'transferred', at, from: { agentId: from.id, agentName: from.name }, to: input.to };
  const note = input.note?.trim();
  if (note) moved.note = maskSecrets(note).text;
  const words = systemWords(c.language);
  const told = 'agentId' in input.to ? words.transferredToAgent(input.to.agentName) : words.transferredToGroup;
  return [moved, message(ctx, { from: 'system', text: told })];
}

/** End the conversation. The customer may end it at any time; an agent only one assigned to them. */
export function close(
  c: Conversation,
  ctx: CoreContext,
  input: { by: Closer; agentId?: string; disposition?: string; label?: InteractionType },
): ConversationEvent[] {
  if (c.state === 'closed') return [];
  if (input.by === 'agent' && c.agentId !== input.agentId) {
    throw new DomainError('forbidden', 'You can close only conversations assigned to you.');
  }
  const closed: ConversationEvent = { type: 'closed', at: isoNow(ctx.clock), by: input.by };
  if (input.disposition) closed.disposition = input.disposition;
  if (input.label) closed.label = input.label;
  return [closed, message(ctx, { from: 'system', text: systemWords(c.language).ended })];
}

/** The customer rates the ended conversation, once. */
export function rate(c: Conversation, ctx: CoreContext, input: { score: number; comment?: string }): ConversationEvent[] {
  if (c.state !== 'closed') throw new DomainError('invalid_state', 'You can rate the conversation once it has ended.');
  if (c.rating) throw new DomainError('invalid_state', 'This conversation has already been rated.');
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new DomainError('invalid_payload', 'score must be a whole number from 1 to 5');
  }
  const rated: ConversationEvent = { type: 'rated', at: isoNow(ctx.clock), score: input.score };
  if (input.comment) rated.comment = input.comment;
  return [rated];
}
