// Live routing over real sockets and real storage, on the embedded engine and on PostgreSQL: automatic
// assignment to a free agent, capacity on manual accept, wait-time promises (and honest "no number"), skills,
// the grace period of an agent who disconnects, customers leaving the queue, and one chat for one agent only.
// Each test starts its own server, because routing's settings (TANDEM_AUTO_ASSIGN, TANDEM_AGENT_GRACE_SECONDS)
// are read at start and because queue positions must not depend on what other tests left waiting.
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { AssignedPayload, LoginResponse, Message, QueueItem, SessionPayload, StatePayload } from '../../shared/protocol.ts';
import { enginesUnderTest } from '../support/engines.ts';
import { addAgent, ADMIN, connectAgent, connectCustomer, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { eventually, nextEvent } from '../support/waiting.ts';

const engines = await enginesUnderTest();

type QueuePayload = { items: QueueItem[] };
type Credentials = { email: string; password: string };

/** Every `event` payload `socket` receives from now on, in order. */
function record<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Resolves once `socket` has received no `event` for `ms` (the server has finished telling it things). */
async function quiet(socket: Socket, event: string, ms = 250): Promise<void> {
  let last = Date.now();
  const seen = () => {
    last = Date.now();
  };
  socket.on(event, seen);
  try {
    await eventually(() => (Date.now() - last >= ms ? true : undefined), 5_000);
  } finally {
    socket.off(event, seen);
  }
}

const lists = (conversationId: string) => (q: QueuePayload) => q.items.some((i) => i.conversationId === conversationId);

describe.each(engines)('routing on %s storage', (engine) => {
  let tandem: TestTandem | undefined;
  const sockets: Socket[] = [];
  const track = (socket: Socket) => {
    sockets.push(socket);
    return socket;
  };

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await tandem?.destroy();
    tandem = undefined;
  });

  async function boot(env: Record<string, string> = {}): Promise<TestTandem> {
    tandem = await startTestTandem(engine, undefined, env);
    return tandem;
  }

  async function newCustomer(t: TestTandem): Promise<{ socket: Socket; id: string; session: SessionPayload }> {
    const socket = track(connectCustomer(t.url));
    const session = await nextEvent<SessionPayload>(socket, 'session');
    return { socket, id: session.conversationId, session };
  }

  /** Log in and open a console; resolves once the server has sent it the queue (it is connected and present). */
  async function openConsole(t: TestTandem, credentials: Credentials = ADMIN): Promise<{ socket: Socket; session: LoginResponse }> {
    const session = await login(t.url, credentials);
    const socket = track(connectAgent(t.url, session.token));
    await nextEvent(socket, 'queue');
    return { socket, session };
  }

  async function agentSocketsOpen(t: TestTandem): Promise<number> {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const match = /^tandem_connected_sockets\{namespace="agent"\} (\d+)/m.exec(metrics);
    return Number(match?.[1] ?? NaN);
  }

  it('assigns a chat to the free agent at once, promises the next customer a time, and assigns them when a slot frees', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'on' });
    const { socket: agent, session: lead } = await openConsole(t);
    expect(await send(agent, 'presence', { status: 'online', capacity: 1 })).toMatchObject({ ok: true, status: 'online', capacity: 1 });

    // The first customer who asks for a person gets the agent without anyone clicking.
    const first = await newCustomer(t);
    const assignedFirst = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === first.id);
    const joinedFirst = nextEvent<StatePayload>(first.socket, 'state', (s) => s.state === 'agent');
    expect(await send(first.socket, 'handoff', {})).toEqual({ ok: true });
    expect((await assignedFirst).conversationId).toBe(first.id);
    expect((await joinedFirst).agent).toEqual({ name: lead.agent.name });
    expect(await t.desk.conversation(first.id)).toMatchObject({ state: 'agent', agentId: lead.agent.id });

    // The second waits (the agent is at capacity) and is promised a time; the agent sees the same promise.
    const second = await newCustomer(t);
    const waiting = nextEvent<StatePayload>(second.socket, 'state', (s) => s.state === 'queued');
    const listed = nextEvent<QueuePayload>(agent, 'queue', (q) => q.items.some((i) => i.conversationId === second.id && i.promise !== null));
    const askedAt = Date.now();
    expect(await send(second.socket, 'handoff', {})).toEqual({ ok: true });
    const told = (await waiting).queue;
    expect(told?.position).toBe(1);
    expect(told?.promise).toMatchObject({ confidence: 0.9 });
    expect(told?.promise?.seconds).toBeGreaterThanOrEqual(15);
    const deadline = Date.parse(told?.promise?.deadline ?? '');
    expect(deadline).toBeGreaterThan(Date.now());
    // The deadline is the promised number of seconds from when it was made.
    expect(Math.abs(deadline - askedAt - told!.promise!.seconds * 1000)).toBeLessThan(5_000);
    const item = (await listed).items.find((i) => i.conversationId === second.id)!;
    expect(item.promise).toEqual(told?.promise);
    expect(typeof item.dueInSeconds).toBe('number');
    expect(item.dueInSeconds).toBeGreaterThan(0);
    expect(item.dueInSeconds).toBeLessThanOrEqual(told!.promise!.seconds);
    expect(await t.desk.conversation(second.id)).toMatchObject({ state: 'queued', agentId: null });

    // The agent ends the first chat: the freed slot goes to the waiting customer by itself.
    const assignedSecond = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === second.id);
    const joinedSecond = nextEvent<StatePayload>(second.socket, 'state', (s) => s.state === 'agent');
    expect(await send(agent, 'close', { conversationId: first.id })).toEqual({ ok: true });
    await assignedSecond;
    expect((await joinedSecond).agent).toEqual({ name: lead.agent.name });
    expect(await t.desk.conversation(second.id)).toMatchObject({ state: 'agent', agentId: lead.agent.id });
  });

  it('refuses a manual accept beyond the capacity the agent set, and assigns nothing', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'off' });
    const { socket: agent, session: lead } = await openConsole(t);
    expect(await send(agent, 'presence', { status: 'online', capacity: 1 })).toMatchObject({ ok: true, capacity: 1 });

    const first = await newCustomer(t);
    const second = await newCustomer(t);
    const secondStates = record<StatePayload>(second.socket, 'state');
    const bothListed = nextEvent<QueuePayload>(agent, 'queue', (q) => lists(first.id)(q) && lists(second.id)(q));
    await send(first.socket, 'handoff', {});
    await send(second.socket, 'handoff', {});
    await bothListed;

    expect(await send(agent, 'accept', { conversationId: first.id })).toEqual({ ok: true, conversationId: first.id });
    expect(await send(agent, 'accept', { conversationId: second.id })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });

    await quiet(second.socket, 'state');
    expect(await t.desk.conversation(second.id)).toMatchObject({ state: 'queued', agentId: null });
    expect(secondStates.at(-1)?.state).toBe('queued');
    expect(secondStates.some((s) => s.state === 'agent')).toBe(false);
    expect((await t.desk.heldBy(lead.agent.id)).map((c) => c.id)).toEqual([first.id]);

    // The refusal was the capacity: raised, the same accept goes through.
    expect(await send(agent, 'presence', { status: 'online', capacity: 2 })).toMatchObject({ ok: true, capacity: 2 });
    const joined = nextEvent<StatePayload>(second.socket, 'state', (s) => s.state === 'agent');
    expect(await send(agent, 'accept', { conversationId: second.id })).toEqual({ ok: true, conversationId: second.id });
    await joined;
  });

  it('gives no number when no agent is online, offers to keep waiting or leave the question, and gives one when an agent comes', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'off' });
    const customer = await newCustomer(t);
    const waiting = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'queued');
    expect(await send(customer.socket, 'handoff', {})).toEqual({ ok: true });
    const told = (await waiting).queue;
    expect(told?.position).toBe(1);
    expect(told?.promise).toBeNull();
    expect(told?.reason).toMatch(/keep waiting/i);
    expect(told?.reason).toMatch(/leave your question/i);

    // An agent comes online: the customer now hears an honest number.
    const promised = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'queued' && s.queue?.promise != null);
    await openConsole(t);
    const now = (await promised).queue;
    expect(now?.position).toBe(1);
    expect(now?.promise?.seconds).toBeGreaterThanOrEqual(15);
  });

  it('does not give an agent a chat of a type outside their skills, and gives them one inside', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'on' });
    const { socket: billing, session: billingAgent } = await openConsole(t);
    expect(await send(billing, 'presence', { status: 'online', skills: ['billing_dispute'] })).toMatchObject({ ok: true, skills: ['billing_dispute'] });
    const billingAssigned = record<AssignedPayload>(billing, 'assigned');

    // A fraud report goes to a person at once, but this agent does not take fraud.
    const fraud = await newCustomer(t);
    const fraudListed = nextEvent<QueuePayload>(billing, 'queue', (q) => q.items.some((i) => i.conversationId === fraud.id && i.type === 'fraud_security'));
    await send(fraud.socket, 'message', { clientId: 'f1', text: 'someone logged into my account and changed my password' });
    await fraudListed;

    // A billing dispute arrives after it (and behind it: fraud is urgent): the billing agent gets that one.
    const dispute = await newCustomer(t);
    const disputeAssigned = nextEvent<AssignedPayload>(billing, 'assigned', (a) => a.conversationId === dispute.id);
    const disputeJoined = nextEvent<StatePayload>(dispute.socket, 'state', (s) => s.state === 'agent');
    await send(dispute.socket, 'message', { clientId: 'b1', text: 'I was charged twice for the same order and I want my money back' });
    expect((await disputeAssigned).type).toBe('billing_dispute');
    await disputeJoined;

    await quiet(billing, 'queue');
    expect(await t.desk.conversation(fraud.id)).toMatchObject({ state: 'queued', type: 'fraud_security', agentId: null });
    expect(billingAssigned.map((a) => a.conversationId)).toEqual([dispute.id]);
    expect((await t.desk.heldBy(billingAgent.agent.id)).map((c) => c.id)).toEqual([dispute.id]);

    // The fraud chat was only waiting for someone who takes fraud: an agent who takes every type gets it.
    const generalist = await addAgent(t, 'Gene');
    const login2 = await login(t.url, generalist);
    const geneSocket = track(connectAgent(t.url, login2.token));
    const fraudAssigned = nextEvent<AssignedPayload>(geneSocket, 'assigned', (a) => a.conversationId === fraud.id);
    const fraudJoined = nextEvent<StatePayload>(fraud.socket, 'state', (s) => s.state === 'agent');
    await fraudAssigned;
    expect((await fraudJoined).agent).toEqual({ name: 'Gene' });
  });

  it('puts an agent’s chat back at the front of the queue when they stay away past the grace period', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'off', TANDEM_AGENT_GRACE_SECONDS: '1' });
    const { socket: agent, session: lead } = await openConsole(t);
    const customer = await newCustomer(t);
    await send(customer.socket, 'handoff', {});
    const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === customer.id);
    const joined = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'agent');
    expect(await send(agent, 'accept', { conversationId: customer.id })).toMatchObject({ ok: true });
    await Promise.all([assigned, joined]);

    const requeued = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'queued', 5_000);
    const leftNote = nextEvent<Message>(customer.socket, 'message', (m) => m.from === 'system' && /had to leave/.test(m.text), 5_000);
    const leftAt = Date.now();
    agent.disconnect();

    // The server has seen the console go, and within the grace period the agent keeps the chat.
    await eventually(async () => ((await agentSocketsOpen(t)) === 0 ? true : undefined));
    expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'agent', agentId: lead.agent.id });
    expect(Date.now() - leftAt).toBeLessThan(1_000);

    // After it, the customer is back in the queue, first, and told why.
    const back = await requeued;
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(950);
    expect(back.queue?.position).toBe(1);
    expect((await leftNote).text).toMatch(/lead had to leave/);
    expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'queued', agentId: null });
    expect(await t.desk.heldBy(lead.agent.id)).toEqual([]);

    // Another agent finds it in the queue and takes it over.
    const other = await addAgent(t, 'Olive');
    const otherLogin = await login(t.url, other);
    const otherSocket = track(connectAgent(t.url, otherLogin.token));
    const firstQueue = await nextEvent<QueuePayload>(otherSocket, 'queue');
    expect(firstQueue.items.map((i) => i.conversationId)).toEqual([customer.id]);
    const taken = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'agent');
    expect(await send(otherSocket, 'accept', { conversationId: customer.id })).toMatchObject({ ok: true });
    expect((await taken).agent).toEqual({ name: 'Olive' });

    // The first agent, back later, sees neither the chat as theirs nor it in the queue.
    const leadBack = track(connectAgent(t.url, lead.token));
    const leadAssigned = record<AssignedPayload>(leadBack, 'assigned');
    const leadQueue = await nextEvent<QueuePayload>(leadBack, 'queue');
    expect(leadQueue.items).toEqual([]);
    await quiet(leadBack, 'assigned');
    expect(leadAssigned).toEqual([]);
  });

  it('lets an agent who reconnects within the grace period keep their chat', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'off', TANDEM_AGENT_GRACE_SECONDS: '1' });
    const { socket: agent, session: lead } = await openConsole(t);
    const customer = await newCustomer(t);
    await send(customer.socket, 'handoff', {});
    const joined = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'agent');
    expect(await send(agent, 'accept', { conversationId: customer.id })).toMatchObject({ ok: true });
    await joined;
    const customerStates = record<StatePayload>(customer.socket, 'state');
    const customerMessages = record<Message>(customer.socket, 'message');

    const leftAt = Date.now();
    agent.disconnect();
    await eventually(async () => ((await agentSocketsOpen(t)) === 0 ? true : undefined));
    const again = track(connectAgent(t.url, lead.token));
    const reassigned = await nextEvent<AssignedPayload>(again, 'assigned', (a) => a.conversationId === customer.id);
    expect(reassigned.state).toBe('agent');
    expect(Date.now() - leftAt).toBeLessThan(1_000);

    // Past the end of the grace period the chat is still theirs (nothing to poll for: an absence).
    await new Promise((r) => setTimeout(r, Math.max(0, leftAt + 1_500 - Date.now())));
    expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'agent', agentId: lead.agent.id });
    expect(customerStates.some((s) => s.state !== 'agent')).toBe(false);
    expect(customerMessages.some((m) => m.from === 'system')).toBe(false);

    // And they can still write to the customer.
    const reply = nextEvent<Message>(customer.socket, 'message', (m) => m.from === 'agent');
    expect(await send(again, 'message', { conversationId: customer.id, clientId: 'back', text: 'Sorry, my connection dropped.' })).toMatchObject({ ok: true });
    expect((await reply).text).toBe('Sorry, my connection dropped.');
  });

  it('takes a waiting customer who leaves out of the queue', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'off' });
    const { socket: agent } = await openConsole(t);
    const staying = await newCustomer(t);
    const leaving = await newCustomer(t);
    const listed = nextEvent<QueuePayload>(agent, 'queue', (q) => lists(staying.id)(q) && lists(leaving.id)(q));
    await send(staying.socket, 'handoff', {});
    await send(leaving.socket, 'handoff', {});
    await listed;
    await quiet(agent, 'queue');

    const next = nextEvent<QueuePayload>(agent, 'queue');
    const closed = nextEvent<StatePayload>(leaving.socket, 'state', (s) => s.state === 'closed');
    expect(await send(leaving.socket, 'close', {})).toEqual({ ok: true });
    const after = await next;
    expect(after.items.map((i) => i.conversationId)).toEqual([staying.id]);
    expect(after.items[0]?.position).toBe(1);
    await closed;
    expect(await t.desk.conversation(leaving.id)).toMatchObject({ state: 'closed', closedBy: 'customer' });
  });

  it('gives a waiting chat to exactly one of two agents who accept it at the same moment', async () => {
    const t = await boot({ TANDEM_AUTO_ASSIGN: 'off' });
    const { socket: a, session: aLogin } = await openConsole(t);
    const { socket: b, session: bLogin } = await openConsole(t, await addAgent(t, 'Bea'));
    const aAssigned = record<AssignedPayload>(a, 'assigned');
    const bAssigned = record<AssignedPayload>(b, 'assigned');

    // A few rounds, so a race that is lost only now and then shows.
    const customers = await Promise.all([newCustomer(t), newCustomer(t), newCustomer(t)]);
    const agentStates = customers.map((c) => record<StatePayload>(c.socket, 'state'));
    const allListed = nextEvent<QueuePayload>(a, 'queue', (q) => customers.every((c) => lists(c.id)(q)));
    await Promise.all(customers.map((c) => send(c.socket, 'handoff', {})));
    await allListed;

    for (const [index, customer] of customers.entries()) {
      const results = await Promise.all([
        send(a, 'accept', { conversationId: customer.id }),
        send(b, 'accept', { conversationId: customer.id }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
      const winner = results[0]!.ok ? aLogin : bLogin;
      expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'agent', agentId: winner.agent.id });
      await eventually(() => (agentStates[index]!.some((s) => s.state === 'agent') ? true : undefined));
    }
    await Promise.all([quiet(a, 'assigned'), quiet(b, 'assigned')]);
    const ids = customers.map((c) => c.id).sort();
    // Every chat was handed to exactly one console, and each customer was joined once.
    expect([...aAssigned, ...bAssigned].map((x) => x.conversationId).sort()).toEqual(ids);
    for (const states of agentStates) expect(states.filter((s) => s.state === 'agent')).toHaveLength(1);
    const held = [...(await t.desk.heldBy(aLogin.agent.id)), ...(await t.desk.heldBy(bLogin.agent.id))].map((c) => c.id).sort();
    expect(held).toEqual(ids);
  });
});
