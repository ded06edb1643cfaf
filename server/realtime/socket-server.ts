// The Socket.IO adapter: namespaces /customer and /agent (../shared/CONTRACT.md sections 3 and 4), and the
// desk listener that turns what the desk stored into events for the right rooms.
// Rooms: `c:<conversationId>` in both namespaces (the customer's sockets; the holding agent's sockets),
// `agent:<agentId>` (one agent's consoles), `agents` (every console, for the queue).
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Namespace, type Socket } from 'socket.io';
import {
  AcceptInput,
  AgentAuth,
  AgentCloseInput,
  AgentMessageInput,
  AgentTypingInput,
  CloseInput,
  CsatInput,
  CustomerAuth,
  CustomerMessageInput,
  HandoffInput,
  PresenceInput,
  SyncInput,
  TypingInput,
  type AgentClientEvents,
  type AgentIdentity,
  type AgentServerEvents,
  type CustomerClientEvents,
  type CustomerServerEvents,
  type StatePayload,
} from '../../shared/protocol.ts';
import type { AgentAccounts } from '../auth/agent-accounts.ts';
import type { Conversation } from '../core/conversation.ts';
import type { DeskListener, SupportDesk } from '../support-desk.ts';
import { acknowledger } from './acknowledge.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { Dispatcher } from '../dispatcher.ts';

interface CustomerData {
  conversationId: string;
  token: string;
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

/** Largest Socket.IO packet accepted, in bytes: a message of 2 000 characters is far below it. */
const MAX_PACKET_BYTES = 64 * 1024;

export interface RealtimeOptions {
  httpServer: HttpServer;
  desk: SupportDesk;
  accounts: AgentAccounts;
  presence: AgentPresence;
  dispatcher: Dispatcher;
  log: Logger;
  /** Origins allowed to open customer connections besides the server's own. */
  allowedOrigins: readonly string[];
}

/** True when the request comes from the server's own origin (the Host it was sent to). */
function sameOrigin(req: IncomingMessage, origin: string): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function attachRealtime(options: RealtimeOptions): { io: Server; close(): Promise<void> } {
  const { desk, accounts, presence, dispatcher, log } = options;
  const allowed = new Set(options.allowedOrigins);
  const io = new Server(options.httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
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
      else if (position !== null) payload.queue = { position, promise: null, reason: 'Working out how long the wait will be…' };
    }
    if (c.state === 'agent' && c.agentName) payload.agent = { name: c.agentName };
    return payload;
  }

  // Outgoing notifications run one after another, so a customer never sees 'agent' and then a stale 'queued'.
  let chain: Promise<void> = Promise.resolve();
  function notify(context: string, work: () => Promise<void> | void): void {
    chain = chain.then(work).catch((error: unknown) => log.error({ err: error, context }, 'notification failed'));
  }

  async function publishQueue(): Promise<void> {
    const { items, info } = await dispatcher.refresh();
    agents.to('agents').emit('queue', { items });
    for (const [conversationId, queue] of info) customers.to(room(conversationId)).emit('state', { state: 'queued', queue });
  }
  let queueDirty = false;
  function queueChanged(): void {
    if (queueDirty) return; // a refresh is already scheduled and will read the latest queue
    queueDirty = true;
    notify('queue', async () => {
      queueDirty = false;
      await publishQueue();
    });
  }

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
      notify('messages', () => {
        for (const message of messages) {
          if (message.from !== 'customer') customers.to(room(conversation.id)).emit('message', message);
          agents.to(room(conversation.id)).emit('message', message);
        }
      });
    },
    changed(before, after) {
      notify('changed', async () => {
        // Entering the queue is always followed by queueChanged, which tells every waiting customer their place.
        if (before.state !== after.state && after.state !== 'queued') {
          customers.to(room(after.id)).emit('state', await statePayload(after));
        }
        if (after.state === 'agent' && before.state !== 'agent' && after.agentId) {
          agents.in(agentRoom(after.agentId)).socketsJoin(room(after.id));
          agents.to(agentRoom(after.agentId)).emit('assigned', await desk.assignment(after.id));
        }
        if (before.state === 'agent' && after.state === 'queued') {
          // Put back in the queue (the agent left): the agent's consoles let go of it.
          agents.to(room(after.id)).emit('conversation', { conversationId: after.id, state: after.state });
          agents.in(room(after.id)).socketsLeave(room(after.id));
        }
        if (after.state === 'closed') {
          const update: Parameters<AgentServerEvents['conversation']>[0] = { conversationId: after.id, state: after.state };
          if (after.rating) update.csat = after.rating;
          agents.to(room(after.id)).emit('conversation', update);
        }
      });
    },
    queueChanged,
    aiTyping(conversationId, active) {
      if (!active) {
        // The reply is over; a stream it left without a stored message (the answer failed) is dropped.
        for (const [id, stream] of streams) if (stream.conversationId === conversationId) dropStream(id);
      }
      notify('typing', () => {
        customers.to(room(conversationId)).emit('typing', { from: 'ai', active });
      });
    },
  };
  desk.listen(listener);
  dispatcher.onDeadline(queueChanged);

  // ---- /customer ----
  customers.use((socket, next) => {
    const origin = socket.handshake.headers.origin;
    void (async () => {
      const auth = CustomerAuth.safeParse(socket.handshake.auth ?? {});
      if (!auth.success) return next(new Error('invalid_auth'));
      const resumed = auth.data.token ? await desk.resume(auth.data.token) : null;
      if (resumed && auth.data.token) {
        socket.data = { conversationId: resumed.id, token: auth.data.token };
        if (auth.data.after !== undefined) socket.data.after = auth.data.after;
      } else {
        const { conversation, token } = await desk.openConversation(auth.data.visitor);
        socket.data = { conversationId: conversation.id, token };
        log.info({ conversationId: conversation.id, origin }, 'conversation opened');
      }
      next();
    })().catch((error: unknown) => {
      log.error({ err: error }, 'customer handshake failed');
      next(new Error('internal'));
    });
  });

  customers.on('connection', (socket) => {
    const { conversationId, token } = socket.data;
    const ack = acknowledger(log.child({ conversationId }));

    // Join first, then read: a message stored in between arrives twice (deduped by id), never not at all.
    void socket.join(room(conversationId));
    void (async () => {
      const conversation = await desk.conversation(conversationId);
      if (!conversation) return socket.disconnect(true);
      const messages = await desk.messages(conversationId, socket.data.after);
      socket.emit('session', { token, conversationId, state: conversation.state, messages, rated: conversation.rating !== null });
      socket.emit('state', await statePayload(conversation));
      // A waiting customer who reconnects hears their place and promise afresh.
      if (conversation.state === 'queued') queueChanged();
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
    const ack = acknowledger(log.child({ agentId: agent.id }));
    const entry = presence.connect(agent, socket.id, desk.clockNow());
    dispatcher.agentBack(agent.id);
    void socket.join(['agents', agentRoom(agent.id)]);
    socket.emit('me', { agent, status: entry.status, capacity: entry.capacity, skills: entry.skills });
    void (async () => {
      socket.emit('queue', { items: await desk.queue() });
      for (const held of await desk.heldBy(agent.id)) {
        await socket.join(room(held.id));
        socket.emit('assigned', await desk.assignment(held.id));
      }
    })().catch((error: unknown) => log.error({ err: error, agentId: agent.id }, 'agent catch-up failed'));
    queueChanged(); // customers' queue texts depend on whether anyone is online

    socket.on('presence', ack('presence', PresenceInput, ({ status, capacity, skills }) => {
      const options: { capacity?: number; skills?: typeof skills } = {};
      if (capacity !== undefined) options.capacity = capacity;
      if (skills !== undefined) options.skills = skills;
      const updated = presence.set(agent.id, status, options as Parameters<AgentPresence['set']>[2], desk.clockNow())!;
      agents.to(agentRoom(agent.id)).emit('me', { agent, status: updated.status, capacity: updated.capacity, skills: updated.skills });
      queueChanged();
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
    socket.on('close', ack('close', AgentCloseInput, async ({ conversationId, disposition, label }) => {
      const input: Parameters<SupportDesk['close']>[1] = { by: 'agent', agentId: agent.id };
      if (disposition) input.disposition = disposition;
      if (label) input.label = label;
      await desk.close(conversationId, input);
      return {};
    }));
    socket.on('disconnect', () => {
      if (presence.disconnect(agent.id, socket.id, desk.clockNow())) {
        dispatcher.agentLeft(agent.id);
        queueChanged();
      }
    });
  });

  return {
    io,
    async close() {
      dispatcher.close();
      await chain;
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
