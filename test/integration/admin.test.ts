// The admin API over real HTTP and sockets, on the embedded engine and on PostgreSQL: only admins reach it; an
// invite is a one-time link whose token is stored hashed, and the invitee sets a password from it and is signed
// in; bodies are validated with clear messages; the last admin cannot be demoted or removed; skills and
// capacity reach presence at once (an agent whose capacity is lowered is refused the next accept) and bound
// what the agent's console may set; priorities and wait targets are changed at run time, kept across a
// restart, taken by triage and by routing; and, with two nodes sharing PostgreSQL and Redis, all of it reaches
// the other node.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type {
  AgentAdminView,
  InteractionType,
  InviteResponse,
  LoginResponse,
  PresenceStatus,
  QueueItem,
  SessionPayload,
  TypeTargetsView,
} from '../../shared/protocol.ts';
import type { TypePolicyView } from '../../shared/quality.ts';
import { enginesUnderTest, REDIS_URL, redisUnderTest } from '../support/engines.ts';
import { addAgent, ADMIN, api, connectAgent, connectCustomer, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { eventually, nextEvent } from '../support/waiting.ts';

const engines = await enginesUnderTest();

type Me = { agent: { id: string; name: string; role: string }; status: PresenceStatus; capacity: number; skills: InteractionType[] | null };
type ErrorReply = { error: { code: string; message: string } };
type PolicyReply = { policy: Record<InteractionType, TypePolicyView>; targets: Record<InteractionType, TypeTargetsView> };

const tokenOf = (invite: InviteResponse) => new URL(invite.inviteUrl).hash.replace(/^#invite=/, '');

describe.each(engines)('the admin API on %s storage', (engine) => {
  let t: TestTandem;
  let admin: LoginResponse;
  const sockets: Socket[] = [];
  const track = (socket: Socket) => (sockets.push(socket), socket);

  beforeAll(async () => {
    t = await startTestTandem(engine);
    admin = await login(t.url);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await t?.destroy();
  });

  /** A customer who asks for a person at once (untyped, normal priority); resolves with the conversation id. */
  async function waitingCustomer(text?: string): Promise<string> {
    const socket = track(connectCustomer(t.url));
    const session = await nextEvent<SessionPayload>(socket, 'session');
    if (text) expect(await send(socket, 'message', { clientId: `c-${Math.random()}`, text })).toMatchObject({ ok: true });
    else expect(await send(socket, 'handoff', {})).toMatchObject({ ok: true });
    await eventually(async () => ((await t.store.findConversation(session.conversationId))?.state === 'queued' ? true : undefined));
    return session.conversationId;
  }

  /** An agent's console; resolves with its socket and the first `me`. */
  async function consoleOf(session: LoginResponse): Promise<{ socket: Socket; me: Me }> {
    const socket = track(connectAgent(t.url, session.token));
    const [me] = await Promise.all([nextEvent<Me>(socket, 'me'), nextEvent(socket, 'queue')]);
    return { socket, me };
  }

  async function invite(body: object): Promise<InviteResponse> {
    const res = await api<InviteResponse>(t, 'POST', '/admin/agents', admin.token, body);
    expect(res.status).toBe(201);
    return res.body;
  }

  async function invitedAndSignedIn(body: { email: string; name: string; role: 'agent' | 'admin'; capacity?: number; skills?: InteractionType[] }): Promise<LoginResponse> {
    const link = await invite(body);
    const res = await api<LoginResponse>(t, 'POST', '/auth/invite', undefined, { token: tokenOf(link), password: 'a long enough password' });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('answers only admins: 401 without a session, 403 for an agent', async () => {
    const kim = await login(t.url, await addAgent(t, 'Kim'));
    const routes: [string, string, unknown?][] = [
      ['GET', '/admin/agents'],
      ['POST', '/admin/agents', { email: 'x@example.test', name: 'X', role: 'agent' }],
      ['PATCH', `/admin/agents/${kim.agent.id}`, { capacity: 5 }],
      ['POST', `/admin/agents/${kim.agent.id}/invite`],
      ['DELETE', `/admin/agents/${kim.agent.id}`],
      ['GET', '/admin/policy'],
      ['POST', '/quality/policy/billing_dispute', { targetSeconds: 60 }],
    ];
    for (const [method, path, body] of routes) {
      expect((await api(t, method, path, undefined, body)).status, `${method} ${path} without a session`).toBe(401);
      const refused = await api<ErrorReply>(t, method, path, kim.token, body);
      expect(refused.status, `${method} ${path} as an agent`).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/^Only an admin may /) });
    }
    const list = await api<{ agents: AgentAdminView[] }>(t, 'GET', '/admin/agents', admin.token);
    expect(list.status).toBe(200);
    expect(list.body.agents.find((a) => a.email === ADMIN.email)).toMatchObject({ role: 'admin', capacity: null, skills: null, invitePending: false });
    expect(list.body.agents.find((a) => a.id === kim.agent.id)).toMatchObject({ name: 'Kim', role: 'agent', invitePending: false });
  });

  it('invites an agent with a one-time link, stored hashed, which sets their password and signs them in', async () => {
    const email = `ana-${engine}@example.test`;
    const link = await invite({ email: ` ${email.toUpperCase()} `, name: 'Ana Lima', role: 'agent', skills: ['billing_dispute', 'policy_edge'], capacity: 4 });
    expect(link.agent).toMatchObject({ email, name: 'Ana Lima', role: 'agent', skills: ['billing_dispute', 'policy_edge'], capacity: 4, invitePending: true });
    expect(link.inviteUrl).toMatch(new RegExp(`^${t.url.replace('localhost', '(localhost|127\\.0\\.0\\.1)')}/console/#invite=[\\w-]{43}$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    const token = tokenOf(link);
    // Only a hash of the token is stored; no password signs in before the link is used.
    const row = await t.store.db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.invite_token_hash).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await api(t, 'POST', '/auth/login', undefined, { email, password: '' + 'anything at all' })).status).toBe(401);
    // The same email twice is refused.
    const twice = await api<ErrorReply>(t, 'POST', '/admin/agents', admin.token, { email, name: 'Ana again', role: 'agent' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain(email);

    const short = await api<ErrorReply>(t, 'POST', '/auth/invite', undefined, { token, password: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toBe('password: password must be at least 12 characters');
    const accepted = await api<LoginResponse>(t, 'POST', '/auth/invite', undefined, { token, password: 'the password Ana chose' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.agent).toEqual({ id: link.agent.id, name: 'Ana Lima', role: 'agent' });
    expect((await api(t, 'GET', '/auth/me', accepted.body.token)).status).toBe(200);

    // The link works once; the password works from now on.
    const again = await api<ErrorReply>(t, 'POST', '/auth/invite', undefined, { token, password: 'someone else entirely' });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/not valid/);
    expect((await login(t.url, { email, password: 'the password Ana chose' })).agent.id).toBe(link.agent.id);
    const listed = (await api<{ agents: AgentAdminView[] }>(t, 'GET', '/admin/agents', admin.token)).body.agents.find((a) => a.id === link.agent.id);
    expect(listed).toMatchObject({ invitePending: false, inviteExpiresAt: null });
    const renew = await api<ErrorReply>(t, 'POST', `/admin/agents/${link.agent.id}/invite`, admin.token);
    expect(renew.status).toBe(409);
  });

  it('replaces a link with a fresh one, and refuses an expired one', async () => {
    const first = await invite({ email: `bo-${engine}@example.test`, name: 'Bo', role: 'agent' });
    const renewed = await api<InviteResponse>(t, 'POST', `/admin/agents/${first.agent.id}/invite`, admin.token);
    expect(renewed.status).toBe(200);
    expect(tokenOf(renewed.body)).not.toBe(tokenOf(first));
    const old = await api(t, 'POST', '/auth/invite', undefined, { token: tokenOf(first), password: 'a long enough password' });
    expect(old.status).toBe(401);
    await t.store.db.updateTable('agents').set({ invite_expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', first.agent.id).execute();
    const expired = await api(t, 'POST', '/auth/invite', undefined, { token: tokenOf(renewed.body), password: 'a long enough password' });
    expect(expired.status).toBe(401);
  });

  it('refuses bad bodies with messages that say what is wrong', async () => {
    const bad = async (method: string, path: string, body: unknown): Promise<string> => {
      const res = await api<ErrorReply>(t, method, path, admin.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
      return res.body.error.message;
    };
    const base = { email: 'new@example.test', name: 'New', role: 'agent' };
    expect(await bad('POST', '/admin/agents', { ...base, email: 'not an email' })).toBe('email: email must be an email address');
    expect(await bad('POST', '/admin/agents', { ...base, name: '  ' })).toBe('name: name must not be empty');
    expect(await bad('POST', '/admin/agents', { ...base, role: 'boss' })).toBe('role: role must be "agent" or "admin"');
    expect(await bad('POST', '/admin/agents', { ...base, capacity: 0 })).toBe('capacity: capacity must be at least 1');
    expect(await bad('POST', '/admin/agents', { ...base, capacity: 21 })).toBe('capacity: capacity must be at most 20');
    expect(await bad('POST', '/admin/agents', { ...base, capacity: 2.5 })).toBe('capacity: capacity must be a whole number');
    expect(await bad('POST', '/admin/agents', { ...base, skills: ['billing_dispute', 'gardening'] })).toMatch(/^skills\.1: each skill must be one of account_status, /);
    expect(await bad('POST', '/admin/agents', { ...base, skills: [] })).toBe('skills: give at least one type, or null for every type');
    const kim = (await api<{ agents: AgentAdminView[] }>(t, 'GET', '/admin/agents', admin.token)).body.agents.find((a) => a.name === 'Kim')!;
    expect(await bad('PATCH', `/admin/agents/${kim.id}`, {})).toBe('change at least one of name, role, skills, capacity');
    expect((await api(t, 'PATCH', '/admin/agents/no-such-agent', admin.token, { capacity: 2 })).status).toBe(404);
    expect(await bad('POST', '/quality/policy/billing_dispute', {})).toBe('change at least one of ai, priority, targetSeconds');
    expect(await bad('POST', '/quality/policy/billing_dispute', { targetSeconds: 0 })).toBe('targetSeconds: targetSeconds must be at least 1');
    expect(await bad('POST', '/quality/policy/billing_dispute', { priority: 'asap' })).toBe('priority: priority must be "normal", "high" or "urgent"');
    expect(await bad('POST', '/quality/policy/fraud_security', { priority: 'normal' })).toMatch(/fraud_security .* priority stays urgent/);
    expect(await bad('POST', '/quality/policy/gardening', { ai: 'on' })).toBe('unknown interaction type "gardening"');
    const invalidInvite = await api<ErrorReply>(t, 'POST', '/auth/invite', undefined, { password: 'a long enough password' });
    expect(invalidInvite.status).toBe(400);
  });

  it('never leaves the console without an admin who can sign in', async () => {
    const lastAdmin = await api<ErrorReply>(t, 'PATCH', `/admin/agents/${admin.agent.id}`, admin.token, { role: 'agent' });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.error).toEqual({ code: 'last_admin', message: 'This is the last admin who can sign in: make another agent an admin first.' });
    expect((await api<ErrorReply>(t, 'DELETE', `/admin/agents/${admin.agent.id}`, admin.token)).status).toBe(409);
    // An admin invited but not signed in yet does not count.
    const pending = await invite({ email: `pending-${engine}@example.test`, name: 'Pending', role: 'admin' });
    expect((await api(t, 'PATCH', `/admin/agents/${admin.agent.id}`, admin.token, { role: 'agent' })).status).toBe(409);
    expect((await api(t, 'DELETE', `/admin/agents/${pending.agent.id}`, admin.token)).status).toBe(204);

    // With a second admin, the first may step down, and the second may not be demoted after.
    const lee = await invitedAndSignedIn({ email: `lee-${engine}@example.test`, name: 'Lee', role: 'admin' });
    const stepDown = await api<{ agent: AgentAdminView }>(t, 'PATCH', `/admin/agents/${admin.agent.id}`, admin.token, { role: 'agent' });
    expect(stepDown.status).toBe(200);
    expect(stepDown.body.agent.role).toBe('agent');
    expect((await api(t, 'GET', '/admin/agents', admin.token)).status).toBe(403);
    expect((await api(t, 'PATCH', `/admin/agents/${lee.agent.id}`, lee.token, { role: 'agent' })).status).toBe(409);
    expect((await api(t, 'DELETE', `/admin/agents/${lee.agent.id}`, lee.token)).body).toMatchObject({ error: { message: /yourself/ } });
    expect((await api(t, 'PATCH', `/admin/agents/${admin.agent.id}`, lee.token, { role: 'admin' })).status).toBe(200);
    expect((await api(t, 'GET', '/admin/agents', admin.token)).status).toBe(200);
  });

  it('gives presence the skills and capacity an admin sets, at once, and holds the console within them', async () => {
    const noor = await invitedAndSignedIn({ email: `noor-${engine}@example.test`, name: 'Noor', role: 'agent', capacity: 2, skills: ['billing_dispute'] });
    const { socket, me } = await consoleOf(noor);
    // The console starts from the record.
    expect(me).toMatchObject({ capacity: 2, skills: ['billing_dispute'], status: 'online' });
    const refused = await send(socket, 'presence', { status: 'online', capacity: 3 });
    expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: 'You can take at most 2 chats at once (set by an admin).' } });
    expect(await send(socket, 'presence', { status: 'online', skills: ['fraud_security'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await send(socket, 'presence', { status: 'online', capacity: 1 })).toMatchObject({ ok: true, capacity: 1 });

    // The admin raises the capacity and widens the skills: the console hears it, routing sees it.
    const heard = nextEvent<Me>(socket, 'me', (m) => m.capacity === 3);
    const changed = await api<{ agent: AgentAdminView }>(t, 'PATCH', `/admin/agents/${noor.agent.id}`, admin.token, { capacity: 3, skills: null });
    expect(changed.status).toBe(200);
    expect(changed.body.agent).toMatchObject({ capacity: 3, skills: null, status: 'online' });
    expect(await heard).toMatchObject({ agent: { id: noor.agent.id, name: 'Noor' }, capacity: 3, skills: null });

    // Two chats taken; the admin lowers the capacity to 2: the next accept is refused.
    const chats = [await waitingCustomer(), await waitingCustomer(), await waitingCustomer()];
    expect(await send(socket, 'accept', { conversationId: chats[0] })).toMatchObject({ ok: true });
    expect(await send(socket, 'accept', { conversationId: chats[1] })).toMatchObject({ ok: true });
    const lowered = nextEvent<Me>(socket, 'me', (m) => m.capacity === 2);
    expect((await api(t, 'PATCH', `/admin/agents/${noor.agent.id}`, admin.token, { capacity: 2 })).status).toBe(200);
    await lowered;
    const full = await send(socket, 'accept', { conversationId: chats[2] });
    expect(full).toMatchObject({ ok: false, error: { code: 'invalid_state' } });

    // A name change alone keeps the presence as it is; a new console starts from the record too.
    expect((await api(t, 'PATCH', `/admin/agents/${noor.agent.id}`, admin.token, { name: 'Noor A.' })).status).toBe(200);
    const second = await consoleOf(await login(t.url, { email: `noor-${engine}@example.test`, password: 'a long enough password' }));
    expect(second.me).toMatchObject({ agent: { name: 'Noor A.' }, capacity: 2, skills: null });

    // The admin lifts the limit: the console keeps its 2, and may now choose anything the protocol allows.
    const lifted = await api<{ agent: AgentAdminView }>(t, 'PATCH', `/admin/agents/${noor.agent.id}`, admin.token, { capacity: null });
    expect(lifted.body.agent).toMatchObject({ capacity: null });
    expect(await send(socket, 'presence', { status: 'online', capacity: 12 })).toMatchObject({ ok: true, capacity: 12 });
  });

  it('leaves an agent no admin limited as the protocol always had it: starting at 3, choosing 1 to 20', async () => {
    const free = await invitedAndSignedIn({ email: `free-${engine}@example.test`, name: 'Free', role: 'agent' });
    const { socket, me } = await consoleOf(free);
    expect(me).toMatchObject({ capacity: 3, skills: null });
    expect(await send(socket, 'presence', { status: 'online', capacity: 5 })).toMatchObject({ ok: true, capacity: 5 });
    expect(await send(socket, 'presence', { status: 'online', capacity: 20 })).toMatchObject({ ok: true, capacity: 20 });
    const listed = await api<{ agents: AgentAdminView[] }>(t, 'GET', '/admin/agents', admin.token);
    expect(listed.body.agents.find((a) => a.id === free.agent.id)).toMatchObject({ capacity: null });
  });

  it('disconnects a removed agent and ends their sessions', async () => {
    const gone = await invitedAndSignedIn({ email: `gone-${engine}@example.test`, name: 'Gone', role: 'agent' });
    const { socket } = await consoleOf(gone);
    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    expect((await api(t, 'DELETE', `/admin/agents/${gone.agent.id}`, admin.token)).status).toBe(204);
    await disconnected;
    expect((await api(t, 'GET', '/auth/me', gone.token)).status).toBe(401);
    expect((await api(t, 'DELETE', `/admin/agents/${gone.agent.id}`, admin.token)).status).toBe(404);
  });

  it('changes priorities and wait targets at run time: kept, shown, taken by triage and routing', async () => {
    const before = await api<PolicyReply>(t, 'GET', '/admin/policy', admin.token);
    expect(before.body.targets.billing_dispute).toEqual({ priority: 'normal', targetSeconds: 120, configured: { priority: 'normal', targetSeconds: 120 } });

    // The old body still works; the reply now carries the targets too.
    const mode = await api<PolicyReply>(t, 'POST', '/quality/policy/policy_edge', admin.token, { ai: 'off' });
    expect(mode.status).toBe(200);
    expect(mode.body.policy.policy_edge).toEqual({ ai: 'off', configured: 'off' });

    const set = await api<PolicyReply>(t, 'POST', '/quality/policy/billing_dispute', admin.token, { priority: 'high', targetSeconds: 1 });
    expect(set.status).toBe(200);
    expect(set.body.targets.billing_dispute).toMatchObject({ priority: 'high', targetSeconds: 1, configured: { priority: 'normal', targetSeconds: 120 }, changedBy: admin.agent.name });
    expect(set.body.policy.billing_dispute).toEqual({ ai: 'off', configured: 'off' });

    // Kept across a restart.
    t = await t.restart();
    admin = await login(t.url);
    const after = await api<PolicyReply>(t, 'GET', '/admin/policy', admin.token);
    expect(after.body.targets.billing_dispute).toMatchObject({ priority: 'high', targetSeconds: 1 });

    // Triage takes the priority: a calm billing dispute now waits at high priority.
    const { socket } = await consoleOf(admin);
    const dispute = await waitingCustomer('I was charged twice for my order and want to dispute the second charge');
    const item = await eventually(async () => (await t.desk.queue()).find((i) => i.conversationId === dispute));
    expect(item).toMatchObject({ type: 'billing_dispute', priority: 'high' });

    // Routing takes the target: back at normal priority with a 1 s target, a dispute that arrived after an
    // untyped chat (which counts with the longest target) is served first once its target has passed.
    expect((await api(t, 'POST', '/quality/policy/billing_dispute', admin.token, { priority: 'normal' })).status).toBe(200);
    const queues: QueueItem[][] = [];
    socket.on('queue', ({ items }: { items: QueueItem[] }) => queues.push(items));
    const untyped = await waitingCustomer();
    const late = await waitingCustomer('I was charged twice for my order and want to dispute the second charge');
    const placeOf = (items: QueueItem[], id: string) => items.findIndex((i) => i.conversationId === id);
    // First come while within the target…
    const first = await eventually(() => queues.find((items) => placeOf(items, late) >= 0));
    expect(placeOf(first, untyped)).toBeLessThan(placeOf(first, late));
    // …then first once past it (the leader's next refresh).
    const order = await eventually(() => {
      const items = queues.at(-1);
      return items && placeOf(items, late) >= 0 && placeOf(items, late) < placeOf(items, untyped) ? items : undefined;
    }, 15_000);
    expect(order.find((i) => i.conversationId === late)).toMatchObject({ priority: 'normal', targetSeconds: 1 });

    // Set back to what is configured, the override is forgotten.
    const back = await api<PolicyReply>(t, 'POST', '/quality/policy/billing_dispute', admin.token, { targetSeconds: 120 });
    expect(back.body.targets.billing_dispute).toEqual({ priority: 'normal', targetSeconds: 120, configured: { priority: 'normal', targetSeconds: 120 } });
    expect(await t.store.db.selectFrom('policy_targets').selectAll().execute()).toEqual([]);
  });
});

// Two nodes in this process sharing the test PostgreSQL and Redis: what an admin changes on one reaches the other.
const severalNodes = engines.includes('postgres') && (await redisUnderTest());

describe.runIf(severalNodes)('admin changes across nodes', () => {
  let a: TestTandem;
  let b: TestTandem;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL, TANDEM_REDIS_PREFIX: `t${randomUUID().slice(0, 8)}:` };
    a = await startTestTandem('postgres', undefined, env);
    const schema = (await a.store.db.selectNoFrom(sql<string>`current_schema()`.as('s')).executeTakeFirstOrThrow()).s;
    b = await startTestTandem('postgres', { schema }, env);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await b?.close();
    await a?.destroy();
  });

  it('reaches the other node: policy targets, and the capacity and skills of an agent connected there', async () => {
    const adminOnA = await login(a.url);
    const set = await api<PolicyReply>(a, 'POST', '/quality/policy/policy_edge', adminOnA.token, { priority: 'high', targetSeconds: 90 });
    expect(set.status).toBe(200);
    const adminOnB = await login(b.url);
    await eventually(async () => {
      const seen = (await api<PolicyReply>(b, 'GET', '/admin/policy', adminOnB.token)).body.targets.policy_edge;
      return seen.priority === 'high' && seen.targetSeconds === 90 ? true : undefined;
    });

    // Kim's console is on node B; the admin lowers her capacity on node A.
    const kim = await login(b.url, await addAgent(b, 'Kim'));
    const kimsConsole = connectAgent(b.url, kim.token);
    sockets.push(kimsConsole);
    await nextEvent(kimsConsole, 'queue');
    const heard = nextEvent<Me>(kimsConsole, 'me', (m) => m.capacity === 1);
    const limits = nextEvent<{ capacity: number; skills: InteractionType[] | null }>(kimsConsole, 'limits', (l) => l.capacity === 1);
    expect((await api(a, 'PATCH', `/admin/agents/${kim.agent.id}`, adminOnA.token, { capacity: 1, skills: ['policy_edge'] })).status).toBe(200);
    expect(await heard).toMatchObject({ capacity: 1, skills: ['policy_edge'] });
    expect(await limits).toEqual({ capacity: 1, skills: ['policy_edge'] });
    expect(await send(kimsConsole, 'presence', { status: 'online', capacity: 2 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
