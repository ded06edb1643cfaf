// Schema migrations, written once for both engines; the only dialect difference is how the log's sequence is
// generated. Add a migration by appending an entry; never edit one that has shipped.
import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { Database } from './schema.ts';
import type { Dialect } from './store.ts';

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('type', 'text')
        .addColumn('priority', 'text', (col) => col.notNull())
        .addColumn('queued_at', 'text')
        .addColumn('handoff_reason', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('agent_name', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('closed_by', 'text')
        .addColumn('csat_score', 'integer')
        .addColumn('csat_comment', 'text')
        .execute();
      await db.schema.createIndex('conversations_state').on('conversations').columns(['state', 'queued_at']).execute();
      await db.schema.createIndex('conversations_agent').on('conversations').columns(['agent_id', 'state']).execute();

      let events = db.schema.createTable('conversation_events');
      events =
        dialect === 'postgres'
          ? events.addColumn('seq', 'bigserial', (col) => col.primaryKey())
          : events.addColumn('seq', 'integer', (col) => col.primaryKey().autoIncrement());
      await events
        .addColumn('conversation_id', 'text', (col) => col.notNull().references('conversations.id'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('message_id', 'text', (col) => col.unique())
        .addColumn('sender', 'text')
        .addColumn('text', 'text')
        .addColumn('client_id', 'text')
        .addColumn('author', 'text')
        .addColumn('data', 'text')
        .execute();
      await db.schema
        .createIndex('conversation_events_conversation')
        .on('conversation_events')
        .columns(['conversation_id', 'seq'])
        .execute();
      // The same clientId twice stores one message (the protocol's idempotency key).
      await db.schema
        .createIndex('conversation_events_client_id')
        .unique()
        .on('conversation_events')
        .columns(['conversation_id', 'client_id'])
        .where(sql.ref('client_id'), 'is not', null)
        .execute();

      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', 'text', (col) => col.notNull().unique())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('agent_sessions')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('agent_id', 'text', (col) => col.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .execute();
    },
  };
}

// 0002: triage's summary of the conversation (latest decision, handoff reasons, sentiment per turn), as JSON.
const triageSummary: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('triage', 'text').execute();
  },
};

// 0003: the AI's memory of the conversation (verified customer, open flow, pending action, steps), as JSON.
const assistantMemory: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('assistant', 'text').execute();
  },
};

// 0004: quality signals (docs/QUALITY.md): who the customer is (for recontact), one outcome per ended
// conversation, alarms, labeled examples for training, and per-type AI modes changed at run time.
const quality: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('visitor_hash', 'text').execute();
    await db.schema
      .createTable('interaction_outcomes')
      .addColumn('conversation_id', 'text', (col) => col.primaryKey().references('conversations.id'))
      .addColumn('type', 'text')
      .addColumn('resolver', 'text', (col) => col.notNull())
      .addColumn('closed_at', 'text', (col) => col.notNull())
      .addColumn('customer_key', 'text')
      .addColumn('recontact', 'integer')
      .addColumn('csat_score', 'integer')
      .addColumn('data', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('interaction_outcomes_closed').on('interaction_outcomes').columns(['closed_at']).execute();
    await db.schema.createIndex('interaction_outcomes_customer').on('interaction_outcomes').columns(['customer_key', 'type', 'closed_at']).execute();
    await db.schema
      .createTable('quality_alarms')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('metric', 'text', (col) => col.notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('data', 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('training_examples')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('conversation_id', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('data', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('training_examples_at').on('training_examples').columns(['at']).execute();
    await db.schema
      .createTable('policy_overrides')
      .addColumn('type', 'text', (col) => col.primaryKey())
      .addColumn('ai', 'text', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('changed_at', 'text', (col) => col.notNull())
      .addColumn('changed_by', 'text', (col) => col.notNull())
      .execute();
  },
};

/** The canned replies a new installation starts with: the commonest openings, checks and closings. */
const DEFAULT_CANNED_REPLIES: readonly { id: string; title: string; text: string }[] = [
  { id: 'greeting', title: 'Greeting', text: 'Hi {customer.name}, this is {agent.name}. I have read your conversation with our assistant, so there is no need to repeat anything. Let me look into it.' },
  { id: 'verify', title: 'Ask to verify', text: 'Before I look at your account: could you tell me your order number and the email address you used for it?' },
  { id: 'order-check', title: 'Checking the order', text: 'Thanks, {customer.name}. I am checking order {order.number} now; it will take a minute or two.' },
  { id: 'refund-started', title: 'Refund started', text: 'I have started the refund for order {order.number}. It reaches your account within 5 to 10 working days, and you will get an email confirmation.' },
  { id: 'dispute-opened', title: 'Dispute opened', text: 'I have opened a dispute for order {order.number}. The payments of that order are paused until it is settled, and we will email you the outcome.' },
  { id: 'hold-on', title: 'Need more time', text: 'I need a little more time to check this with a colleague. Please stay in this chat: I will be back within five minutes.' },
  { id: 'anything-else', title: 'Anything else?', text: 'Is there anything else I can help you with today, {customer.name}?' },
  { id: 'goodbye', title: 'Goodbye', text: 'Thank you for your patience, {customer.name}. Have a good day!' },
];

// 0005: console work (issue 8): the latest transfer between agents of each conversation (its skill group
// restricts who may take it from the queue) and the canned replies, seeded with a handful of useful defaults.
const consoleWork: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('transfer', 'text').execute();
    await db.schema
      .createTable('canned_replies')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('created_by', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .execute();
    const at = new Date().toISOString();
    await (db as unknown as Kysely<Database>)
      .insertInto('canned_replies')
      .values(DEFAULT_CANNED_REPLIES.map((r) => ({ id: r.id, title: r.title, text: r.text, created_by: 'Tandem', updated_at: at })))
      .execute();
  },
};

// 0006: agent administration (issue 8): each agent's capacity (the most chats at once; also the most their
// console may set; null: no limit set, the console starts at 3 and may set 1–20 as the protocol allows) and skills (the types they take, JSON; null: every type), a pending invite (the link's
// token, hashed, and its expiry; the password is '' until the invitee sets one), and the per-type priority
// and wait target changed at run time (like the AI modes of policy_overrides; null: as configured).
const agentAdmin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('agents').addColumn('capacity', 'integer').execute();
    await db.schema.alterTable('agents').addColumn('skills', 'text').execute();
    await db.schema.alterTable('agents').addColumn('invite_token_hash', 'text').execute();
    await db.schema.alterTable('agents').addColumn('invite_expires_at', 'text').execute();
    await db.schema.createIndex('agents_invite').unique().on('agents').column('invite_token_hash').execute();
    await db.schema
      .createTable('policy_targets')
      .addColumn('type', 'text', (col) => col.primaryKey())
      .addColumn('priority', 'text')
      .addColumn('target_seconds', 'integer')
      .addColumn('changed_at', 'text', (col) => col.notNull())
      .addColumn('changed_by', 'text', (col) => col.notNull())
      .execute();
  },
};

// 0007: the customer's language (the widget's, from the handshake that opened the conversation), kept on the
// projection so the AI's reach and the customer's system messages follow it; null for every older conversation
// (English, as before).
const conversationLanguage: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('language', 'text').execute();
  },
};

/** Every migration, in order, for the given engine. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: async () => ({
      '0001_initial': initial(dialect),
      '0002_triage_summary': triageSummary,
      '0003_assistant_memory': assistantMemory,
      '0004_quality': quality,
      '0005_console_work': consoleWork,
      '0006_agent_admin': agentAdmin,
      '0007_conversation_language': conversationLanguage,
    }),
  };
}
