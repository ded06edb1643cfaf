// The Socket.IO adapter: namespaces /customer and /agent (../shared/CONTRACT.md sections 3 and 4), and the
// desk listener that turns what the desk stored into events for the right rooms.
// Rooms: `c:<conversationId>` in both namespaces (the customer's sockets; the holding agent's sockets),
// `agent:<agentId>` (one agent's consoles), `agents` (every console, for the queue).
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import {
  AcceptInput,
  AgentAuth,
  AgentCloseInput,
  AgentMessageInput,
  AgentsInput,
  AgentTypingInput,
  CloseInput,
  CsatInput,
  CustomerAuth,
  CustomerMessageInput,
  HandoffInput,
  NoteInput,
  PresenceInput,
  SyncInput,
  TransferInput,
  TypingInput,
  type AgentClientEvents,
  type AgentIdentity,
  type AgentServerEvents,
  type ConversationUpdate,
  type CustomerClientEvents,
  type CustomerRefusal,
  type CustomerServerEvents,
  type ShopIdentity,
  type StatePayload,
} from '../../shared/protocol.ts';
import { backWithin, beyondLimits, identity, type AgentAccounts, type PresenceLimitsChange } from '../auth/agent-accounts.ts';
import { DomainError } from '../core/conversation.ts';
import type { AgentRecord } from '../store/store.ts';
import type { Conversation } from '../core/conversation.ts';
import { transferView } from '../core/handoff-summary.ts';
import { systemWords } from '../core/system-words.ts';
import type { DeskListener, SupportDesk } from '../support-desk.ts';
import { acknowledger } from './acknowledge.ts';
import { clientAddress, type TrustProxy, createLimits, type Limits } from '../security/rate-limits.ts';
import { ShopIdentityVerifier } from '../security/shop-identity.ts';
import type { Presence, PresenceChange, PresenceEntry } from './agent-presence.ts';
import type { Cluster } from '../cluster/cluster.ts';
import type { Dispatcher } from '../dispatcher.ts';

interface CustomerData {
  conversationId: string;
  token: string;
  /** the client's address, for the per-IP limits */
  address: string;
  after?: number;
}
interface AgentData {
  agent: AgentIdentity;
}
type CustomerNamespace = Namespace<CustomerClientEvents, CustomerServerEvents, Record<string, never>, CustomerData>;
type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;

const room = (conversationId: string) => `c:${conversationId}`;
const agentRoom = (agentId: string) => `agent:${agentId}`;

/**
 * Streamed AI text is sent at once for the first piece of a reply (the customer sees the answer start as soon
 * as the model does), then gathered and sent at most this often: one emit per token would be the heaviest
 * traffic on the server.
 */
const DELTA_BATCH_MS = 30;

/** The AI's "typing…" is shown only for answers that take longer than this. */
const AI_TYPING_AFTER_MS = 300;

/** Largest Socket.IO packet accepted, in bytes: a message of 2 000 characters is far below it. */
const MAX_PACKET_BYTES = 64 * 1024;

/** When to look again at a message whose answer a live node claimed: after a dead node's heartbeat expires. */
const UNANSWERED_RETRY_MS = 12_000;

/** How often a node puts its consoles back into shared presence if Redis lost them (a restart without data). */
const PRESENCE_RESTORE_MS = 3000;

export interface RealtimeOptions {
  httpServer: HttpServer;
  desk: SupportDesk;
  accounts: AgentAccounts;
  presence: Presence;
  dispatcher: Dispatcher;
  /** this node among the others: the leader routes and tells the queue; the rest forward to it */
  cluster: Cluster;
  /** the Socket.IO adapter factory shared by the nodes (server/cluster/); the in-memory adapter without one */
  adapter?: ServerOptions['adapter'];
  log: Logger;
  /** Origins allowed to open customer connections besides the server's own. */
  allowedOrigins: readonly string[];
  /** rate limits (server/security/rate-limits.ts); each process counting alone when not given */
  limits?: Limits;
  /** TANDEM_IDENTITY_SECRET: verifies signed-in shop users' tokens; unset, any token offered is refused */
  identitySecret?: string | undefined;
  /** which peers are our proxies, whose X-Forwarded-For names the client (TANDEM_TRUST_PROXY) */
  trustProxy?: TrustProxy;
}

/** True when the request comes from the server's own origin (the Host it was sent to). */
function sameOrigin(req: IncomingMessage, origin: string): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The realtime adapter: its Socket.IO server, what an admin's changes to agents need, and shutdown. */
export interface Realtime {
  io: Server;
  agentChanged(record: AgentRecord, change: PresenceLimitsChange): Promise<void>;
  agentRemoved(agentId: string): void;
  close(): Promise<void>;
}

export function attachRealtime(options: RealtimeOptions): Realtime {
  const { desk, accounts, presence, dispatcher, cluster, log } = options;
  const limits = options.limits ?? createLimits();
  const identities = new ShopIdentityVerifier(options.identitySecret, { now: () => desk.clockNow() });
  const allowed = new Set(options.allowedOrigins);
  const io = new Server(options.httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    // The CORS option covers only HTTP long-polling; this check covers the WebSocket handshake too.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, !origin || sameOrigin(req, origin) || allowed.has(origin));
    },
  });
  const customers = io.of('/customer') as unknown as CustomerNamespace;
  const agents = io.of('/agent') as unknown as AgentNamespace;

  async function statePayload(c: Conversation): Promise<StatePayload> {
    const payload: StatePayload = { state: c.state };
    if (c.state === 'queued') {
      const told = dispatcher.infoFor(c.id);
      const position = told ? null : await desk.position(c.id);
      if (told) payload.queue = told;
      else if (position !== null) payload.queue = { position, promise: null, reason: systemWords(c.language).workingOutWait };
    }
    if (c.state === 'agent' && c.agentName) payload.agent = { name: c.agentName };
    return payload;
  }

  // State changes and the queue are told one after another, so a customer never sees 'agent' and then a stale
  // 'queued'. Messages, typing and streamed text go out at once (they need no reads).
  let chain: Promise<void> = Promise.resolve();
  function notify(context: string, work: () => Promise<void> | void): void {
    chain = chain.then(work).catch((error: unknown) => log.error({ err: error, context }, 'notification failed'));
  }

  // What was last sent, so the leader's periodic refresh tells only what changed.
  let lastItems = '';
  const lastInfo = new Map<string, string>();
  /**
   * The leader's view of the queue, to every console and every waiting customer on every node (the adapter
   * carries the emits). `quiet`: only what changed since the last time; `force`: customers told anyway.
   */
  async function publishQueue(quiet: boolean, force: ReadonlySet<string>): Promise<void> {
    const { items, info } = await dispatcher.refresh();
    // Compared without the fields that change every second by themselves (the consoles count those down).
    const itemsJson = JSON.stringify(items.map(({ waitedSeconds: _w, dueInSeconds: _d, ...rest }) => rest));
    if (!quiet || itemsJson !== lastItems) agents.to('agents').emit('queue', { items });
    lastItems = itemsJson;
    for (const id of lastInfo.keys()) if (!info.has(id)) lastInfo.delete(id);
    for (const [conversationId, queue] of info) {
      const json = JSON.stringify(queue);
      if (!quiet || force.has(conversationId) || lastInfo.get(conversationId) !== json) {
        customers.to(room(conversationId)).emit('state', { state: 'queued', queue });
      }
      lastInfo.set(conversationId, json);
    }
  }
  let queueDirty: { quiet: boolean; customers: Set<string> } | null = null;
  /** Ask for the queue to be told again: here on the leader, through the bus elsewhere. */
  function queueChanged(request: { quiet?: boolean; customer?: string } = {}): void {
    if (!cluster.isLeader()) {
      if (!request.quiet) cluster.publish(request.customer ? { kind: 'queue', customer: request.customer } : { kind: 'queue' });
      return;
    }
    if (queueDirty) {
      // a refresh is already scheduled and will read the latest queue
      queueDirty.quiet &&= request.quiet === true;
      if (request.customer) queueDirty.customers.add(request.customer);
      return;
    }
    queueDirty = { quiet: request.quiet === true, customers: new Set(request.customer ? [request.customer] : []) };
    notify('queue', async () => {
      const { quiet, customers: told } = queueDirty!;
      queueDirty = null;
      if (cluster.isLeader()) await publishQueue(quiet, told);
    });
  }
  // This node's consoles and what presence last said of each agent, to put them back if Redis lost them.
  const local = new Map<string, { sockets: Set<string>; last: PresenceEntry }>();
  const restoreTimer = setInterval(() => {
    for (const [agentId, { sockets, last }] of local) {
      presence.restore(agentId, last, [...sockets]).catch((error: unknown) => log.warn({ err: error, agentId }, 'presence restore failed'));
    }
  }, PRESENCE_RESTORE_MS);
  restoreTimer.unref();
  function remember(agentId: string, entry: PresenceEntry): void {
    const mine = local.get(agentId);
    if (mine) mine.last = entry;
  }

  /**
   * Answer a customer message whose answer died with its node. A live node may still hold the claim (it is
   * answering, or it died a moment ago and its heartbeat has not expired yet): ask again once it would have.
   */
  function answerUnanswered(conversationId: string, attempt: number): void {
    desk.answerUnanswered(conversationId).then(
      (settled) => {
        if (!settled && attempt < 3) setTimeout(() => answerUnanswered(conversationId, attempt + 1), UNANSWERED_RETRY_MS).unref();
      },
      (error: unknown) => log.error({ err: error, conversationId }, 'answering an unanswered message failed'),
    );
  }

  /** Presence changed here: the leader re-reads it (grace timers; customers' texts depend on who is online). */
  function presenceChanged(): void {
    cluster.publish({ kind: 'presence' });
  }
  cluster.onMessage((message) => {
    if (message.kind === 'queue' && cluster.isLeader()) queueChanged(message.customer ? { customer: message.customer } : {});
    if (message.kind === 'presence' && cluster.isLeader()) {
      void dispatcher.presenceChanged().catch((error: unknown) => log.error({ err: error }, 'presence change failed'));
      queueChanged();
    }
  });

  // The AI's "typing" per conversation: a timer until it is said, null once said.
  const typingSoon = new Map<string, NodeJS.Timeout | null>();

  // Replies being streamed: text gathered since the last emit, per message id.
  const streams = new Map<string, { conversationId: string; buffer: string; timer: NodeJS.Timeout | null }>();
  function dropStream(id: string): void {
    const stream = streams.get(id);
    if (stream?.timer) clearTimeout(stream.timer);
    streams.delete(id);
  }
  function flushDelta(id: string): void {
    const stream = streams.get(id);
    if (!stream || !stream.buffer) return;
    customers.to(room(stream.conversationId)).emit('message:delta', { id, delta: stream.buffer });
    stream.buffer = '';
    stream.timer = null;
  }

  const listener: DeskListener = {
    aiDelta(conversationId, id, delta) {
      const stream = streams.get(id);
      if (!stream) {
        streams.set(id, { conversationId, buffer: '', timer: null });
        customers.to(room(conversationId)).emit('message:delta', { id, delta });
        return;
      }
      stream.buffer += delta;
      stream.timer ??= setTimeout(() => flushDelta(id), DELTA_BATCH_MS);
    },
    messages(conversation, messages) {
      // A stored message completes its stream: text still gathered is superseded by the message itself.
      for (const message of messages) dropStream(message.id);
      // At once, not behind the notification chain: an answer must not wait for a queue refresh that is
      // waiting for the database. The desk tells messages in store order, so they stay in order.
      for (const message of messages) {
        if (message.from !== 'customer') customers.to(room(conversation.id)).emit('message', message);
        agents.to(room(conversation.id)).emit('message', message);
      }
    },
    noted(conversation, note) {
      // The agent namespace only: the customer's sockets share the room name but not the namespace.
      agents.to(room(conversation.id)).emit('note', note);
    },
    changed(before, after) {
      notify('changed', async () => {
        const newHolder = after.state === 'agent' && after.agentId !== null && (before.state !== 'agent' || before.agentId !== after.agentId);
        // Entering the queue is always followed by queueChanged, which tells every waiting customer their place.
        if ((before.state !== after.state && after.state !== 'queued') || newHolder) {
          customers.to(room(after.id)).emit('state', await statePayload(after));
        }
        if (before.state === 'agent' && before.agentId && (after.state === 'queued' || newHolder)) {
          // Put back in the queue (the agent left) or passed on: the old holder's consoles let go of it, told
          // where it went when it was a transfer.
          const update: ConversationUpdate = { conversationId: after.id, state: after.state };
          if (after.transfer && after.transfer.at !== before.transfer?.at && after.transfer.fromAgentId === before.agentId) {
            const moved = transferView(after.transfer);
            update.transferredTo = moved.toAgent ? { agent: moved.toAgent } : moved.skill ? { skill: moved.skill } : {};
          }
          agents.to(agentRoom(before.agentId)).emit('conversation', update);
          agents.in(agentRoom(before.agentId)).socketsLeave(room(after.id));
        }
        if (newHolder) {
          agents.in(agentRoom(after.agentId!)).socketsJoin(room(after.id));
          agents.to(agentRoom(after.agentId!)).emit('assigned', await desk.assignment(after.id));
        }
        if (after.state === 'closed') {
          const update: Parameters<AgentServerEvents['conversation']>[0] = { conversationId: after.id, state: after.state };
          if (after.rating) update.csat = after.rating;
          agents.to(room(after.id)).emit('conversation', update);
        }
      });
    },
    queueChanged: () => queueChanged(),
    aiTyping(conversationId, active) {
      const pending = typingSoon.get(conversationId);
      if (active) {
        // Said only when the answer takes a moment: most embedded answers are ready in milliseconds, and
        // "typing…" flashing on and off would be noise for the customer and two more frames for the server.
        if (pending === undefined) typingSoon.set(conversationId, setTimeout(() => {
          typingSoon.set(conversationId, null);
          customers.to(room(conversationId)).emit('typing', { from: 'ai', active: true });
        }, AI_TYPING_AFTER_MS));
        return;
      }
      typingSoon.delete(conversationId);
      // The reply is over; a stream it left without a stored message (the answer failed) is dropped.
      for (const [id, stream] of streams) if (stream.conversationId === conversationId) dropStream(id);
      if (pending) clearTimeout(pending);
      else if (pending === null) customers.to(room(conversationId)).emit('typing', { from: 'ai', active: false });
    },
  };
  desk.listen(listener);
  dispatcher.onDeadline(() => queueChanged());
  dispatcher.onTick(() => queueChanged({ quiet: true }));

  // ---- /customer ----
  customers.use((socket, next) => {
    const origin = socket.handshake.headers.origin;
    const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], options.trustProxy);
    // The connect_error's message is the code; its data says it in words.
    const refuse = (code: CustomerRefusal, message: string, extra: object = {}) => next(Object.assign(new Error(code), { data: { message, ...extra } }));
    void (async () => {
      const allowed = await limits.customerConnection(address);
      if (!allowed.ok) {
        log.warn({ ip: address, origin }, 'customer connections over the limit');
        const retryAfterSeconds = allowed.retryAfterSeconds;
        return refuse('rate_limited', `Too many connections from your network: please try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
      }
      const auth = CustomerAuth.safeParse(socket.handshake.auth ?? {});
      if (!auth.success) return next(new Error('invalid_auth'));
      // A token offered is verified or refused, never ignored: a bad one must not make the customer anonymous.
      let identity: ShopIdentity | null = null;
      if (auth.data.identity !== undefined) {
        const checked = await identities.verify(auth.data.identity);
        if (!checked.ok) {
          log.info({ ip: address, origin, code: checked.code, reason: checked.message }, 'shop sign-in token refused');
          return refuse(checked.code, checked.message);
        }
        identity = checked.identity;
      }
      // A conversation opened for a signed-in shop user resumes only for that user; anyone else gets a new one.
      const resumed = auth.data.token ? await desk.resume(auth.data.token, identity) : null;
      if (resumed && auth.data.token) {
        socket.data = { conversationId: resumed.id, token: auth.data.token, address };
        if (auth.data.after !== undefined) socket.data.after = auth.data.after;
      } else {
        // The widget's language is the conversation's for good: a resumed one keeps the language it opened with.
        const { conversation, token } = await desk.openConversation(auth.data.visitor, identity ?? undefined, auth.data.lang);
        socket.data = { conversationId: conversation.id, token, address };
        log.info({ conversationId: conversation.id, origin, signedIn: identity !== null, language: conversation.language }, 'conversation opened');
      }
      next();
    })().catch((error: unknown) => {
      log.error({ err: error }, 'customer handshake failed');
      next(new Error('internal'));
    });
  });

  customers.on('connection', (socket) => {
    const { conversationId, token } = socket.data;
    const ack = acknowledger(log.child({ conversationId }), (event) => limits.customerEvent(socket.id, socket.data.address, event));

    // Join first, then read: a message stored in between arrives twice (deduped by id), never not at all.
    void socket.join(room(conversationId));
    void (async () => {
      const conversation = await desk.conversation(conversationId);
      if (!conversation) return socket.disconnect(true);
      const messages = await desk.messages(conversationId, socket.data.after);
      socket.emit('session', { token, conversationId, state: conversation.state, messages, rated: conversation.rating !== null });
      socket.emit('state', await statePayload(conversation));
      // A waiting customer who reconnects hears their place and promise afresh (from the leader).
      if (conversation.state === 'queued') queueChanged({ customer: conversationId });
      // Their last message may have lost its answer with the node that was composing it.
      if (conversation.state === 'ai' && messages.at(-1)?.from === 'customer') answerUnanswered(conversationId, 1);
    })().catch((error: unknown) => log.error({ err: error, conversationId }, 'session failed'));

    socket.on('message', ack('message', CustomerMessageInput, async (input) => ({ message: (await desk.customerMessage(conversationId, input)).message })));
    socket.on('handoff', ack('handoff', HandoffInput, async () => {
      await desk.requestHandoff(conversationId, 'customer_button');
      return {};
    }));
    socket.on('typing', ack('typing', TypingInput, ({ active }) => {
      agents.to(room(conversationId)).emit('typing', { conversationId, from: 'customer', active });
      return {};
    }));
    socket.on('csat', ack('csat', CsatInput, async (input) => {
      await desk.rate(conversationId, input.comment ? { score: input.score, comment: input.comment } : { score: input.score });
      return {};
    }));
    socket.on('close', ack('close', CloseInput, async () => {
      await desk.close(conversationId, { by: 'customer' });
      return {};
    }));
    socket.on('sync', ack('sync', SyncInput, async ({ after }) => ({ messages: await desk.messages(conversationId, after) })));
  });

  // ---- /agent ----
  agents.use((socket, next) => {
    const origin = socket.handshake.headers.origin;
    if (origin && !sameOrigin(socket.request, origin)) return next(new Error('forbidden_origin'));
    const auth = AgentAuth.safeParse(socket.handshake.auth ?? {});
    if (!auth.success) return next(new Error('unauthorized'));
    accounts.authenticate(auth.data.token).then(
      (agent) => {
        if (!agent) return next(new Error('unauthorized'));
        socket.data = { agent };
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'agent handshake failed');
        next(new Error('internal'));
      },
    );
  });

  agents.on('connection', (socket: Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>) => {
    const { agent } = socket.data;
    const ack = acknowledger(log.child({ agentId: agent.id }), () => limits.agentEvent(socket.id));
    void socket.join(['agents', agentRoom(agent.id)]);
    // Presence lives in Redis with several nodes: every later change of this socket's presence waits for this.
    // It starts from the capacity and skills an admin gave the agent, and stays within them.
    const connectedAt = desk.clockNow();
    const connected = accounts.record(agent.id).then(async (record) => {
      if (record) socket.emit('limits', { capacity: record.capacity, skills: record.skills });
      const limits = record ? { ...(record.capacity !== null ? { capacity: record.capacity } : {}), skills: record.skills } : {};
      const entry = await presence.connect({ ...agent, ...limits }, socket.id, connectedAt);
      const clamp = record && backWithin(record, entry);
      return (clamp && (await presence.set(agent.id, entry.status, clamp, connectedAt))) || entry;
    });
    void (async () => {
      const entry = await connected;
      const mine = local.get(agent.id) ?? { sockets: new Set<string>(), last: entry };
      mine.sockets.add(socket.id);
      local.set(agent.id, mine);
      remember(agent.id, entry);
      socket.emit('me', { agent, status: entry.status, capacity: entry.capacity, skills: entry.skills });
      presenceChanged();
      socket.emit('queue', { items: await desk.queue() });
      for (const held of await desk.heldBy(agent.id)) {
        await socket.join(room(held.id));
        socket.emit('assigned', { ...(await desk.assignment(held.id)), resumed: true });
      }
    })().catch((error: unknown) => log.error({ err: error, agentId: agent.id }, 'agent catch-up failed'));

    socket.on('presence', ack('presence', PresenceInput, async ({ status, capacity, skills }) => {
      const change: PresenceChange = {};
      if (capacity !== undefined) change.capacity = capacity;
      if (skills !== undefined) change.skills = skills;
      await connected;
      const record = await accounts.record(agent.id);
      const refusal = record && beyondLimits(record, change);
      if (refusal) throw new DomainError('forbidden', refusal);
      const updated = await presence.set(agent.id, status, change, desk.clockNow());
      if (!updated) throw new Error(`no presence for agent ${agent.id}`);
      remember(agent.id, updated);
      const me = record ? identity(record) : agent;
      agents.to(agentRoom(agent.id)).emit('me', { agent: me, status: updated.status, capacity: updated.capacity, skills: updated.skills });
      presenceChanged();
      return { status: updated.status, capacity: updated.capacity, skills: updated.skills };
    }));
    socket.on('accept', ack('accept', AcceptInput, async ({ conversationId }) => {
      await dispatcher.accept(conversationId, agent);
      return { conversationId };
    }));
    socket.on('message', ack('message', AgentMessageInput, async ({ conversationId, clientId, text }) => ({
      message: await desk.agentMessage(conversationId, agent, { clientId, text }),
    })));
    socket.on('typing', ack('typing', AgentTypingInput, ({ conversationId, active }) => {
      // Only the agent holding the conversation is in its room.
      if (socket.rooms.has(room(conversationId))) customers.to(room(conversationId)).emit('typing', { from: 'agent', active });
      return {};
    }));
    socket.on('note', ack('note', NoteInput, async ({ conversationId, clientId, text }) => ({
      note: await desk.addNote(conversationId, agent, { clientId, text }),
    })));
    socket.on('transfer', ack('transfer', TransferInput, async ({ conversationId, to, note }) => {
      const after = await dispatcher.transfer(conversationId, agent, note ? { to, note } : { to });
      return { conversationId, state: after.state, transfer: transferView(after.transfer!) };
    }));
    socket.on('agents', ack('agents', AgentsInput, async () => ({ agents: await dispatcher.agents() })));
    socket.on('close', ack('close', AgentCloseInput, async ({ conversationId, disposition, label }) => {
      const input: Parameters<SupportDesk['close']>[1] = { by: 'agent', agentId: agent.id };
      if (disposition) input.disposition = disposition;
      if (label) input.label = label;
      await desk.close(conversationId, input);
      return {};
    }));
    socket.on('disconnect', () => {
      const now = desk.clockNow();
      const mine = local.get(agent.id);
      mine?.sockets.delete(socket.id);
      if (mine && mine.sockets.size === 0) local.delete(agent.id);
      connected
        .then(() => presence.disconnect(agent.id, socket.id, now))
        .then((last) => {
          // Their last console: the leader starts the grace period (their chats wait for them, then requeue).
          if (last) presenceChanged();
        })
        .catch((error: unknown) => log.error({ err: error, agentId: agent.id }, 'presence disconnect failed'));
    });
  });

  return {
    io,
    /** An admin changed an agent: presence takes the capacity and skills they changed (routing sees it), consoles hear `me`. */
    async agentChanged(record: AgentRecord, change: PresenceLimitsChange): Promise<void> {
      agents.to(agentRoom(record.id)).emit('limits', { capacity: record.capacity, skills: record.skills });
      const entry = await presence.get(record.id);
      const updated = entry && (await presence.set(record.id, entry.status, change, desk.clockNow()));
      if (!updated) return;
      remember(record.id, updated);
      agents.to(agentRoom(record.id)).emit('me', { agent: identity(record), status: updated.status, capacity: updated.capacity, skills: updated.skills });
      presenceChanged();
    },
    /** An admin removed an agent: their consoles go (on every node); their chats go back after the grace period. */
    agentRemoved(agentId: string): void {
      agents.in(agentRoom(agentId)).disconnectSockets(true);
    },
    async close() {
      clearInterval(restoreTimer);
      dispatcher.close();
      await chain;
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
