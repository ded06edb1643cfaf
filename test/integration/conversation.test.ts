// The whole path over real sockets and real storage, once on the embedded engine and once on PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { AssignedPayload, Message, QueueItem, SessionPayload, StatePayload } from '../../shared/protocol.ts';
import { MESSAGE_MAX_LENGTH } from '../../shared/protocol.ts';
import { enginesUnderTest } from '../support/engines.ts';
import { addAgent, ALLOWED_ORIGIN, connectAgent, connectCustomer, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { eventually, nextEvent } from '../support/waiting.ts';

const engines = await enginesUnderTest();

describe.each(engines)('a conversation on %s storage', (engine) => {
  let tandem: TestTandem;
  const sockets: Socket[] = [];
  const track = (socket: Socket) => {
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    tandem = await startTestTandem(engine);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await tandem?.destroy();
  });

  async function newCustomer(): Promise<{ socket: Socket; session: SessionPayload }> {
    const socket = track(connectCustomer(tandem.url));
    const session = await nextEvent<SessionPayload>(socket, 'session');
    return { socket, session };
  }

  it('answers a customer from the knowledge base at once', async () => {
    const { socket, session } = await newCustomer();
    expect(session.state).toBe('ai');
    expect(session.messages).toEqual([]);
    expect(session.token.length).toBeGreaterThan(30);

    const answer = nextEvent<Message>(socket, 'message', (m) => m.from === 'ai');
    const ack = await send<{ message: Message }>(socket, 'message', { clientId: 'c-1', text: 'Where is my refund?' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.message).toMatchObject({ from: 'customer', text: 'Where is my refund?', clientId: 'c-1', conversationId: session.conversationId });
    const reply = await answer;
    expect(reply.text).toMatch(/refund/i);
    expect(reply.text).toContain('From our help article');
    expect(reply.seq).toBeGreaterThan(ack.message.seq);
  });

  it('redirects a message that is not about support at all, and keeps the conversation with the AI', async () => {
    const { socket, session } = await newCustomer();
    const answer = nextEvent<Message>(socket, 'message', (m) => m.from === 'ai');
    await send(socket, 'message', { clientId: 'c-1', text: 'What will the weather be in Lisbon tomorrow?' });
    expect((await answer).text).toMatch(/only help with Lumen Pay/);
    const stored = await tandem.desk.conversation(session.conversationId);
    expect(stored).toMatchObject({ state: 'ai', triage: { latest: { outOfScope: true, route: 'ai' } } });
  });

  it('stores a message sent twice with the same clientId once, and acks the original', async () => {
    const { socket, session } = await newCustomer();
    const first = await send<{ message: Message }>(socket, 'message', { clientId: 'same-id', text: 'hello there' });
    const second = await send<{ message: Message }>(socket, 'message', { clientId: 'same-id', text: 'hello there' });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.message.id).toBe(first.message.id);
    await tandem.desk.idle();
    const stored = await tandem.desk.messages(session.conversationId);
    expect(stored.filter((m) => m.clientId === 'same-id')).toHaveLength(1);
    expect(stored.filter((m) => m.from === 'ai')).toHaveLength(1);
  });

  it('refuses bad payloads with a clear error and keeps serving', async () => {
    const { socket, session } = await newCustomer();
    const tooLong = await send(socket, 'message', { clientId: 'x', text: 'a'.repeat(MESSAGE_MAX_LENGTH + 1) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'too_long' } });
    const empty = await send(socket, 'message', { clientId: 'x', text: '   ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const garbage = await send(socket, 'message', 'not an object');
    expect(garbage).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const badScore = await send(socket, 'csat', { score: 9 });
    expect(badScore).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const tooEarly = await send(socket, 'csat', { score: 4 });
    expect(tooEarly).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await tandem.desk.messages(session.conversationId)).toEqual([]);
    const fine = await send(socket, 'message', { clientId: 'y', text: 'still there?' });
    expect(fine.ok).toBe(true);
  });

  it('goes from the AI to a person and back to a rating', async () => {
    const { socket: customer, session } = await newCustomer();
    const conversationId = session.conversationId;
    const aiAnswer = nextEvent<Message>(customer, 'message', (m) => m.from === 'ai');
    await send(customer, 'message', { clientId: 'm1', text: 'How do I return an item?' });
    const ai = await aiAnswer;

    const { token } = await login(tandem.url);
    const agent = track(connectAgent(tandem.url, token));
    await nextEvent(agent, 'queue');

    // "Talk to a person": the customer is queued with a place, the agent sees it live.
    const queued = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'queued' && s.queue !== undefined);
    const agentQueue = nextEvent<{ items: QueueItem[] }>(agent, 'queue', (q) => q.items.some((i) => i.conversationId === conversationId));
    expect(await send(customer, 'handoff', { reason: 'customer_button' })).toEqual({ ok: true });
    // An agent with free slots who picks by hand: the promise allows for the time they take to pick.
    const promised = (await queued).queue!;
    expect(promised).toMatchObject({ position: 1, promise: { confidence: 0.9 } });
    expect(promised.promise!.seconds).toBeGreaterThanOrEqual(15);
    expect(Date.parse(promised.promise!.deadline!)).toBeGreaterThan(Date.now());
    const item = (await agentQueue).items.find((i) => i.conversationId === conversationId)!;
    expect(item).toMatchObject({ priority: 'normal', preview: 'How do I return an item?', position: 1 });
    expect(item.promise?.seconds).toBe(promised.promise!.seconds);

    // The agent accepts and gets the whole transcript, the AI part included.
    const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === conversationId);
    const joined = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'agent');
    expect(await send(agent, 'accept', { conversationId })).toEqual({ ok: true, conversationId });
    const handed = await assigned;
    expect(handed.messages.map((m) => m.id)).toContain(ai.id);
    expect(handed.summary).toContain('Talk to a person');
    expect(handed.summary).toContain('How do I return an item?');
    expect((await joined).agent?.name).toBe('lead');

    // Typing and messages both ways.
    const agentSeesTyping = nextEvent(agent, 'typing', (t: { active: boolean }) => t.active);
    await send(customer, 'typing', { active: true });
    expect(await agentSeesTyping).toEqual({ conversationId, from: 'customer', active: true });
    const customerSeesTyping = nextEvent(customer, 'typing', (t: { from: string }) => t.from === 'agent');
    await send(agent, 'typing', { conversationId, active: true });
    expect(await customerSeesTyping).toEqual({ from: 'agent', active: true });

    const toCustomer = nextEvent<Message>(customer, 'message', (m) => m.from === 'agent');
    const agentAck = await send<{ message: Message }>(agent, 'message', { conversationId, clientId: 'a1', text: 'Hi, I can help with that return.' });
    expect(agentAck.ok).toBe(true);
    expect(await toCustomer).toMatchObject({ text: 'Hi, I can help with that return.', author: 'lead' });

    const toAgent = nextEvent<Message>(agent, 'message', (m) => m.from === 'customer');
    await send(customer, 'message', { clientId: 'm2', text: 'Thank you!' });
    expect((await toAgent).text).toBe('Thank you!');
    await tandem.desk.idle();
    // The AI stays quiet once a person holds the conversation.
    expect((await tandem.desk.messages(conversationId)).filter((m) => m.from === 'ai')).toHaveLength(1);

    // The agent closes; the customer rates 4 stars with a comment, and it is stored.
    const closed = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'closed');
    expect(await send(agent, 'close', { conversationId, disposition: 'resolved' })).toEqual({ ok: true });
    await closed;
    const rated = nextEvent<{ csat?: { score: number } }>(agent, 'conversation', (c) => c.csat !== undefined);
    expect(await send(customer, 'csat', { score: 4, comment: 'Quick and kind' })).toEqual({ ok: true });
    expect((await rated).csat).toEqual({ score: 4, comment: 'Quick and kind' });
    const stored = await tandem.desk.conversation(conversationId);
    expect(stored).toMatchObject({ state: 'closed', closedBy: 'agent', rating: { score: 4, comment: 'Quick and kind' } });
    expect(await send(customer, 'csat', { score: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await send(customer, 'message', { clientId: 'm3', text: 'one more thing' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });

  it('hands off when the customer writes that they want a person', async () => {
    const { socket } = await newCustomer();
    const queued = nextEvent<StatePayload>(socket, 'state', (s) => s.state === 'queued');
    await send(socket, 'message', { clientId: 'p', text: 'can I talk to a real person please' });
    expect((await queued).queue?.position).toBeGreaterThanOrEqual(1);
  });

  it('hands a fraud report to a person at once, urgent, with the reasons the agent sees in the queue and on accept', async () => {
    const { socket, session } = await newCustomer();
    const queued = nextEvent<StatePayload>(socket, 'state', (s) => s.state === 'queued');
    const aiNote = nextEvent<Message>(socket, 'message', (m) => m.from === 'ai');
    await send(socket, 'message', { clientId: 'f1', text: "Someone used my card for a 349 EUR purchase I didn't make!!" });
    await queued;
    expect((await aiNote).text).toMatch(/fraud.*Freeze card/s);
    const stored = await tandem.desk.conversation(session.conversationId);
    expect(stored).toMatchObject({ state: 'queued', type: 'fraud_security', priority: 'urgent' });
    expect(stored?.handoffReason).toMatch(/fraud/);

    const item = (await tandem.desk.queue()).find((i) => i.conversationId === session.conversationId);
    expect(item).toMatchObject({ type: 'fraud_security', priority: 'urgent' });
    expect(item?.triage?.reasons.some((r) => r.includes('fraud'))).toBe(true);
    expect(item?.triage?.sentiments).toHaveLength(1);
    // urgent goes first, ahead of anything that was waiting longer at normal priority
    expect((await tandem.desk.queue()).findIndex((i) => i.conversationId === session.conversationId)).toBe(
      (await tandem.desk.queue()).findIndex((i) => i.priority === 'urgent'),
    );
    const assignment = await tandem.desk.assignment(session.conversationId);
    expect(assignment).toMatchObject({ type: 'fraud_security', priority: 'urgent', triage: { distress: expect.any(Number) } });
    expect(assignment.summary).toMatch(/Why a person: .*fraud/);
    expect(assignment.summary).toMatch(/Mood: /);
  });

  it('keeps a calm routine question with the AI but sends the same words from a distressed customer to a person', async () => {
    const calm = await newCustomer();
    const answer = nextEvent<Message>(calm.socket, 'message', (m) => m.from === 'ai');
    await send(calm.socket, 'message', { clientId: 'r1', text: 'Where is my refund?' });
    expect((await answer).text).toMatch(/refund/i);
    await tandem.desk.idle();
    expect(await tandem.desk.conversation(calm.session.conversationId)).toMatchObject({ state: 'ai', triage: { latest: { route: 'ai', distress: 0 } } });

    const distressed = await newCustomer();
    const queued = nextEvent<StatePayload>(distressed.socket, 'state', (s) => s.state === 'queued');
    await send(distressed.socket, 'message', { clientId: 'r1', text: "Where is my refund? I'm overdrawn and can't pay my rent this week." });
    await queued;
    const stored = await tandem.desk.conversation(distressed.session.conversationId);
    expect(stored).toMatchObject({ state: 'queued', priority: 'high', triage: { latest: { route: 'human', distress: 2 } } });
    expect(stored?.handoffReason).toMatch(/money trouble/);
  });

  it('gives a waiting conversation to exactly one of two agents who accept at once', async () => {
    const { socket: customer, session } = await newCustomer();
    await send(customer, 'handoff', {});
    const second = await addAgent(tandem, 'Second');
    const [a, b] = await Promise.all([login(tandem.url), login(tandem.url, second)]);
    const agentA = track(connectAgent(tandem.url, a.token));
    const agentB = track(connectAgent(tandem.url, b.token));
    await Promise.all([nextEvent(agentA, 'queue'), nextEvent(agentB, 'queue')]);
    const results = await Promise.all([
      send(agentA, 'accept', { conversationId: session.conversationId }),
      send(agentB, 'accept', { conversationId: session.conversationId }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    const assignments = await tandem.store.db
      .selectFrom('conversation_events')
      .select('kind')
      .where('conversation_id', '=', session.conversationId)
      .where('kind', '=', 'assigned')
      .execute();
    expect(assignments).toHaveLength(1);
  });

  it('resumes the same conversation with its whole history after a reload, and catches up from the last seq', async () => {
    const { socket, session } = await newCustomer();
    const answer = nextEvent<Message>(socket, 'message', (m) => m.from === 'ai');
    await send(socket, 'message', { clientId: 'r1', text: 'I forgot my password' });
    const ai = await answer;
    socket.disconnect();

    const reloaded = track(connectCustomer(tandem.url, { token: session.token }));
    const resumed = await nextEvent<SessionPayload>(reloaded, 'session');
    expect(resumed.conversationId).toBe(session.conversationId);
    expect(resumed.messages.map((m) => m.text)).toEqual(['I forgot my password', ai.text]);

    const caughtUp = track(connectCustomer(tandem.url, { token: session.token, after: resumed.messages[0]!.seq }));
    expect((await nextEvent<SessionPayload>(caughtUp, 'session')).messages.map((m) => m.id)).toEqual([ai.id]);

    const unknown = track(connectCustomer(tandem.url, { token: 'no-such-token-anywhere' }));
    const fresh = await nextEvent<SessionPayload>(unknown, 'session');
    expect(fresh.conversationId).not.toBe(session.conversationId);
    expect(fresh.messages).toEqual([]);
  });

  it('lets a waiting customer leave: the conversation closes and leaves the queue', async () => {
    const { socket: customer, session } = await newCustomer();
    const { token } = await login(tandem.url);
    const agent = track(connectAgent(tandem.url, token));
    await nextEvent(agent, 'queue');
    const listed = nextEvent<{ items: QueueItem[] }>(agent, 'queue', (q) => q.items.some((i) => i.conversationId === session.conversationId));
    await send(customer, 'message', { clientId: 'q1', text: 'first words' });
    await send(customer, 'handoff', {});
    await listed;
    // While waiting, the queue shows the customer's latest words.
    const previewed = nextEvent<{ items: QueueItem[] }>(agent, 'queue', (q) =>
      q.items.some((i) => i.conversationId === session.conversationId && i.preview === 'still waiting, hello?'),
    );
    await send(customer, 'message', { clientId: 'q2', text: 'still waiting, hello?' });
    await previewed;
    const gone = nextEvent<{ items: QueueItem[] }>(agent, 'queue', (q) => !q.items.some((i) => i.conversationId === session.conversationId));
    const closed = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'closed');
    expect(await send(customer, 'close', {})).toEqual({ ok: true });
    await Promise.all([gone, closed]);
    expect(await tandem.desk.conversation(session.conversationId)).toMatchObject({ state: 'closed', closedBy: 'customer' });
    expect(await send(agent, 'accept', { conversationId: session.conversationId })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });

  it('lets only allowed origins open a customer connection, on the WebSocket handshake too', async () => {
    const foreign = track(
      io(`${tandem.url}/customer`, { transports: ['websocket'], extraHeaders: { origin: 'https://evil.example' }, reconnection: false, forceNew: true }),
    );
    await nextEvent(foreign, 'connect_error');
    const own = track(io(`${tandem.url}/customer`, { transports: ['websocket'], extraHeaders: { origin: tandem.url }, forceNew: true }));
    await nextEvent<SessionPayload>(own, 'session');
    const shop = track(io(`${tandem.url}/customer`, { transports: ['websocket'], extraHeaders: { origin: ALLOWED_ORIGIN }, forceNew: true }));
    await nextEvent<SessionPayload>(shop, 'session');
  });

  it('serves the widget script to any origin and the rest under a strict CSP', async () => {
    const widget = await fetch(`${tandem.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    const consolePage = await fetch(`${tandem.url}/console/`);
    expect(consolePage.status).toBe(200);
    expect(consolePage.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(consolePage.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('refuses agents without a valid session', async () => {
    const bad = track(connectAgent(tandem.url, 'forged'));
    const error = await nextEvent<Error>(bad, 'connect_error');
    expect(error.message).toBe('unauthorized');
    const response = await fetch(`${tandem.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lead@example.test', password: 'wrong' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Wrong email or password.' } });
  });

  it('answers /healthz and /metrics', async () => {
    const health = await fetch(`${tandem.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const metrics = await (await fetch(`${tandem.url}/metrics`)).text();
    expect(metrics).toMatch(/^tandem_messages_total\{from="customer"\} \d+/m);
    expect(metrics).toMatch(/^tandem_queue_length \d+/m);
  });

  it('carries on across a server restart: nothing lost, customer and agent reconnect', async () => {
    const { socket: customer, session } = await newCustomer();
    await send(customer, 'handoff', {});
    const { token } = await login(tandem.url);
    const agent = track(connectAgent(tandem.url, token));
    const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === session.conversationId);
    await send(agent, 'accept', { conversationId: session.conversationId });
    await assigned;
    const before = await send<{ message: Message }>(customer, 'message', { clientId: 'before', text: 'before the restart' });
    expect(before.ok).toBe(true);

    const customerBack = nextEvent<SessionPayload>(customer, 'session', (s) => s.conversationId === session.conversationId, 20_000);
    const agentBack = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === session.conversationId, 20_000);
    tandem = await tandem.restart();
    await Promise.all([customerBack, agentBack]);
    const history = (await agentBack).messages.map((m) => m.text);
    expect(history).toContain('before the restart');

    const toAgent = nextEvent<Message>(agent, 'message', (m) => m.clientId === 'after');
    const after = await send<{ message: Message }>(customer, 'message', { clientId: 'after', text: 'after the restart' });
    expect(after.ok).toBe(true);
    expect((await toAgent).text).toBe('after the restart');
    const toCustomer = nextEvent<Message>(customer, 'message', (m) => m.from === 'agent');
    await send(agent, 'message', { conversationId: session.conversationId, clientId: 'reply', text: 'Still here.' });
    expect((await toCustomer).text).toBe('Still here.');
    await eventually(async () => ((await tandem.desk.messages(session.conversationId)).length >= 5 ? true : undefined));
  });
});
