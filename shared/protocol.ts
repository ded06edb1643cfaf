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

/** `POST /api/quality/policy/:type`: the type in the path, the mode in the body (docs/QUALITY.md). */
export const InteractionTypeParam = z.enum(INTERACTION_TYPES);
export const PolicyChangeInput = z.object({ ai: z.enum(['on', 'off', 'shadow']) });

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
  conversation: (payload: { conversationId: string; state: ConversationState; csat?: { score: number; comment?: string } }) => void;
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
