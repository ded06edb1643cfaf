// The wire protocol between the server, the customer widget and the agent console: the typed Socket.IO event
// maps and the zod schemas of every inbound payload. One edit here is a type error everywhere it matters.
// ../shared/CONTRACT.md sections 3 and 4 are the public form of this file; extend, never rename.
import { z } from 'zod';
import type { QualityAlarmView } from './quality.ts';

/** Longest message text accepted from a customer or an agent, in characters. */
export const MESSAGE_MAX_LENGTH = 2000;
/** Longest CSAT comment accepted. */
export const COMMENT_MAX_LENGTH = 1000;
/** Longest identity token accepted in the customer handshake (a signed JWT of a few claims is about 300). */
export const IDENTITY_MAX_LENGTH = 2000;
/** A language tag as the customer handshake takes it (BCP 47, loosely: "de", "sv-FI", "es-419"). */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

export const INTERACTION_TYPES = [
  'account_status',
  'standard_change',
  'billing_dispute',
  'policy_edge',
  'novel_product',
  'fraud_security',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export type Sender = 'customer' | 'ai' | 'agent' | 'system';
export type ConversationState = 'ai' | 'queued' | 'agent' | 'closed';
export type Priority = 'normal' | 'high' | 'urgent';
export type PresenceStatus = 'online' | 'away' | 'offline';

export interface Message {
  id: string;
  /** Order within the store: strictly increasing; a client resumes from the last seq it has. */
  seq: number;
  conversationId: string;
  from: Sender;
  text: string;
  /** ISO 8601. */
  at: string;
  clientId?: string;
  /** Display name of the agent who wrote it (agent messages only). */
  author?: string;
}

/** "A person will join within `seconds`", kept for `confidence` of customers (docs/WAITTIME.md). */
export interface WaitPromise {
  /** seconds from now, a value of the promise grid (15 s … 30 min) */
  seconds: number;
  /** the share of such promises that are kept, e.g. 0.9 */
  confidence: number;
  /** ISO 8601: when the promise falls due */
  deadline?: string;
}

export interface QueueInfo {
  position: number;
  promise: WaitPromise | null;
  /** Why there is no promise, in words a customer can read. */
  reason?: string;
  /** Set when the promise changed for the worse (moved later, or its time passed), in words a customer can read. */
  notice?: string;
}

export interface StatePayload {
  state: ConversationState;
  queue?: QueueInfo;
  agent?: { name: string };
}

export interface SessionPayload {
  token: string;
  conversationId: string;
  state: ConversationState;
  /** The whole history, or only what follows `auth.after` when the client sent it. */
  messages: Message[];
  /** True once the customer has rated this (closed) conversation. */
  rated?: boolean;
}

export type ErrorCode =
  | 'invalid_payload'
  | 'too_long'
  | 'not_found'
  | 'invalid_state'
  | 'forbidden'
  | 'unauthorized'
  | 'rate_limited'
  /** storage could not be reached: nothing was stored; send the same thing again (same clientId) later */
  | 'unavailable'
  | 'internal';

/**
 * Why a customer handshake was refused: the `message` of the client's `connect_error`; `data.message` says it
 * in words, and `data.retryAfterSeconds` comes with `rate_limited`.
 */
export type CustomerRefusal = 'invalid_auth' | 'rate_limited' | 'invalid_identity' | 'identity_not_configured' | 'internal';

/** Who the shop's own server says a signed-in customer is, from a token it signed (docs/SECURITY.md). */
export interface ShopIdentity {
  /** the shop's user id (the token's `sub`) */
  userId: string;
  email?: string;
  name?: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type AckResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = (result: AckResult<T>) => void;

// ---- inbound schemas (everything a client sends is parsed with one of these) ----

const text = z
  .string({ error: 'text must be a string' })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'text must not be empty')
      .max(MESSAGE_MAX_LENGTH, `text is longer than ${MESSAGE_MAX_LENGTH} characters`),
  );
const clientId = z.string().min(1).max(100);
const conversationId = z.string().min(1).max(100);

export const CustomerAuth = z.object({
  token: z.string().min(1).max(200).optional(),
  /** seq of the last message the client already has. */
  after: z.number().int().nonnegative().optional(),
  /** a random id the widget keeps per browser, so a customer who comes back is recognised (recontact) */
  visitor: z.string().min(8).max(100).optional(),
  /** a short-lived JWT the shop's server signed for a signed-in shop user (docs/SECURITY.md) */
  identity: z.string().min(1).max(IDENTITY_MAX_LENGTH).optional(),
  /** the language the widget speaks ("de"); a new conversation keeps it. Absent: English is assumed */
  lang: z.string().max(35).regex(LANGUAGE_TAG, 'lang must be a language tag such as "de" or "sv-FI"').optional(),
});

export const CustomerMessageInput = z.object({ clientId, text });
export const HandoffInput = z.object({ reason: z.string().max(200).optional() });
export const TypingInput = z.object({ active: z.boolean() });
export const CsatInput = z.object({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(COMMENT_MAX_LENGTH).optional(),
});
export const CloseInput = z.object({}).loose();
export const SyncInput = z.object({ after: z.number().int().nonnegative() });

export const AgentAuth = z.object({ token: z.string().min(1).max(200) });
export const LoginInput = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});
export const PresenceInput = z.object({
  status: z.enum(['online', 'away', 'offline']),
  capacity: z.number().int().min(1).max(20).optional(),
  /** the types this agent takes; null: every type */
  skills: z.array(z.enum(INTERACTION_TYPES)).min(1).max(INTERACTION_TYPES.length).nullable().optional(),
});
export const AcceptInput = z.object({ conversationId });
export const AgentMessageInput = z.object({ conversationId, clientId, text });
export const AgentTypingInput = z.object({ conversationId, active: z.boolean() });
export const AgentCloseInput = z.object({
  conversationId,
  disposition: z.string().max(100).optional(),
  label: z.enum(INTERACTION_TYPES).optional(),
});

/** `POST /api/quality/policy/:type`: the type in the path (the body is PolicyEditInput, below). */
export const InteractionTypeParam = z.enum(INTERACTION_TYPES);

// ---- event maps ----

export interface CustomerServerEvents {
  session: (payload: SessionPayload) => void;
  message: (message: Message) => void;
  'message:delta': (payload: { id: string; delta: string }) => void;
  state: (payload: StatePayload) => void;
  typing: (payload: { from: 'ai' | 'agent'; active: boolean }) => void;
}

export interface CustomerClientEvents {
  message: (payload: z.input<typeof CustomerMessageInput>, ack: Ack<{ message: Message }>) => void;
  handoff: (payload: z.input<typeof HandoffInput>, ack: Ack) => void;
  typing: (payload: z.input<typeof TypingInput>, ack?: Ack) => void;
  csat: (payload: z.input<typeof CsatInput>, ack: Ack) => void;
  close: (payload: z.input<typeof CloseInput>, ack: Ack) => void;
  /** Catch up: every message after `after`. */
  sync: (payload: z.input<typeof SyncInput>, ack: Ack<{ messages: Message[] }>) => void;
}

export interface QueueItem {
  conversationId: string;
  /** Interaction type once triage has judged it; null until then. */
  type: InteractionType | null;
  priority: Priority;
  waitedSeconds: number;
  promise: WaitPromise | null;
  /** seconds left until the promise falls due, when this item was sent (negative: overdue); null without one */
  dueInSeconds: number | null;
  /** The customer's latest words, for the agent to choose by. */
  preview: string;
  position: number;
  /** Triage's signals, so the agent sees risk and mood before accepting. */
  triage?: TriageView;
}

/** What an agent is shown of triage: why the chat came to people, the mood, and its course. */
export interface TriageView {
  /** the reasons of the decision that sent it to people (or the latest decision's) */
  reasons: string[];
  /** 0 calm, 1 frustrated, 2 distressed (latest turn) */
  distress: 0 | 1 | 2;
  /** sentiment −1..1 of each customer turn, oldest first (at most 20) */
  sentiments: number[];
  /** type confidence of the latest decision, 0..1 */
  confidence: number;
  /**
   * Set when triage did not read the customer's words: they write a language the assistant and triage do not
   * serve (TANDEM_AI_LANGUAGES). Type, mood and sentiment are then not measured.
   */
  unreadLanguage?: LanguageView;
}

/** A language as agents are shown it: the tag the customer's widget sent and its English name. */
export interface LanguageView {
  /** "de", "sv-FI" */
  tag: string;
  /** "German", "Swedish (Finland)" */
  name: string;
}

export interface AgentIdentity {
  id: string;
  name: string;
  role: 'agent' | 'admin';
}

/** One thing the AI did or found before the handoff. */
export interface AiStep {
  kind: 'verified' | 'lookup' | 'action' | 'declined' | 'failed';
  text: string;
}

/** The handoff summary, in parts, for the top of the agent's conversation view. */
export interface HandoffBrief {
  /** what the customer wants, one line */
  wants: string;
  /** who the customer proved to be (an order number with its email), when they did */
  customer?: { name: string; email: string };
  /** who the shop says the customer is: signed in at the shop, verified by the shop's signed token */
  signedIn?: ShopIdentity;
  /** what the AI did and found, oldest first: identity checked, orders looked up, actions taken or refused */
  aiSteps: AiStep[];
  /** why it came to a person: the trigger and triage's reasons */
  reasons: string[];
  /** mood, sentiment course, type and confidence, secrets masked */
  signals: string[];
  /** what the agent could do first */
  nextStep: string;
  /** the customer's language, when it is not English ("Language: German (de)") */
  language?: LanguageView;
}

export interface AssignedPayload {
  conversationId: string;
  /** the handoff summary as plain text (the same content as `brief`) */
  summary: string;
  brief: HandoffBrief;
  messages: Message[];
  state: ConversationState;
  type: InteractionType | null;
  priority: Priority;
  triage?: TriageView;
}

export interface AgentServerEvents {
  queue: (payload: { items: QueueItem[] }) => void;
  assigned: (payload: AssignedPayload) => void;
  message: (message: Message) => void;
  typing: (payload: { conversationId: string; from: 'customer'; active: boolean }) => void;
  /** A conversation this agent holds changed state (closed by the customer, rated, …). */
  conversation: (payload: ConversationUpdate) => void;
  me: (payload: { agent: AgentIdentity; status: PresenceStatus; capacity: number; skills: InteractionType[] | null }) => void;
  /** A quality alarm fired, or one changed (acknowledged): docs/QUALITY.md. */
  alarm: (alarm: QualityAlarmView) => void;
}

export interface AgentClientEvents {
  presence: (payload: z.input<typeof PresenceInput>, ack: Ack<{ status: PresenceStatus; capacity: number; skills: InteractionType[] | null }>) => void;
  accept: (payload: z.input<typeof AcceptInput>, ack: Ack<{ conversationId: string }>) => void;
  message: (payload: z.input<typeof AgentMessageInput>, ack: Ack<{ message: Message }>) => void;
  typing: (payload: z.input<typeof AgentTypingInput>, ack?: Ack) => void;
  close: (payload: z.input<typeof AgentCloseInput>, ack: Ack) => void;
}

export interface LoginResponse {
  token: string;
  agent: AgentIdentity;
  expiresAt: string;
}

/** A short, human-readable text of a zod failure, for an error body. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

// ---- console work (issue 8): internal notes, transfers, canned replies, close dispositions ----
// The interfaces below that share a name with one above (AssignedPayload, QueueItem, HandoffBrief and the
// agent event maps) add to it by declaration merging, so this section stays one block.

/** Longest internal note, transfer note and canned reply text, in characters. */
export const NOTE_MAX_LENGTH = 2000;

/**
 * An agent's internal note on a conversation: agents only, never sent to the customer (it is not a Message,
 * so it never reaches `session`, `message` or `sync`).
 */
export interface Note {
  id: string;
  conversationId: string;
  text: string;
  /** ISO 8601 */
  at: string;
  authorId: string;
  /** the agent's display name */
  author: string;
  clientId?: string;
}

/** A transfer, as an agent sees it: who passed the conversation on, to whom or to which group, and why. */
export interface TransferView {
  /** ISO 8601 */
  at: string;
  /** display name of the agent who transferred it */
  from: string;
  /** the agent it was passed to, when it was passed to one */
  toAgent?: string;
  /** the skill group it was passed to: only agents with this skill may take it from the queue */
  skill?: InteractionType;
  note?: string;
}

/** An agent as the transfer dialog lists them (from presence). */
export interface AgentSummary {
  id: string;
  name: string;
  /** `away` too for an agent whose consoles are all disconnected (they take no chats) */
  status: PresenceStatus;
  capacity: number;
  /** chats they hold now */
  active: number;
  skills: InteractionType[] | null;
}

/**
 * What the console offers as a close disposition (docs/PROTOCOL.md; words in shared/interaction-labels.ts);
 * `close` accepts any short string, so an integrator's own dispositions stay valid.
 */
export type Disposition = 'resolved' | 'not_resolved' | 'customer_left' | 'duplicate' | 'spam';

/** A stored reply an agent inserts and edits before sending (`GET /api/canned`). */
export interface CannedReply {
  id: string;
  title: string;
  /** may hold the variables of shared/canned-replies.ts, filled in from the conversation when inserted */
  text: string;
  createdBy: string;
  /** ISO 8601 */
  updatedAt: string;
}

/** A held conversation changed for this agent: its state, its rating, or it was passed on to someone else. */
export interface ConversationUpdate {
  conversationId: string;
  state: ConversationState;
  csat?: { score: number; comment?: string };
  /** set when this agent transferred it away: to whom (an agent's name) or to which group */
  transferredTo?: { agent?: string; skill?: InteractionType };
}

export interface AssignedPayload {
  /** the conversation's internal notes, oldest first */
  notes: Note[];
}

export interface QueueItem {
  /** set when an agent passed the conversation to a skill group: only agents with that skill may take it */
  transfer?: TransferView;
}

export interface HandoffBrief {
  /** the order the conversation is about, when the assistant knows it (for canned replies' `{order.number}`) */
  orderNumber?: string;
  /** the latest transfer: who passed it on and their note, shown first */
  transfer?: TransferView;
}

const noteText = z
  .string({ error: 'text must be a string' })
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'text must not be empty').max(NOTE_MAX_LENGTH, `text is longer than ${NOTE_MAX_LENGTH} characters`));

export const NoteInput = z.object({ conversationId, clientId, text: noteText });
export const TransferInput = z.object({
  conversationId,
  to: z.union([z.object({ agentId: z.string().min(1).max(100) }).strict(), z.object({ skill: z.enum(INTERACTION_TYPES) }).strict()], {
    error: 'to must be { agentId } or { skill }',
  }),
  note: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().max(NOTE_MAX_LENGTH, `note is longer than ${NOTE_MAX_LENGTH} characters`))
    .optional(),
});
export const AgentsInput = z.object({}).loose();

/** `POST /api/canned` and `PUT /api/canned/:id`. */
export const CannedReplyInput = z.object({
  title: z.string().trim().min(1, 'title must not be empty').max(80, 'title is longer than 80 characters'),
  text: z.string().trim().min(1, 'text must not be empty').max(NOTE_MAX_LENGTH, `text is longer than ${NOTE_MAX_LENGTH} characters`),
});

export interface AgentServerEvents {
  /** An internal note was added to a conversation this agent holds. */
  note: (note: Note) => void;
}

export interface AgentClientEvents {
  note: (payload: z.input<typeof NoteInput>, ack: Ack<{ note: Note }>) => void;
  transfer: (
    payload: z.input<typeof TransferInput>,
    ack: Ack<{ conversationId: string; state: ConversationState; transfer: TransferView }>,
  ) => void;
  /** The agents one may transfer to, with their presence now. */
  agents: (payload: z.input<typeof AgentsInput>, ack: Ack<{ agents: AgentSummary[] }>) => void;
}

// ---- admin: agents and the per-type policy (docs/PROTOCOL.md "Admin") ----

/** The most chats an admin may give one agent at once. */
export const AGENT_CAPACITY_MAX = 20;
/** Shortest password an invited agent may choose. */
export const PASSWORD_MIN_LENGTH = 12;

export type AgentRole = AgentIdentity['role'];

const agentName = z.string().trim().min(1, 'name must not be empty').max(100, 'name is longer than 100 characters');
const agentRole = z.enum(['agent', 'admin'], { error: 'role must be "agent" or "admin"' });
/** The types an agent takes; null: every type. */
const agentSkills = z
  .array(z.enum(INTERACTION_TYPES, { error: `each skill must be one of ${INTERACTION_TYPES.join(', ')}` }))
  .min(1, 'give at least one type, or null for every type')
  .max(INTERACTION_TYPES.length)
  .transform((skills) => [...new Set(skills)])
  .nullable();
const agentCapacity = z
  .number({ error: 'capacity must be a number' })
  .int('capacity must be a whole number')
  .min(1, 'capacity must be at least 1')
  .max(AGENT_CAPACITY_MAX, `capacity must be at most ${AGENT_CAPACITY_MAX}`);

/** `POST /api/admin/agents`: invite an agent. */
export const AgentInviteInput = z.object({
  email: z.string().trim().toLowerCase().email('email must be an email address').max(200),
  name: agentName,
  role: agentRole,
  skills: agentSkills.optional(),
  capacity: agentCapacity.nullable().optional(),
});
/** `PATCH /api/admin/agents/:id`: any of the fields. */
export const AgentChangeInput = z
  .object({ name: agentName.optional(), role: agentRole.optional(), skills: agentSkills.optional(), capacity: agentCapacity.nullable().optional() })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'change at least one of name, role, skills, capacity');
/** `POST /api/auth/invite`: the invitee sets their password. */
export const InviteAcceptInput = z.object({
  token: z.string().min(1, 'the invite link is incomplete').max(200),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(200, 'password is longer than 200 characters'),
});
/** `POST /api/quality/policy/:type`: the AI mode, the priority and the wait target, any of them. */
export const PolicyEditInput = z
  .object({
    ai: z.enum(['on', 'off', 'shadow'], { error: 'ai must be "on", "off" or "shadow"' }).optional(),
    priority: z.enum(['normal', 'high', 'urgent'], { error: 'priority must be "normal", "high" or "urgent"' }).optional(),
    targetSeconds: z
      .number({ error: 'targetSeconds must be a number' })
      .int('targetSeconds must be a whole number of seconds')
      .min(1, 'targetSeconds must be at least 1')
      .max(86_400, 'targetSeconds must be at most 86400 (a day)')
      .optional(),
  })
  .refine((c) => c.ai !== undefined || c.priority !== undefined || c.targetSeconds !== undefined, 'change at least one of ai, priority, targetSeconds');

/** An agent as the admin page lists them. */
export interface AgentAdminView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  /** the types they take; null: every type */
  skills: InteractionType[] | null;
  /** most chats at once: where their console starts, and the most they may set there; null: not limited by an
   *  admin (the console starts at 3 and may set 1–20) */
  capacity: number | null;
  createdAt: string;
  /** invited and has not set a password yet */
  invitePending: boolean;
  /** when the pending invite link stops working */
  inviteExpiresAt: string | null;
  /** their presence while a console of theirs is connected; absent otherwise */
  status?: PresenceStatus;
}

/** `POST /api/admin/agents` and `POST /api/admin/agents/:id/invite`: the link is shown once, never stored. */
export interface InviteResponse {
  agent: AgentAdminView;
  inviteUrl: string;
  expiresAt: string;
}

/** A type's priority and wait target now, and what config/policy.json says. */
export interface TypeTargetsView {
  /** the priority a person takes the type at when the customer is calm */
  priority: Priority;
  /** the wait target, seconds: routing serves a chat past it ahead of others of its priority */
  targetSeconds: number;
  configured: { priority: Priority; targetSeconds: number };
  changedAt?: string;
  changedBy?: string;
}

export interface QueueItem {
  /** the wait target of its type, seconds, when it has one (routing serves a chat past it first in its priority) */
  targetSeconds?: number;
}

export interface AssignedPayload {
  /** true when sent again on (re)connect for a conversation the agent already held: not a new assignment */
  resumed?: boolean;
}

/** What an admin allows an agent: the most chats at once, and the types they may take (null: every type). */
export interface AgentLimits {
  /** null: no limit set by an admin (1–20, as the protocol allows) */
  capacity: number | null;
  skills: InteractionType[] | null;
}

export interface AgentServerEvents {
  /** The agent's limits, set by an admin: on connect and whenever an admin changes them. */
  limits: (limits: AgentLimits) => void;
}
