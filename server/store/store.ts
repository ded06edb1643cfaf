// Storage behind one interface and one query layer (Kysely): the embedded engine (SQLite through node:sqlite,
// in DATA_DIR) and PostgreSQL (DATABASE_URL) run the same queries and the same migrations.
// Why SQLite and not PGlite for the embedded engine: docs/ARCHITECTURE.md ("Storage"), measured by
// `npm run bench:storage`.
import { sql, type Kysely, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { InteractionType, Message, Priority, Sender } from '../../shared/protocol.ts';
import type { AssistantMemory, Closer, Conversation, ConversationEvent, NoteRecord, TransferRecord, TriageSummary } from '../core/conversation.ts';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Another writer changed the conversation since it was read; read again and decide again. */
export class ConcurrencyError extends Error {
  constructor(conversationId: string) {
    super(`conversation ${conversationId} changed while being written`);
    this.name = 'ConcurrencyError';
  }
}

/** A message with this clientId is already stored in this conversation. */
export class DuplicateClientIdError extends Error {
  readonly conversationId: string;
  readonly clientId: string;
  constructor(conversationId: string, clientId: string) {
    super(`clientId ${clientId} already stored`);
    this.name = 'DuplicateClientIdError';
    this.conversationId = conversationId;
    this.clientId = clientId;
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** Whether an error says the database could not be reached (rather than that a query was wrong). */
export function isStorageUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (/Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(e.message)) return true;
  }
  return false;
}

/** The agent already holds `holding` chats, at or over the capacity the assignment was checked against. */
export class CapacityError extends Error {
  readonly holding: number;
  constructor(agentId: string, holding: number) {
    super(`agent ${agentId} already holds ${holding} chats`);
    this.name = 'CapacityError';
    this.holding = holding;
  }
}

/** Checked inside an append's transaction: the agent it assigns holds fewer than `capacity` chats. */
export interface AppendGuard {
  agentId: string;
  capacity: number;
}

export interface AgentRecord {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'admin';
  /** '' while an invite is pending: no password matches it */
  passwordHash: string;
  createdAt: string;
  /** most chats at once: where their console starts, and the most it may set; null: no limit set by an admin */
  capacity: number | null;
  /** the types they take; null: every type */
  skills: InteractionType[] | null;
  /** when the pending invite's link expires; null when there is none */
  inviteExpiresAt: string | null;
}

/** An agent to store: capacity and skills as an admin gave them, or the defaults. */
export type NewAgent = Omit<AgentRecord, 'capacity' | 'skills' | 'inviteExpiresAt'> & Partial<Pick<AgentRecord, 'capacity' | 'skills'>>;

/** What an admin may change of an agent. */
export interface AgentChange {
  name?: string;
  role?: 'agent' | 'admin';
  skills?: InteractionType[] | null;
  capacity?: number;
}

/** The change would leave no admin who can sign in. */
export class LastAdminError extends Error {
  constructor() {
    super('This is the last admin who can sign in: make another agent an admin first.');
    this.name = 'LastAdminError';
  }
}

export interface SessionRecord {
  agentId: string;
  expiresAt: string;
}

type ConversationRow = Database['conversations'];
type EventRow = Omit<Database['conversation_events'], 'seq'> & { seq: number };

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    state: row.state as Conversation['state'],
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    type: row.type as InteractionType | null,
    priority: row.priority as Priority,
    queuedAt: row.queued_at,
    handoffReason: row.handoff_reason,
    agentId: row.agent_id,
    agentName: row.agent_name,
    closedAt: row.closed_at,
    closedBy: row.closed_by as Closer | null,
    rating:
      row.csat_score === null
        ? null
        : row.csat_comment
          ? { score: Number(row.csat_score), comment: row.csat_comment }
          : { score: Number(row.csat_score) },
    triage: row.triage ? (JSON.parse(row.triage) as TriageSummary) : null,
    assistant: row.assistant ? (JSON.parse(row.assistant) as AssistantMemory) : null,
    transfer: row.transfer ? (JSON.parse(row.transfer) as TransferRecord) : null,
    language: row.language ?? null,
  };
}

function conversationColumns(c: Conversation): Omit<ConversationRow, 'id' | 'token_hash' | 'visitor_hash'> {
  return {
    state: c.state,
    version: c.version,
    type: c.type,
    priority: c.priority,
    queued_at: c.queuedAt,
    handoff_reason: c.handoffReason,
    agent_id: c.agentId,
    agent_name: c.agentName,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    closed_at: c.closedAt,
    closed_by: c.closedBy,
    csat_score: c.rating?.score ?? null,
    csat_comment: c.rating?.comment ?? null,
    triage: c.triage ? JSON.stringify(c.triage) : null,
    assistant: c.assistant ? JSON.stringify(c.assistant) : null,
    transfer: c.transfer ? JSON.stringify(c.transfer) : null,
    language: c.language,
  };
}

const EVENT_COLUMNS = ['conversation_id', 'kind', 'at', 'message_id', 'sender', 'text', 'client_id', 'author', 'data'] as const;

function eventRow(conversationId: string, event: ConversationEvent): Omit<EventRow, 'seq'> {
  if (event.type === 'message') {
    const m = event.message;
    return {
      conversation_id: conversationId,
      kind: 'message',
      at: event.at,
      message_id: m.id,
      sender: m.from,
      text: m.text,
      client_id: m.clientId ?? null,
      author: m.author ?? null,
      data: m.authorId ? JSON.stringify({ authorId: m.authorId }) : null,
    };
  }
  const { type, at, ...rest } = event;
  return {
    conversation_id: conversationId,
    kind: type,
    at,
    message_id: null,
    sender: null,
    text: null,
    // A note's clientId shares the messages' unique index: the same clientId twice stores one note.
    client_id: event.type === 'noted' ? (event.note.clientId ?? null) : null,
    author: null,
    data: JSON.stringify(rest),
  };
}

function toMessage(row: EventRow): Message {
  const message: Message = {
    id: row.message_id!,
    seq: Number(row.seq),
    conversationId: row.conversation_id,
    from: row.sender as Sender,
    text: row.text ?? '',
    at: row.at,
  };
  if (row.client_id) message.clientId = row.client_id;
  if (row.author) message.author = row.author;
  return message;
}

function toEvent(row: EventRow): ConversationEvent {
  if (row.kind === 'message') {
    const m = toMessage(row);
    const authorId = row.data ? (JSON.parse(row.data) as { authorId?: string }).authorId : undefined;
    return {
      type: 'message',
      at: row.at,
      message: {
        id: m.id,
        from: m.from,
        text: m.text,
        ...(m.clientId ? { clientId: m.clientId } : {}),
        ...(authorId ? { authorId } : {}),
        ...(m.author ? { author: m.author } : {}),
      },
    };
  }
  return { type: row.kind, at: row.at, ...(row.data ? (JSON.parse(row.data) as object) : {}) } as ConversationEvent;
}

type AgentRow = Database['agents'];

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role === 'admin' ? 'admin' : 'agent',
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    capacity: row.capacity === null ? null : Number(row.capacity),
    skills: row.skills ? (JSON.parse(row.skills) as InteractionType[]) : null,
    inviteExpiresAt: row.invite_token_hash ? row.invite_expires_at : null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown };
  // PostgreSQL: SQLSTATE 23505; SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) / PRIMARYKEY (1555).
  return e?.code === '23505' || e?.errcode === 2067 || e?.errcode === 1555 || /UNIQUE constraint failed/.test(String(e?.message));
}

function agentRow(agent: NewAgent) {
  return {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    password_hash: agent.passwordHash,
    created_at: agent.createdAt,
    ...(agent.capacity !== undefined ? { capacity: agent.capacity } : {}),
    skills: agent.skills ? JSON.stringify(agent.skills) : null,
  };
}

/** The one store: conversations as an event log plus their projection, agents, and agent sessions. */
export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly location: string;
  /** the PostgreSQL schema the store lives in, when not the default */
  readonly #schema: string | undefined;

  constructor(db: Kysely<Database>, dialect: Dialect, location: string, schema?: string) {
    this.db = db;
    this.dialect = dialect;
    this.location = location;
    this.#schema = schema;
  }

  /** Bring the schema up to date; fails loudly with the migration's own error. */
  async migrate(): Promise<void> {
    // The migration bookkeeping lives in the store's own schema: without it, Kysely takes another schema's
    // tables for this one's and the migration fails.
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider(this.dialect),
      ...(this.#schema ? { migrationTableSchema: this.#schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      const which = failed ? `migration ${failed.migrationName}` : 'migrating';
      throw new Error(`${which} failed on ${this.location}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  /** Throws when the database cannot answer. */
  async ping(): Promise<void> {
    await this.db.selectFrom('agents').select('id').limit(1).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Store a new conversation with its first events. */
  async createConversation(
    conversation: Conversation,
    tokenHash: string,
    events: readonly ConversationEvent[],
    visitorHash: string | null = null,
  ): Promise<Message[]> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('conversations')
        .values({ id: conversation.id, token_hash: tokenHash, visitor_hash: visitorHash, ...conversationColumns(conversation) })
        .execute();
      return this.#insertEvents(tx, conversation.id, events);
    });
  }

  /**
   * Append events onto the version of the conversation they were decided from, and store the folded
   * projection, atomically. Throws ConcurrencyError when another writer got there first, and
   * DuplicateClientIdError when a message's clientId is already stored.
   */
  async append(before: Conversation, after: Conversation, events: readonly ConversationEvent[], guard?: AppendGuard): Promise<Message[]> {
    try {
      // PostgreSQL: one statement instead of BEGIN, UPDATE, INSERT…, COMMIT (the round trips were most of the
      // cost of a message under load: docs/SCALING.md). A capacity check needs its lock, so it keeps the transaction.
      if (this.dialect === 'postgres' && !guard) return await this.#appendInOneStatement(before, after, events);
      return await this.db.transaction().execute(async (tx) => {
        if (guard) await this.#checkCapacity(tx, guard, before.id);
        const { numUpdatedRows } = await tx
          .updateTable('conversations')
          .set(conversationColumns(after))
          .where('id', '=', before.id)
          .where('version', '=', before.version)
          .executeTakeFirst();
        if (Number(numUpdatedRows) !== 1) throw new ConcurrencyError(before.id);
        return this.#insertEvents(tx, before.id, events);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        for (const e of events) {
          const clientId = e.type === 'message' ? e.message.clientId : e.type === 'noted' ? e.note.clientId : undefined;
          if (clientId) throw new DuplicateClientIdError(before.id, clientId);
        }
      }
      throw error;
    }
  }

  /**
   * The update onto the version read and the inserts of the events in one statement (a data-modifying CTE):
   * when the version moved on, the update matches nothing and so nothing is inserted. Atomic like the
   * transaction it replaces; seq follows the order of the VALUES rows.
   */
  async #appendInOneStatement(before: Conversation, after: Conversation, events: readonly ConversationEvent[]): Promise<Message[]> {
    const rows = events.map((event) => eventRow(before.id, event));
    const set = sql.join(Object.entries(conversationColumns(after)).map(([column, value]) => sql`${sql.ref(column)} = ${value}`));
    const columns = sql.join(EVENT_COLUMNS.map((c) => sql.ref(c)));
    const values = sql.join(rows.map((row) => sql`(${sql.join(EVENT_COLUMNS.map((c) => sql`${row[c]}::text`))})`));
    const { rows: inserted } = await sql<{ seq: number; message_id: string | null }>`
      with moved as (update conversations set ${set} where id = ${before.id} and version = ${before.version} returning id)
      insert into conversation_events (${columns})
      select ${sql.join(EVENT_COLUMNS.map((c) => sql.ref(`v.${c}`)))} from moved, (values ${values}) as v (${columns})
      returning seq, message_id`.execute(this.db);
    if (inserted.length !== rows.length) throw new ConcurrencyError(before.id);
    const seqOf = new Map(inserted.flatMap((r) => (r.message_id ? [[r.message_id, Number(r.seq)] as const] : [])));
    return rows.filter((row) => row.kind === 'message').map((row) => toMessage({ ...row, seq: seqOf.get(row.message_id!)! }));
  }

  /**
   * Count the agent's chats with their row locked (PostgreSQL: FOR UPDATE, so concurrent assignments to the same
   * agent from any node queue up here; SQLite: one writer at a time already).
   */
  async #checkCapacity(tx: Transaction<Database>, guard: AppendGuard, conversationId: string): Promise<void> {
    if (this.dialect === 'postgres') await tx.selectFrom('agents').select('id').where('id', '=', guard.agentId).forUpdate().execute();
    const { holding } = await tx
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('holding'))
      .where('agent_id', '=', guard.agentId)
      .where('state', '=', 'agent')
      .where('id', '!=', conversationId)
      .executeTakeFirstOrThrow();
    if (Number(holding) >= guard.capacity) throw new CapacityError(guard.agentId, Number(holding));
  }

  async #insertEvents(tx: Transaction<Database>, conversationId: string, events: readonly ConversationEvent[]): Promise<Message[]> {
    const messages: Message[] = [];
    // One insert per event keeps seq in event order on both engines.
    for (const event of events) {
      const row = eventRow(conversationId, event);
      const { seq } = await tx.insertInto('conversation_events').values(row).returning('seq').executeTakeFirstOrThrow();
      if (row.kind === 'message') messages.push(toMessage({ ...row, seq: Number(seq) }));
    }
    return messages;
  }

  async findConversation(id: string): Promise<Conversation | null> {
    const row = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async findConversationByToken(tokenHash: string): Promise<Conversation | null> {
    const row = await this.db.selectFrom('conversations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  /** Messages of a conversation in order; only those after `afterSeq` when given. */
  async messages(conversationId: string, afterSeq = 0): Promise<Message[]> {
    const rows = await this.db
      .selectFrom('conversation_events')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('kind', '=', 'message')
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .execute();
    return rows.map((row) => toMessage(row as EventRow));
  }

  /** The whole event log of a conversation, oldest first. */
  async events(conversationId: string): Promise<ConversationEvent[]> {
    const rows = await this.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', conversationId).orderBy('seq').execute();
    return rows.map((row) => toEvent(row as EventRow));
  }

  /** The hash of the visitor id the conversation was opened with, or null. */
  async visitorHash(conversationId: string): Promise<string | null> {
    const row = await this.db.selectFrom('conversations').select('visitor_hash').where('id', '=', conversationId).executeTakeFirst();
    return row?.visitor_hash ?? null;
  }

  async findMessageByClientId(conversationId: string, clientId: string): Promise<Message | null> {
    const row = await this.db
      .selectFrom('conversation_events')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('client_id', '=', clientId)
      .where('kind', '=', 'message')
      .executeTakeFirst();
    return row ? toMessage(row as EventRow) : null;
  }

  /** The internal note stored with this clientId, with when it was stored, or null. */
  async findNoteByClientId(conversationId: string, clientId: string): Promise<{ at: string; note: NoteRecord } | null> {
    const row = await this.db
      .selectFrom('conversation_events')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('client_id', '=', clientId)
      .where('kind', '=', 'noted')
      .executeTakeFirst();
    const event = row ? toEvent(row as EventRow) : null;
    return event?.type === 'noted' ? { at: event.at, note: event.note } : null;
  }

  /** Every conversation waiting for a person, in no particular order (the core orders the queue). */
  async queued(): Promise<Conversation[]> {
    const rows = await this.db.selectFrom('conversations').selectAll().where('state', '=', 'queued').execute();
    return rows.map(toConversation);
  }

  /** The open conversations an agent holds. */
  async heldBy(agentId: string): Promise<Conversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('state', '=', 'agent')
      .orderBy('updated_at')
      .execute();
    return rows.map(toConversation);
  }

  /** Every conversation an agent holds now (routing counts them against the agents' capacity). */
  async assigned(): Promise<Conversation[]> {
    const rows = await this.db.selectFrom('conversations').selectAll().where('state', '=', 'agent').execute();
    return rows.map(toConversation);
  }

  /** The latest customer message of each given conversation, for queue previews. */
  async latestCustomerText(conversationIds: readonly string[]): Promise<Map<string, string>> {
    if (conversationIds.length === 0) return new Map();
    // Read one row per conversation (its highest customer seq), not every customer message of the queue.
    const rows = await this.db
      .selectFrom('conversation_events')
      .select(['conversation_id', 'text'])
      .where('seq', 'in', (qb) =>
        qb
          .selectFrom('conversation_events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('conversation_id', 'in', conversationIds)
          .where('kind', '=', 'message')
          .where('sender', '=', 'customer')
          .groupBy('conversation_id'),
      )
      .execute();
    return new Map(rows.map((row) => [row.conversation_id, row.text ?? '']));
  }

  // ---- agents and their sessions ----

  async findAgentByEmail(email: string): Promise<AgentRecord | null> {
    const row = await this.db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  async findAgent(id: string): Promise<AgentRecord | null> {
    const row = await this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  /** Create the agent, or update name, role and password of the one with that email. */
  /**
   * Create the agent, or update the one with this email. One statement, so nodes starting together on an empty
   * database (each bootstraps the admin) cannot both insert it.
   */
  async upsertAgent(agent: NewAgent): Promise<AgentRecord> {
    const row = await this.db
      .insertInto('agents')
      .values(agentRow(agent))
      // A password set here makes a pending invite pointless: it is dropped.
      .onConflict((oc) =>
        oc.column('email').doUpdateSet({ name: agent.name, role: agent.role, password_hash: agent.passwordHash, invite_token_hash: null, invite_expires_at: null }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAgent(row);
  }

  /** Every agent, the earliest first. */
  async listAgents(): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom('agents').selectAll().orderBy('created_at').orderBy('email').execute();
    return rows.map(toAgent);
  }

  /** A new agent who must set a password through the invite (its token stored hashed); null when the email is taken. */
  async insertInvitedAgent(agent: NewAgent, invite: { tokenHash: string; expiresAt: string }): Promise<AgentRecord | null> {
    try {
      const row = await this.db
        .insertInto('agents')
        .values({ ...agentRow({ ...agent, passwordHash: '' }), invite_token_hash: invite.tokenHash, invite_expires_at: invite.expiresAt })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAgent(row);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** A new invite link for an agent who has not set a password yet (the old link stops working); null otherwise. */
  async renewInvite(agentId: string, invite: { tokenHash: string; expiresAt: string }): Promise<AgentRecord | null> {
    const row = await this.db
      .updateTable('agents')
      .set({ invite_token_hash: invite.tokenHash, invite_expires_at: invite.expiresAt })
      .where('id', '=', agentId)
      .where('password_hash', '=', '')
      .returningAll()
      .executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  /**
   * The invitee sets their password: one statement, so a link works once even when opened twice at the same
   * moment. Null for an unknown, used or expired (at `now`, ISO) link.
   */
  async acceptInvite(tokenHash: string, passwordHash: string, now: string): Promise<AgentRecord | null> {
    const row = await this.db
      .updateTable('agents')
      .set({ password_hash: passwordHash, invite_token_hash: null, invite_expires_at: null })
      .where('invite_token_hash', '=', tokenHash)
      .where('invite_expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  /**
   * Change an agent. Throws LastAdminError when it would take the admin role from the last admin who can sign
   * in; the admins' rows are locked meanwhile (PostgreSQL), so two admins demoting each other at once cannot
   * both succeed. Null for an unknown agent.
   */
  async updateAgent(agentId: string, change: AgentChange): Promise<AgentRecord | null> {
    return this.db.transaction().execute(async (tx) => {
      const current = await this.#lockForAdminChange(tx, agentId);
      if (!current) return null;
      if (change.role === 'agent') await this.#keepAnAdmin(tx, current);
      const set: Partial<Omit<AgentRow, 'id'>> = {};
      if (change.name !== undefined) set.name = change.name;
      if (change.role !== undefined) set.role = change.role;
      if (change.skills !== undefined) set.skills = change.skills === null ? null : JSON.stringify(change.skills);
      if (change.capacity !== undefined) set.capacity = change.capacity;
      const row = await tx.updateTable('agents').set(set).where('id', '=', agentId).returningAll().executeTakeFirstOrThrow();
      return toAgent(row);
    });
  }

  /** Remove an agent and their sessions; LastAdminError as in updateAgent. False for an unknown agent. */
  async deleteAgent(agentId: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const current = await this.#lockForAdminChange(tx, agentId);
      if (!current) return false;
      await this.#keepAnAdmin(tx, current);
      await tx.deleteFrom('agent_sessions').where('agent_id', '=', agentId).execute();
      await tx.deleteFrom('agents').where('id', '=', agentId).execute();
      return true;
    });
  }

  async #lockForAdminChange(tx: Transaction<Database>, agentId: string): Promise<AgentRow | undefined> {
    if (this.dialect === 'postgres') await tx.selectFrom('agents').select('id').where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', '=', agentId)])).forUpdate().execute();
    return tx.selectFrom('agents').selectAll().where('id', '=', agentId).executeTakeFirst();
  }

  /** Throws LastAdminError when `agent` is the only admin who can sign in. */
  async #keepAnAdmin(tx: Transaction<Database>, agent: AgentRow): Promise<void> {
    if (agent.role !== 'admin' || agent.password_hash === '') return;
    const others = await tx
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role', '=', 'admin')
      .where('password_hash', '<>', '')
      .where('id', '<>', agent.id)
      .executeTakeFirstOrThrow();
    if (Number(others.n) === 0) throw new LastAdminError();
  }

  async createSession(tokenHash: string, agentId: string, createdAt: string, expiresAt: string): Promise<void> {
    await this.db
      .insertInto('agent_sessions')
      .values({ token_hash: tokenHash, agent_id: agentId, created_at: createdAt, expires_at: expiresAt })
      .execute();
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.db.selectFrom('agent_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? { agentId: row.agent_id, expiresAt: row.expires_at } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('agent_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Forget sessions that expired before `now` (ISO). */
  async deleteExpiredSessions(now: string): Promise<void> {
    await this.db.deleteFrom('agent_sessions').where('expires_at', '<', now).execute();
  }
}
