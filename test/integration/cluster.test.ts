// Fault tests on a real cluster: three `server/main.ts` processes sharing a PostgreSQL database and a
// redis-server of the test's own, with the dev TCP proxy in front. Nodes are killed with SIGKILL, Redis is
// killed and started empty, and PostgreSQL is cut off by closing the proxy the nodes reach it through.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { hashToken, newToken } from '../../server/auth/tokens.ts';
import type { AckResult, AssignedPayload, Message, QueueItem, SessionPayload, StatePayload } from '../../shared/protocol.ts';
import { enginesUnderTest } from '../support/engines.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { agentSocket, customerSocket, login, nextSession, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { eventually, nextEvent } from '../support/waiting.ts';

const engines = await enginesUnderTest();
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.CI === 'true') throw new Error('redis-server is required under CI=true (apt-get install -y redis-server)');
if (!hasRedisServer) console.warn('\n!!! redis-server is not installed: the cluster fault tests are SKIPPED.\n');
const GRACE_SECONDS = 3;

type Ack = AckResult<Record<string, unknown>>;

function emit(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<Ack> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack>;
}

/** A customer that behaves like the widget: resends unacknowledged messages with the same clientId on every session. */
class ResendingCustomer {
  readonly socket: Socket;
  readonly state: { token?: string; after?: number } = {};
  readonly pending = new Map<string, string>();
  readonly acked: Message[] = [];
  conversationId = '';
  sessions = 0;
  /** a session came on the current connection (as in the widget, nothing is sent before it) */
  ready = false;

  constructor(url: string) {
    this.socket = customerSocket(url, this.state);
    this.socket.on('disconnect', () => (this.ready = false));
    this.socket.on('session', (s: SessionPayload) => {
      this.sessions++;
      this.ready = true;
      this.state.token = s.token;
      this.conversationId = s.conversationId;
      for (const [clientId, text] of this.pending) void this.#send(clientId, text);
    });
  }

  send(text: string): void {
    const clientId = randomUUID();
    this.pending.set(clientId, text);
    if (this.ready) void this.#send(clientId, text);
  }

  async #send(clientId: string, text: string): Promise<void> {
    try {
      const res = await emit(this.socket, 'message', { clientId, text }, 3000);
      if (res.ok && this.pending.delete(clientId)) this.acked.push(res.message as Message);
    } catch {
      // no ack (the node died): the next session sends it again
    }
  }
}

/** The last queue each console was sent (a console keeps it; an event that came before a test looked is not missed). */
const lastQueue = new WeakMap<Socket, QueueItem[]>();
function agentConsole(url: string, token: string): Socket {
  const socket = agentSocket(url, token);
  socket.on('queue', (q: { items: QueueItem[] }) => lastQueue.set(socket, q.items));
  return socket;
}
function queueShows(socket: Socket, conversationId: string, timeoutMs = 30_000): Promise<true> {
  return eventually(() => (lastQueue.get(socket)?.some((i) => i.conversationId === conversationId) ? true : undefined), timeoutMs);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!engines.includes('postgres') || !hasRedisServer)('a cluster of three nodes on PostgreSQL and Redis', () => {
  let t: TestCluster;
  const sockets: Socket[] = [];
  const track = <S extends Socket>(s: S): S => {
    sockets.push(s);
    return s;
  };

  let model: FakeOpenAI;

  beforeAll(async () => {
    // A model that takes its time, so a node can die while it composes an answer.
    model = await startFakeOpenAI();
    model.fallback(() => ({ text: 'Our returns window is 30 days.', firstTokenDelayMs: 1500 }));
    t = await startTestCluster({
      nodes: 3,
      env: {
        OPENAI_BASE_URL: model.baseURL,
        TANDEM_MODEL: 'fake-model',
        TANDEM_AGENT_GRACE_SECONDS: String(GRACE_SECONDS),
        // Everything here comes from one IP, and one customer writes 25 messages a second: the limits are
        // not what these tests are about (test/integration/abuse.test.ts is).
        TANDEM_RATE_LIMITS:
          'customerConnectionsPerIp=10000/60,customerEventsPerSocket=10000/10,customerMessagesPerIp=10000/60,agentEventsPerSocket=10000/10,loginsPerIp=1000/60',
      },
    });
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.destroy();
    await model?.close();
  }, 60_000);

  const node = (i: number) => t.cluster.nodes[i]!;
  const leaderIndex = () =>
    t.cluster.nodes.findIndex((n) => {
      const lines = n.output().split('\n').filter((l) => l.includes('"msg":"leading') || l.includes('"msg":"following"'));
      return lines.at(-1)?.includes('"msg":"leading') ?? false;
    });

  /** A customer on `url` who asks for a person; resolves when they are in the queue. */
  async function waitingCustomer(url: string): Promise<{ socket: Socket; session: SessionPayload }> {
    const socket = track(customerSocket(url, {}));
    const session = await nextSession(socket);
    const queued = nextEvent<StatePayload>(socket, 'state', (s) => s.state === 'queued', 20_000);
    const res = await emit(socket, 'handoff', { reason: 'test' });
    expect(res.ok).toBe(true);
    await queued;
    return { socket, session };
  }

  /** Agents stored straight in the database, each with a session token (logging in 100 times would be slow). */
  async function makeAgents(count: number): Promise<{ id: string; token: string }[]> {
    const now = new Date().toISOString();
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const agents = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const token = newToken();
      await t.db.query('insert into agents (id, email, name, role, password_hash, created_at) values ($1, $2, $3, $4, $5, $6)', [
        id,
        `agent-${id}@example.test`,
        `Agent ${i}`,
        'agent',
        'not-a-hash: this agent signs in only by its session',
        now,
      ]);
      await t.db.query('insert into agent_sessions (token_hash, agent_id, created_at, expires_at) values ($1, $2, $3, $4)', [hashToken(token), id, now, expires]);
      agents.push({ id, token });
    }
    return agents;
  }

  /** A customer's chat held by a new agent, the agent and the customer each on a node other than the leader. */
  async function heldChatAwayFromLeader() {
    const [agent] = await makeAgents(1);
    const leader = leaderIndex();
    expect(leader).toBeGreaterThanOrEqual(0);
    const agentNode = (leader + 1) % 3;
    const customerNode = (leader + 2) % 3;
    const console_ = track(agentConsole(node(agentNode).url, agent!.token));
    await nextEvent(console_, 'me');
    const { socket: customer, session } = await waitingCustomer(node(customerNode).url);
    const joined = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'agent');
    expect((await emit(console_, 'accept', { conversationId: session.conversationId })).ok).toBe(true);
    await joined;
    return { leader, agentNode, console_, customer, session };
  }

  it('serves a customer on one node with an agent on another, both ways', async () => {
    const { token } = await login(node(1).url);
    const agent = track(agentConsole(node(1).url, token));
    await nextEvent(agent, 'me');
    const { socket: customer, session } = await waitingCustomer(node(0).url);
    // The queue reaches the console on the other node, from whichever node leads.
    await queueShows(agent, session.conversationId);
    const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === session.conversationId);
    const joined = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'agent');
    expect((await emit(agent, 'accept', { conversationId: session.conversationId })).ok).toBe(true);
    await Promise.all([assigned, joined]);

    const toCustomer = nextEvent<Message>(customer, 'message', (m) => m.text === 'Hello from node 2');
    expect((await emit(agent, 'message', { conversationId: session.conversationId, clientId: 'a1', text: 'Hello from node 2' })).ok).toBe(true);
    await toCustomer;
    const toAgent = nextEvent<Message>(agent, 'message', (m) => m.text === 'Hello from node 1');
    expect((await emit(customer, 'message', { clientId: 'c1', text: 'Hello from node 1' })).ok).toBe(true);
    await toAgent;
    await emit(agent, 'close', { conversationId: session.conversationId });
    agent.disconnect();
  }, 60_000);

  it('gives a chat to exactly one of 100 agents clicking Accept at once on three nodes', async () => {
    const agents = await makeAgents(100);
    const consoles = agents.map((a, i) => track(agentConsole(node(i % 3).url, a.token)));
    await Promise.all(consoles.map((c) => nextEvent(c, 'me', () => true, 30_000)));
    const { session } = await waitingCustomer(node(0).url);
    // Wait until every console can see it, then all click at once.
    await Promise.all(consoles.map((c) => queueShows(c, session.conversationId)));
    const results = await Promise.all(consoles.map((c) => emit(c, 'accept', { conversationId: session.conversationId }, 30_000)));

    const winners = results.flatMap((r, i) => (r.ok ? [agents[i]!.id] : []));
    expect(winners).toHaveLength(1);
    for (const r of results) if (!r.ok) expect(r.error.code).toBe('invalid_state');
    const { rows } = await t.db.query('select agent_id, state from conversations where id = $1', [session.conversationId]);
    expect(rows[0]).toEqual({ agent_id: winners[0], state: 'agent' });
    const assignedEvents = await t.db.query("select count(*)::int as n from conversation_events where conversation_id = $1 and kind = 'assigned'", [session.conversationId]);
    expect(assignedEvents.rows[0].n).toBe(1);
    for (const c of consoles) c.disconnect();
  }, 120_000);

  it('holds an agent to their capacity when two of their consoles on two nodes accept at once', async () => {
    const [agent] = await makeAgents(1);
    const a = track(agentConsole(node(0).url, agent!.token));
    const b = track(agentConsole(node(2).url, agent!.token));
    await Promise.all([nextEvent(a, 'me'), nextEvent(b, 'me')]);
    expect((await emit(a, 'presence', { status: 'online', capacity: 1 })).ok).toBe(true);
    for (let round = 0; round < 3; round++) {
      const first = await waitingCustomer(node(1).url);
      const second = await waitingCustomer(node(1).url);
      const [ra, rb] = await Promise.all([
        emit(a, 'accept', { conversationId: first.session.conversationId }),
        emit(b, 'accept', { conversationId: second.session.conversationId }),
      ]);
      expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
      const refused = ra.ok ? rb : ra;
      expect(!refused.ok && refused.error.message).toMatch(/capacity/);
      const { rows } = await t.db.query("select count(*)::int as n from conversations where agent_id = $1 and state = 'agent'", [agent!.id]);
      expect(rows[0].n).toBe(1);
      // Free the slot for the next round, and take the other customer out of the queue.
      const held = ra.ok ? first : second;
      const other = ra.ok ? second : first;
      expect((await emit(a, 'close', { conversationId: held.session.conversationId })).ok).toBe(true);
      expect((await emit(other.socket, 'close', {})).ok).toBe(true);
    }
    a.disconnect();
    b.disconnect();
  }, 120_000);

  it('loses and doubles nothing when the node a customer and their agent are on is killed mid-conversation', async () => {
    const proxyUrl = t.cluster.url;
    const proxied = (port: number) => t.cluster.proxy.connections.get(port) ?? 0;
    const counts = () => t.cluster.nodes.map((n) => proxied(n.port));
    // The customer through the proxy; note which node the proxy gave them.
    let before = counts();
    const customer = new ResendingCustomer(proxyUrl);
    track(customer.socket);
    await eventually(() => (customer.sessions > 0 ? true : undefined), 20_000);
    const victim = counts().findIndex((c, i) => c > before[i]!);
    expect(victim).toBeGreaterThanOrEqual(0);
    // The agent's console through the proxy too, on the same node (the proxy takes turns: try until it lands there).
    const { token } = await login(node(victim).url);
    let agent: Socket | null = null;
    for (let attempt = 0; attempt < 10 && !agent; attempt++) {
      before = counts();
      const candidate = agentConsole(proxyUrl, token);
      await nextEvent(candidate, 'me', () => true, 20_000);
      if (counts()[victim]! > before[victim]!) agent = track(candidate);
      else candidate.disconnect();
    }
    expect(agent).not.toBeNull();
    const console_ = agent!;

    const queued = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'queued', 20_000);
    expect((await emit(customer.socket, 'handoff', {})).ok).toBe(true);
    await queued;
    expect((await emit(console_, 'accept', { conversationId: customer.conversationId })).ok).toBe(true);

    // The customer writes without pause; the node dies under them after the tenth acknowledgement.
    const texts = Array.from({ length: 40 }, (_, i) => `message ${i + 1}`);
    let sent = 0;
    const writer = setInterval(() => {
      if (sent < texts.length) customer.send(texts[sent++]!);
    }, 40);
    await eventually(() => (customer.acked.length >= 10 ? true : undefined), 20_000);
    const reassigned = nextEvent<AssignedPayload>(console_, 'assigned', (a) => a.conversationId === customer.conversationId, 40_000);
    // What the console shows: the snapshot it gets on coming back, and every message after it.
    const seen = new Map<string, Message>();
    console_.on('message', (m: Message) => seen.set(m.id, m));
    void reassigned.then((a) => a.messages.forEach((m) => seen.set(m.id, m)));
    await node(victim).kill('SIGKILL');
    await eventually(() => (sent === texts.length && customer.pending.size === 0 ? true : undefined), 60_000);
    clearInterval(writer);

    // Every message stored exactly once, in the order written.
    const { rows } = await t.db.query(
      "select text from conversation_events where conversation_id = $1 and kind = 'message' and sender = 'customer' order by seq",
      [customer.conversationId],
    );
    expect(rows.map((r: { text: string }) => r.text)).toEqual(texts);
    // The agent's console came back on another node, with the conversation and all of it, once.
    await reassigned;
    await eventually(() => ([...seen.values()].filter((m) => m.from === 'customer').length >= texts.length ? true : undefined), 20_000);
    const shown = [...seen.values()].filter((m) => m.from === 'customer').sort((a, b) => a.seq - b.seq);
    expect(shown.map((m) => m.text)).toEqual(texts);
    // And the conversation goes on, both ways, across the surviving nodes.
    const reply = nextEvent<Message>(customer.socket, 'message', (m) => m.text === 'Still here.', 20_000);
    expect((await emit(console_, 'message', { conversationId: customer.conversationId, clientId: 'after-kill', text: 'Still here.' })).ok).toBe(true);
    await reply;
    const { rows: state } = await t.db.query('select state from conversations where id = $1', [customer.conversationId]);
    expect(state[0].state).toBe('agent');

    console_.disconnect();
    customer.socket.disconnect();
    await node(victim).restart();
  }, 180_000);

  it('answers a message whose answer died with the node composing it, once', async () => {
    const before = t.cluster.nodes.map((n) => t.cluster.proxy.connections.get(n.port) ?? 0);
    const customer = new ResendingCustomer(t.cluster.url);
    track(customer.socket);
    await eventually(() => (customer.sessions > 0 ? true : undefined), 20_000);
    const victim = t.cluster.nodes.findIndex((n, i) => (t.cluster.proxy.connections.get(n.port) ?? 0) > before[i]!);
    const answers: Message[] = [];
    customer.socket.on('message', (m: Message) => {
      if (m.from === 'ai' && !answers.some((a) => a.id === m.id)) answers.push(m);
    });
    customer.send('What is your returns policy?');
    await eventually(() => (customer.acked.length === 1 ? true : undefined));
    // The model is still thinking (1.5 s before its first word) when the node dies.
    await node(victim).kill('SIGKILL');
    await eventually(() => (answers.length > 0 ? true : undefined), 40_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(answers.map((a) => a.text)).toEqual(['Our returns window is 30 days.']);
    const { rows } = await t.db.query("select count(*)::int as n from conversation_events where conversation_id = $1 and kind = 'message' and sender = 'ai'", [
      customer.conversationId,
    ]);
    expect(rows[0].n).toBe(1);
    customer.socket.disconnect();
    await node(victim).restart();
  }, 120_000);

  it('puts a chat back in the queue after the grace period when its agent leaves, even when the leader dies meanwhile', async () => {
    const { leader, agentNode, console_, customer, session } = await heldChatAwayFromLeader();

    const requeued = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'queued', 60_000);
    const leftAt = Date.now();
    console_.disconnect();
    // The grace timer was armed on the leader; kill it. Another node takes the lead and the timer from the data.
    await new Promise((r) => setTimeout(r, 300));
    await node(leader).kill('SIGKILL');
    await requeued;
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    const { rows } = await t.db.query('select state, agent_id from conversations where id = $1', [session.conversationId]);
    expect(rows[0]).toEqual({ state: 'queued', agent_id: null });
    await emit(customer, 'close', {});
    await node(leader).restart();
  }, 120_000);

  it('requeues the chats of an agent whose node died and who does not come back', async () => {
    const { agentNode, console_, customer, session } = await heldChatAwayFromLeader();

    // The node dies without a word; the agent's console is gone with it (it does not reconnect anywhere).
    const requeued = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'queued', 60_000);
    await node(agentNode).kill('SIGKILL');
    console_.disconnect();
    // Its heartbeat expires (10 s), the leader forgets its consoles, and the grace period runs from then.
    await requeued;
    const { rows } = await t.db.query('select state, agent_id from conversations where id = $1', [session.conversationId]);
    expect(rows[0]).toEqual({ state: 'queued', agent_id: null });
    await emit(customer, 'close', {});
    // Restarted under the same name, the node does not bring the dead console back to life.
    await node(agentNode).restart();
  }, 120_000);

  it('recovers when Redis restarts empty: presence comes back and nodes serve each other again', async () => {
    const { token } = await login(node(2).url);
    const agent = track(agentConsole(node(2).url, token));
    await nextEvent(agent, 'me');
    await t.redis.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await t.redis.start();

    // A new customer on another node reaches the agent who was connected before the restart.
    const { socket: customer, session } = await withTimeout(
      eventually(async () => {
        try {
          return await waitingCustomer(node(0).url);
        } catch {
          return undefined;
        }
      }, 30_000),
      40_000,
      'a customer after the Redis restart',
    );
    await queueShows(agent, session.conversationId);
    expect((await emit(agent, 'accept', { conversationId: session.conversationId })).ok).toBe(true);
    const toCustomer = nextEvent<Message>(customer, 'message', (m) => m.text === 'After the restart', 20_000);
    expect((await emit(agent, 'message', { conversationId: session.conversationId, clientId: 'r1', text: 'After the restart' })).ok).toBe(true);
    await toCustomer;
    for (const n of t.cluster.nodes) {
      const health = (await (await fetch(`${n.url}/healthz`)).json()) as { ok: boolean; degraded?: string[] };
      expect(health).toEqual({ ok: true });
    }
    await emit(agent, 'close', { conversationId: session.conversationId });
    agent.disconnect();
  }, 120_000);

  it('refuses clearly while PostgreSQL is unreachable, says so on /healthz, and loses no acknowledged message', async () => {
    const customer = new ResendingCustomer(node(0).url);
    track(customer.socket);
    await eventually(() => (customer.sessions > 0 ? true : undefined), 20_000);
    customer.send('before the outage');
    await eventually(() => (customer.acked.length === 1 ? true : undefined));

    await t.cutDatabase();
    const refused = await emit(customer.socket, 'message', { clientId: 'during', text: 'during the outage' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'unavailable' });
    const health = await fetch(`${node(0).url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, error: { code: 'storage_unreachable' } });

    await t.restoreDatabase();
    await eventually(async () => ((await fetch(`${node(0).url}/healthz`)).status === 200 ? true : undefined), 20_000);
    // The widget sends the refused message again with the same clientId; it is stored once.
    const again = await emit(customer.socket, 'message', { clientId: 'during', text: 'during the outage' });
    expect(again.ok).toBe(true);
    const twice = await emit(customer.socket, 'message', { clientId: 'during', text: 'during the outage' });
    expect(twice.ok && (twice.message as Message).id).toBe(again.ok && (again.message as Message).id);
    const { rows } = await t.db.query(
      "select text from conversation_events where conversation_id = $1 and kind = 'message' and sender = 'customer' order by seq",
      [customer.conversationId],
    );
    expect(rows.map((r: { text: string }) => r.text)).toEqual(['before the outage', 'during the outage']);
    customer.socket.disconnect();
  }, 120_000);
});
