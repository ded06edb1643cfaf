// Table shapes for Kysely. Timestamps are ISO 8601 text and JSON is text on both engines, so one set of queries
// and one set of migrations serve the embedded SQLite store and PostgreSQL alike.
import type { Generated } from 'kysely';

export interface ConversationsTable {
  id: string;
  token_hash: string;
  state: string;
  version: number;
  type: string | null;
  priority: string;
  queued_at: string | null;
  handoff_reason: string | null;
  agent_id: string | null;
  agent_name: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: string | null;
  csat_score: number | null;
  csat_comment: string | null;
  /** JSON of the conversation's TriageSummary (migration 0002) */
  triage: string | null;
  /** JSON of the AI's AssistantMemory (migration 0003) */
  assistant: string | null;
  /** hash of the widget's visitor id, for recontact (migration 0004) */
  visitor_hash: string | null;
  /** JSON of the latest TransferRecord between agents (migration 0005) */
  transfer: string | null;
  /** the customer's language tag from the handshake that opened it; null: English assumed (migration 0007) */
  language: string | null;
}

/** Replies agents insert from the console's picker (migration 0005); `text` may hold {customer.name} etc. */
export interface CannedRepliesTable {
  id: string;
  title: string;
  text: string;
  created_by: string;
  updated_at: string;
}

/** One outcome per ended conversation (docs/QUALITY.md); the whole record is `data`, JSON. */
export interface InteractionOutcomesTable {
  conversation_id: string;
  type: string | null;
  resolver: string;
  closed_at: string;
  customer_key: string | null;
  /** 1 / 0, null until known */
  recontact: number | null;
  csat_score: number | null;
  data: string;
}

export interface QualityAlarmsTable {
  id: string;
  type: string;
  metric: string;
  at: string;
  acknowledged_at: string | null;
  /** the whole QualityAlarmView, JSON */
  data: string;
}

export interface TrainingExamplesTable {
  id: string;
  conversation_id: string;
  kind: string;
  at: string;
  /** the whole TrainingExample, JSON */
  data: string;
}

export interface PolicyOverridesTable {
  type: string;
  ai: string;
  reason: string;
  changed_at: string;
  changed_by: string;
}

/** The append-only log: one row per conversation event; messages are the rows with kind 'message'. */
export interface ConversationEventsTable {
  seq: Generated<number>;
  conversation_id: string;
  kind: string;
  at: string;
  message_id: string | null;
  sender: string | null;
  text: string | null;
  client_id: string | null;
  author: string | null;
  /** The rest of the event, as JSON. */
  data: string | null;
}

export interface AgentsTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
  /** most chats at once; null: not limited by an admin (migration 0006) */
  capacity: number | null;
  /** JSON array of interaction types; null: every type (migration 0006) */
  skills: string | null;
  /** SHA-256 of a pending invite's token; null once the password is set (migration 0006) */
  invite_token_hash: string | null;
  invite_expires_at: string | null;
}

/** A type's priority and wait target changed at run time (migration 0006); null: as configured. */
export interface PolicyTargetsTable {
  type: string;
  priority: string | null;
  target_seconds: number | null;
  changed_at: string;
  changed_by: string;
}

export interface AgentSessionsTable {
  token_hash: string;
  agent_id: string;
  created_at: string;
  expires_at: string;
}

export interface Database {
  conversations: ConversationsTable;
  conversation_events: ConversationEventsTable;
  agents: AgentsTable;
  agent_sessions: AgentSessionsTable;
  interaction_outcomes: InteractionOutcomesTable;
  quality_alarms: QualityAlarmsTable;
  training_examples: TrainingExamplesTable;
  policy_overrides: PolicyOverridesTable;
  canned_replies: CannedRepliesTable;
  policy_targets: PolicyTargetsTable;
}
