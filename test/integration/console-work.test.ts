// The console's work over real sockets and real storage, on the embedded engine and on PostgreSQL: internal
// notes that never reach the customer, transfers to an agent and to a skill group, the canned replies' API, and
// closing with a disposition and a corrected type.
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type {
  AgentSummary,
  AssignedPayload,
  CannedReply,
  ConversationUpdate,
  LoginResponse,
  Message,
  Note,
  QueueItem,
  SessionPayload,
  StatePayload,
  TransferView,
} from '../../shared/protocol.ts';
import { enginesUnderTest } from '../support/engines.ts';
import { addAgent, ADMIN, api, connectAgent, connectCustomer, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { eventually, nextEvent } from '../support/waiting.ts';

const engines = await enginesUnderTest();

type Credentials = { email: string; password: string };
type QueuePayload = { items: QueueItem[] };

/** Everything a socket receives from now on, as JSON text per event, to search for what must never arrive. */
function everything(socket: Socket): string[] {
  const seen: string[] = [];
  socket.onAny((event: string, ...args: unknown[]) => seen.push(`${event} ${JSON.stringify(args)}`));
  return seen;
}

describe.each(engines)('console work on %s storage', (engine) => {
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

  /** A console that is connected and present (the server has sent it the queue). */
  async function openConsole(t: TestTandem, credentials: Credentials = ADMIN): Promise<{ socket: Socket; session: LoginResponse }> {
    const session = await login(t.url, credentials);
    const socket = track(connectAgent(t.url, session.token));
    await nextEvent(socket, 'queue');
    return { socket, session };
  }

  /** A customer who asked for a person, having written `text` first. */
  async function waitingCustomer(t: TestTandem, text = 'I was charged twice for my order'): Promise<{ socket: Socket; id: string; token: string }> {
    const socket = track(connectCustomer(t.url));
    const session = await nextEvent<SessionPayload>(socket, 'session');
    expect(await send(socket, 'message', { clientId: 'c1', text })).toMatchObject({ ok: true });
    await t.desk.idle();
    const queued = (await t.desk.conversation(session.conversationId))?.state === 'queued';
    if (!queued) expect(await send(socket, 'handoff', {})).toEqual({ ok: true });
    // With automatic assignment it may already be with an agent.
    await eventually(async () => ((await t.desk.conversation(session.conversationId))?.state !== 'ai' ? true : undefined));
    return { socket, id: session.conversationId, token: session.token };
  }

  /** A customer whose conversation `agent` has accepted. */
  async function heldBy(t: TestTandem, agent: Socket, text?: string): Promise<{ socket: Socket; id: string; token: string }> {
    const customer = await waitingCustomer(t, text);
    const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === customer.id);
    expect(await send(agent, 'accept', { conversationId: customer.id })).toEqual({ ok: true, conversationId: customer.id });
    await assigned;
    return customer;
  }

  describe('internal notes', () => {
    it('reach the agent holding the conversation and never the customer: not live, not in sync, not after a reconnect or a restart', async () => {
      let t = await boot();
      const { socket: sam } = await openConsole(t);
      const customer = await heldBy(t, sam);
      const heard = everything(customer.socket);
      const secret = 'Customer sounds like a fraud risk, double-check the address';

      const live = nextEvent<Note>(sam, 'note');
      const added = await send<{ note: Note }>(sam, 'note', { conversationId: customer.id, clientId: 'n1', text: `  ${secret}  ` });
      expect(added).toMatchObject({ ok: true, note: { conversationId: customer.id, text: secret, author: 'lead', clientId: 'n1' } });
      if (!added.ok) throw new Error('refused');
      expect(await live).toEqual(added.note);

      // The same clientId again stores nothing and answers the note stored first.
      expect(await send(sam, 'note', { conversationId: customer.id, clientId: 'n1', text: secret })).toEqual(added);

      // A reply sent after the note reaches the customer, so the note's absence is not a dead connection.
      const reply = nextEvent<Message>(customer.socket, 'message', (m) => m.from === 'agent');
      expect(await send(sam, 'message', { conversationId: customer.id, clientId: 'r1', text: 'I am checking your order now.' })).toMatchObject({ ok: true });
      await reply;
      const synced = await send<{ messages: Message[] }>(customer.socket, 'sync', { after: 0 });
      expect(synced.ok && synced.messages.map((m) => m.text)).toContain('I am checking your order now.');
      expect(JSON.stringify(synced)).not.toContain('fraud risk');

      const again = track(connectCustomer(t.url, { token: customer.token }));
      const resumed = await nextEvent<SessionPayload>(again, 'session');
      expect(resumed.conversationId).toBe(customer.id);
      expect(JSON.stringify(resumed)).not.toContain('fraud risk');
      expect(heard.join('\n')).not.toContain('fraud risk');
      expect(heard.some((e) => e.startsWith('note '))).toBe(false);

      // Stored once, as an event of the log and not as a message.
      const rows = await t.store.db.selectFrom('conversation_events').select(['kind', 'text']).where('conversation_id', '=', customer.id).where('kind', '=', 'noted').execute();
      expect(rows).toEqual([{ kind: 'noted', text: null }]);
      expect((await t.desk.messages(customer.id)).some((m) => m.text.includes('fraud risk'))).toBe(false);

      // After a restart the agent gets the note back with the conversation; the customer still never sees it.
      for (const socket of sockets.splice(0)) socket.disconnect();
      t = tandem = await t.restart();
      const back = await login(t.url, ADMIN);
      const console2 = track(connectAgent(t.url, back.token));
      const reassigned = await nextEvent<AssignedPayload>(console2, 'assigned', (a) => a.conversationId === customer.id);
      expect(reassigned.notes).toEqual([added.note]);
      expect(JSON.stringify(reassigned.messages)).not.toContain('fraud risk');
      const afterRestart = track(connectCustomer(t.url, { token: customer.token }));
      expect(JSON.stringify(await nextEvent<SessionPayload>(afterRestart, 'session'))).not.toContain('fraud risk');
    }, 60_000);

    it('may be written only by the agent holding the conversation, and not once it has ended', async () => {
      const t = await boot();
      const { socket: sam } = await openConsole(t);
      const { socket: kim } = await openConsole(t, await addAgent(t, 'Kim'));
      const customer = await heldBy(t, sam);
      expect(await send(kim, 'note', { conversationId: customer.id, clientId: 'k1', text: 'I was here' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await send(sam, 'note', { conversationId: customer.id, clientId: 'n1', text: '' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      expect(await send(sam, 'close', { conversationId: customer.id })).toEqual({ ok: true });
      expect(await send(sam, 'note', { conversationId: customer.id, clientId: 'n2', text: 'too late' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_state' },
      });
      // A card number in a note is masked like one in a message.
      const other = await heldBy(t, sam, 'I need a person about a charge');
      const masked = await send<{ note: Note }>(sam, 'note', { conversationId: other.id, clientId: 'n3', text: 'customer pasted 4111 1111 1111 1111' });
      expect(masked.ok && masked.note.text).toBe('customer pasted [card •••• 1111]');
    }, 60_000);
  });

  describe('transfers', () => {
    it('to an agent who is online with room: they get it with the note on top, the old holder lets go, the customer is told', async () => {
      const t = await boot();
      const { socket: sam } = await openConsole(t);
      const kimLogin = await addAgent(t, 'Kim');
      const { socket: kim, session: kimSession } = await openConsole(t, kimLogin);
      const customer = await heldBy(t, sam);
      expect(await send(sam, 'note', { conversationId: customer.id, clientId: 'n1', text: 'Checked: the second charge is pending, not captured.' })).toMatchObject({ ok: true });

      const listed = await send<{ agents: AgentSummary[] }>(sam, 'agents', {});
      expect(listed.ok && listed.agents.find((a) => a.name === 'Kim')).toMatchObject({ id: kimSession.agent.id, status: 'online', active: 0, capacity: 3 });
      expect(listed.ok && listed.agents.find((a) => a.name === 'lead')).toMatchObject({ status: 'online', active: 1 });

      const kimGets = nextEvent<AssignedPayload>(kim, 'assigned', (a) => a.conversationId === customer.id);
      const samLetsGo = nextEvent<ConversationUpdate>(sam, 'conversation', (u) => u.conversationId === customer.id);
      const told = nextEvent<Message>(customer.socket, 'message', (m) => m.from === 'system' && /transferred/.test(m.text));
      const joined = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.agent?.name === 'Kim');
      const moved = await send<{ state: string; transfer: TransferView }>(sam, 'transfer', {
        conversationId: customer.id,
        to: { agentId: kimSession.agent.id },
        note: 'Please refund the duplicate once it is captured.',
      });
      expect(moved).toMatchObject({ ok: true, state: 'agent', transfer: { from: 'lead', toAgent: 'Kim', note: 'Please refund the duplicate once it is captured.' } });

      const assigned = await kimGets;
      expect(assigned.brief.transfer).toMatchObject({ from: 'lead', toAgent: 'Kim', note: 'Please refund the duplicate once it is captured.' });
      expect(assigned.summary.split('\n')[0]).toBe('Transferred by lead to Kim: Please refund the duplicate once it is captured.');
      expect(assigned.notes.map((n) => n.text)).toEqual(['Checked: the second charge is pending, not captured.']);
      expect(await samLetsGo).toEqual({ conversationId: customer.id, state: 'agent', transferredTo: { agent: 'Kim' } });
      expect((await told).text).toBe('You are being transferred to Kim, who can see the whole conversation and will continue here.');
      expect((await joined).state).toBe('agent');
      expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'agent', agentId: kimSession.agent.id, agentName: 'Kim' });

      // Kim writes; the old holder can no longer write, and no longer hears the customer.
      expect(await send(kim, 'message', { conversationId: customer.id, clientId: 'k1', text: 'Hi, Kim here.' })).toMatchObject({ ok: true });
      expect(await send(sam, 'message', { conversationId: customer.id, clientId: 's9', text: 'still me?' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const samHeard = everything(sam);
      const kimHears = nextEvent<Message>(kim, 'message', (m) => m.text === 'thanks Kim');
      expect(await send(customer.socket, 'message', { clientId: 'c2', text: 'thanks Kim' })).toMatchObject({ ok: true });
      await kimHears;
      expect(samHeard.join('\n')).not.toContain('thanks Kim');
    }, 60_000);

    it('is refused, changing nothing, when the agent is away, at capacity, not signed in, or oneself', async () => {
      const t = await boot();
      const { socket: sam, session: samSession } = await openConsole(t);
      const { socket: kim, session: kimSession } = await openConsole(t, await addAgent(t, 'Kim'));
      const lee = await addAgent(t, 'Lee');
      const customer = await heldBy(t, sam);
      const before = await t.desk.conversation(customer.id);
      const transferTo = (agentId: string) => send(sam, 'transfer', { conversationId: customer.id, to: { agentId }, note: 'over to you' });

      expect(await send(kim, 'presence', { status: 'away' })).toMatchObject({ ok: true, status: 'away' });
      expect(await transferTo(kimSession.agent.id)).toEqual({ ok: false, error: { code: 'invalid_state', message: 'Kim is away: choose someone online, or a group.' } });

      expect(await send(kim, 'presence', { status: 'online', capacity: 1 })).toMatchObject({ ok: true, capacity: 1 });
      await heldBy(t, kim, 'I need a person about my account');
      expect(await transferTo(kimSession.agent.id)).toEqual({
        ok: false,
        error: { code: 'invalid_state', message: 'Kim is at capacity: they already hold 1 chats. Choose someone else, or a group.' },
      });

      const leeId = (await t.store.findAgentByEmail(lee.email))!.id;
      expect(await transferTo(leeId)).toEqual({ ok: false, error: { code: 'invalid_state', message: 'Lee is not signed in: choose someone online, or a group.' } });
      expect(await transferTo('nobody')).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await transferTo(samSession.agent.id)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      expect(await send(sam, 'transfer', { conversationId: customer.id, to: { skill: 'astrology' } })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      expect(await send(kim, 'transfer', { conversationId: customer.id, to: { skill: 'billing_dispute' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

      // Nothing moved: same holder, same version, no event stored.
      expect(await t.desk.conversation(customer.id)).toEqual(before);
    }, 60_000);

    it('to a skill group: back in the queue in its place, taken only by an agent with the skill, who reads the note', async () => {
      const t = await boot();
      const { socket: sam } = await openConsole(t);
      const { socket: kim } = await openConsole(t, await addAgent(t, 'Kim'));
      const { socket: lee, session: leeSession } = await openConsole(t, await addAgent(t, 'Lee'));
      expect(await send(kim, 'presence', { status: 'online', skills: ['account_status'] })).toMatchObject({ ok: true });
      expect(await send(lee, 'presence', { status: 'online', skills: ['billing_dispute', 'fraud_security'] })).toMatchObject({ ok: true });
      const customer = await heldBy(t, sam, 'Where is my order LP-10003?');
      const queuedAt = (await t.desk.conversation(customer.id))!.queuedAt;
      // Someone who came later is waiting too: the transferred chat is ahead of them.
      const later = await waitingCustomer(t, 'I need a person about my account');

      const listed = nextEvent<QueuePayload>(kim, 'queue', (q) => q.items.some((i) => i.conversationId === customer.id));
      const samLetsGo = nextEvent<ConversationUpdate>(sam, 'conversation', (u) => u.conversationId === customer.id);
      const waiting = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'queued');
      const told = nextEvent<Message>(customer.socket, 'message', (m) => m.from === 'system' && /transferred/.test(m.text));
      expect(await send(sam, 'transfer', { conversationId: customer.id, to: { skill: 'billing_dispute' }, note: 'A disputed charge, not a delivery question.' })).toMatchObject({
        ok: true,
        state: 'queued',
        transfer: { from: 'lead', skill: 'billing_dispute', note: 'A disputed charge, not a delivery question.' },
      });
      expect(await samLetsGo).toEqual({ conversationId: customer.id, state: 'queued', transferredTo: { skill: 'billing_dispute' } });
      expect((await told).text).toMatch(/You keep your place in the queue/);
      expect((await waiting).queue?.position).toBe(1);
      const item = (await listed).items.find((i) => i.conversationId === customer.id)!;
      expect(item).toMatchObject({ position: 1, transfer: { from: 'lead', skill: 'billing_dispute', note: 'A disputed charge, not a delivery question.' } });
      expect((await listed).items.find((i) => i.conversationId === later.id)?.transfer).toBeUndefined();
      const stored = await t.desk.conversation(customer.id);
      expect(stored).toMatchObject({ state: 'queued', agentId: null, queuedAt, transfer: { skill: 'billing_dispute', fromAgentName: 'lead' } });

      // Kim takes account questions only: refused. Lee has the skill: assigned, with the note on top.
      expect(await send(kim, 'accept', { conversationId: customer.id })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'lead transferred this conversation to the Billing dispute group, and that is not one of your skills.' },
      });
      const leeGets = nextEvent<AssignedPayload>(lee, 'assigned', (a) => a.conversationId === customer.id);
      expect(await send(lee, 'accept', { conversationId: customer.id })).toEqual({ ok: true, conversationId: customer.id });
      expect((await leeGets).brief.transfer).toMatchObject({ from: 'lead', skill: 'billing_dispute', note: 'A disputed charge, not a delivery question.' });
      expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'agent', agentId: leeSession.agent.id });
      // The chat that came later was never restricted: Kim takes it.
      expect(await send(kim, 'accept', { conversationId: later.id })).toEqual({ ok: true, conversationId: later.id });
    }, 60_000);

    it('to a skill group with automatic assignment: it waits for someone with the skill, never bounces back, and keeps a wait promise', async () => {
      const t = await boot({ TANDEM_AUTO_ASSIGN: 'on' });
      const { socket: sam, session: samSession } = await openConsole(t);
      const { socket: kim, session: kimSession } = await openConsole(t, await addAgent(t, 'Kim'));
      expect(await send(kim, 'presence', { status: 'online', skills: ['account_status'] })).toMatchObject({ ok: true });
      // Kim is busy enough that the first chat goes to the admin, who takes every type.
      expect(await send(kim, 'presence', { status: 'away' })).toMatchObject({ ok: true });
      const customer = await waitingCustomer(t, 'Where is my order LP-10003?');
      await eventually(async () => ((await t.desk.conversation(customer.id))?.agentId === samSession.agent.id ? true : undefined));
      expect(await send(kim, 'presence', { status: 'online' })).toMatchObject({ ok: true });

      const waiting = nextEvent<StatePayload>(customer.socket, 'state', (s) => s.state === 'queued' && s.queue !== undefined);
      expect(await send(sam, 'transfer', { conversationId: customer.id, to: { skill: 'billing_dispute' } })).toMatchObject({ ok: true, state: 'queued' });
      // Nobody online has the skill (the admin passed it on and is not handed it back): an honest "no number".
      const told = await waiting;
      expect(told.queue).toMatchObject({ position: 1, promise: null, reason: expect.stringMatching(/^No one from our team is online right now/) });
      await new Promise((r) => setTimeout(r, 2500)); // a leader tick: still nobody takes it
      expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'queued', agentId: null });

      // Lee arrives, taking every type, and gets it by himself (at once: listen before connecting).
      const leeSession = await login(t.url, await addAgent(t, 'Lee'));
      const lee = track(connectAgent(t.url, leeSession.token));
      await nextEvent<AssignedPayload>(lee, 'assigned', (a) => a.conversationId === customer.id, 15_000);
      expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'agent', agentId: leeSession.agent.id });
      expect(kimSession.agent.id).not.toBe(leeSession.agent.id);
    }, 60_000);
  });

  describe('closing', () => {
    it('stores the disposition and the corrected type, and the outcome counts the chat under the corrected type', async () => {
      const t = await boot();
      const { socket: sam } = await openConsole(t);
      const customer = await heldBy(t, sam, 'Where is my order LP-10003?');
      const predicted = (await t.desk.conversation(customer.id))!.type;
      expect(predicted).not.toBe('billing_dispute');
      expect(await send(sam, 'close', { conversationId: customer.id, disposition: 'resolved', label: 'billing_dispute' })).toEqual({ ok: true });
      const closed = (await t.store.events(customer.id)).find((e) => e.type === 'closed');
      expect(closed).toMatchObject({ by: 'agent', disposition: 'resolved', label: 'billing_dispute' });
      expect(await t.desk.conversation(customer.id)).toMatchObject({ state: 'closed', type: 'billing_dispute' });
      await t.desk.idle();
      await t.quality.idle();
      const outcome = await eventually(() => t.quality.records.findOutcome(customer.id).then((o) => o ?? undefined));
      expect(outcome).toMatchObject({ type: 'billing_dispute', predictedType: predicted, correctedType: 'billing_dispute', disposition: 'resolved', resolver: 'ai_then_person' });
    }, 60_000);

    it('counts a chat transferred to a group and closed there as served by a person, not abandoned', async () => {
      const t = await boot();
      const { socket: sam } = await openConsole(t);
      const customer = await heldBy(t, sam);
      expect(await send(sam, 'transfer', { conversationId: customer.id, to: { skill: 'billing_dispute' } })).toMatchObject({ ok: true });
      expect(await send(sam, 'accept', { conversationId: customer.id })).toMatchObject({ ok: true });
      expect(await send(sam, 'close', { conversationId: customer.id, disposition: 'not_resolved' })).toEqual({ ok: true });
      await t.desk.idle();
      await t.quality.idle();
      const outcome = await eventually(() => t.quality.records.findOutcome(customer.id).then((o) => o ?? undefined));
      expect(outcome).toMatchObject({ abandoned: false, disposition: 'not_resolved' });
    }, 60_000);
  });

  describe('canned replies', () => {
    it('any agent reads them, only admins write them, with clear refusals; they survive a restart', async () => {
      let t = await boot();
      const admin = await login(t.url, ADMIN);
      const kim = await login(t.url, await addAgent(t, 'Kim'));

      expect((await api(t, 'GET', '/canned')).status).toBe(401);
      expect((await api(t, 'GET', '/canned', 'not-a-token')).status).toBe(401);
      const seeded = await api<{ replies: CannedReply[] }>(t, 'GET', '/canned', kim.token);
      expect(seeded.status).toBe(200);
      expect(seeded.body.replies.map((r) => r.title)).toEqual(expect.arrayContaining(['Greeting', 'Refund started', 'Goodbye']));
      expect(seeded.body.replies.find((r) => r.title === 'Refund started')?.text).toContain('{order.number}');

      const reply = { title: 'Payment paused', text: 'Hi {customer.name}, the payments of order {order.number} are paused.' };
      expect(await api(t, 'POST', '/canned', kim.token, reply)).toEqual({
        status: 403,
        body: { error: { code: 'forbidden', message: 'Only an admin may change the canned replies.' } },
      });
      expect(await api(t, 'POST', '/canned', admin.token, { title: '', text: 'x' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', message: 'title: title must not be empty' } } });
      expect(await api(t, 'POST', '/canned', admin.token, { title: 'Typo', text: 'Hi {custmer.name}' })).toEqual({
        status: 400,
        body: { error: { code: 'invalid_payload', message: 'text: unknown variable {custmer.name}; the variables are {customer.name}, {order.number}, {agent.name}' } },
      });
      expect((await api(t, 'POST', '/canned', admin.token, { title: 'Long', text: 'x'.repeat(2001) })).status).toBe(400);

      const created = await api<{ reply: CannedReply }>(t, 'POST', '/canned', admin.token, reply);
      expect(created).toMatchObject({ status: 201, body: { reply: { ...reply, createdBy: 'lead' } } });
      const id = created.body.reply.id;
      expect(await api(t, 'PUT', `/canned/${id}`, admin.token, { title: 'Payments paused', text: reply.text })).toMatchObject({
        status: 200,
        body: { reply: { id, title: 'Payments paused' } },
      });
      expect((await api(t, 'PUT', `/canned/${id}`, kim.token, reply)).status).toBe(403);
      expect((await api(t, 'PUT', '/canned/no-such-reply', admin.token, reply)).status).toBe(404);
      expect((await api(t, 'DELETE', `/canned/greeting`, kim.token)).status).toBe(403);
      expect((await api(t, 'DELETE', `/canned/greeting`, admin.token)).status).toBe(204);
      expect((await api(t, 'DELETE', `/canned/greeting`, admin.token)).status).toBe(404);

      t = tandem = await t.restart();
      const again = await login(t.url, ADMIN);
      const after = await api<{ replies: CannedReply[] }>(t, 'GET', '/canned', again.token);
      expect(after.body.replies.find((r) => r.id === id)?.title).toBe('Payments paused');
      expect(after.body.replies.some((r) => r.id === 'greeting')).toBe(false);
    }, 60_000);
  });
});
