// Abuse over real sockets and HTTP against a real server: forged tokens, other people's conversations,
// oversized and malformed payloads, script tags, floods, password guessing, foreign origins and forged shop
// sign-ins. Each must be refused cleanly while everyone else is served as usual (docs/SECURITY.md).
// Every test speaks from its own client address (X-Forwarded-For, believed from loopback as from a local proxy),
// so the per-IP budgets of one test do not spend another's.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AssignedPayload, Message, SessionPayload } from '../../shared/protocol.ts';
import { MESSAGE_MAX_LENGTH } from '../../shared/protocol.ts';
import { addAgent, ADMIN, ALLOWED_ORIGIN, connectAgent, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';

const SECRET = 'the-shop-and-tandem-share-this-secret-0123456789';
/** Set through the environment, to check that TANDEM_RATE_LIMITS reaches the server. */
const RATE_LIMITS = 'customerConnectionsPerIp=8/60,customerMessagesPerIp=15/60';

type Refusal = Error & { data?: { message?: string; retryAfterSeconds?: number } };

let lastHost = 0;
/** A client address of its own (TEST-NET-3). */
const newAddress = () => `203.0.113.${++lastHost}`;

/** A token the shop's server would sign; `exp: null` leaves exp out. */
async function shopToken(
  claims: { sub?: string; email?: string; name?: string },
  options: { secret?: string; alg?: string; iat?: number; exp?: number | null } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { sub, ...rest } = claims;
  const jwt = new SignJWT(rest).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt(options.iat ?? now);
  if (sub) jwt.setSubject(sub);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 10 * 60);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** An unsigned token (`alg: none`), which a careless verifier would take at its word. */
function unsignedToken(sub: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, iat: now, exp: now + 600 })}.`;
}

describe('abuse, refused cleanly', () => {
  let tandem: TestTandem;
  const sockets: Socket[] = [];
  const track = (socket: Socket) => {
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    tandem = await startTestTandem('sqlite', undefined, { TANDEM_IDENTITY_SECRET: SECRET, TANDEM_RATE_LIMITS: RATE_LIMITS });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await tandem?.destroy();
  });

  /** A customer connection from `address`, as the widget makes it, without reconnecting on its own. */
  function customer(auth: Record<string, unknown> = {}, address = newAddress(), url = tandem.url): Socket {
    return track(
      io(`${url}/customer`, { transports: ['websocket'], auth, extraHeaders: { 'x-forwarded-for': address }, forceNew: true, reconnection: false }),
    );
  }
  async function newCustomer(auth: Record<string, unknown> = {}, address = newAddress()): Promise<{ socket: Socket; session: SessionPayload }> {
    const socket = customer(auth, address);
    return { socket, session: await nextEvent<SessionPayload>(socket, 'session') };
  }
  const refusal = (socket: Socket) => nextEvent<Refusal>(socket, 'connect_error');

  function signIn(credentials: { email: string; password: unknown } | object, address: string): Promise<Response> {
    return fetch(`${tandem.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify(credentials),
    });
  }
  async function agentSocket(credentials = ADMIN): Promise<Socket> {
    const socket = track(connectAgent(tandem.url, (await login(tandem.url, credentials)).token));
    await nextEvent(socket, 'queue');
    return socket;
  }
  const conversations = async () => Number((await tandem.store.db.selectFrom('conversations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('resumes nothing with a forged or unknown token: a new conversation that shows none of the other one', async () => {
    const owner = await newCustomer();
    expect((await send(owner.socket, 'message', { clientId: 'o1', text: 'My order LP-10001 is late' })).ok).toBe(true);
    const token = owner.session.token;
    const forged = [`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'A'.repeat(token.length), randomUUID()];
    for (const attempt of forged) {
      const { socket, session } = await newCustomer({ token: attempt });
      expect(session.conversationId).not.toBe(owner.session.conversationId);
      expect(session.token).not.toBe(token);
      expect(session.messages).toEqual([]);
      const sync = await send<{ messages: Message[] }>(socket, 'sync', { after: 0 });
      expect(sync.ok && sync.messages).toEqual([]);
    }
    // a token longer than any we issue is not even looked up
    expect((await refusal(customer({ token: 'x'.repeat(201) }))).message).toBe('invalid_auth');
    expect((await tandem.desk.messages(owner.session.conversationId)).filter((m) => m.from === 'customer').map((m) => m.text)).toEqual([
      'My order LP-10001 is late',
    ]);
  });

  it("lets no customer event reach another conversation: a conversationId in the payload is ignored", async () => {
    const victim = await newCustomer();
    const intruder = await newCustomer();
    const victimId = victim.session.conversationId;
    const sent = await send<{ message: Message }>(intruder.socket, 'message', { conversationId: victimId, clientId: 'i1', text: 'hello?' });
    expect(sent.ok && sent.message.conversationId).toBe(intruder.session.conversationId);
    expect(await send(intruder.socket, 'close', { conversationId: victimId })).toEqual({ ok: true });
    expect(await tandem.desk.conversation(victimId)).toMatchObject({ state: 'ai' });
    expect(await tandem.desk.conversation(intruder.session.conversationId)).toMatchObject({ state: 'closed' });
    expect(await tandem.desk.messages(victimId)).toEqual([]);
  });

  it('refuses an agent writing in, closing or taking a conversation held by another agent', async () => {
    const { socket: customerSocket, session } = await newCustomer();
    const conversationId = session.conversationId;
    await send(customerSocket, 'handoff', {});
    const holder = await agentSocket();
    const assigned = nextEvent<AssignedPayload>(holder, 'assigned', (a) => a.conversationId === conversationId);
    expect(await send(holder, 'accept', { conversationId })).toEqual({ ok: true, conversationId });
    await assigned;

    const other = await agentSocket(await addAgent(tandem, 'Other'));
    expect(await send(other, 'message', { conversationId, clientId: 'x1', text: 'I am not your agent' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await send(other, 'close', { conversationId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await send(other, 'accept', { conversationId })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await send(other, 'message', { conversationId: 'no-such-conversation', clientId: 'x2', text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await tandem.desk.conversation(conversationId)).toMatchObject({ state: 'agent', agentName: 'lead' });
    expect((await tandem.desk.messages(conversationId)).some((m) => m.from === 'agent')).toBe(false);
  });

  it('drops only the socket that sends a packet over 64 KB; everyone else is served', async () => {
    const bystander = await newCustomer();
    const { socket: big, session } = await newCustomer();
    const dropped = nextEvent<string>(big, 'disconnect');
    big.emit('message', { clientId: 'big', text: 'a'.repeat(70_000) });
    expect(await dropped).toMatch(/transport (close|error)/);
    expect(await tandem.desk.messages(session.conversationId)).toEqual([]);

    const reply = nextEvent<Message>(bystander.socket, 'message', (m) => m.from === 'ai');
    expect((await send(bystander.socket, 'message', { clientId: 'b1', text: 'Where is my refund?' })).ok).toBe(true);
    expect((await reply).text).toMatch(/refund/i);
  });

  it('refuses text over the limit with too_long and malformed payloads with invalid_payload, without crashing', async () => {
    const { socket, session } = await newCustomer();
    expect(await send(socket, 'message', { clientId: 'l1', text: 'a'.repeat(MESSAGE_MAX_LENGTH + 1) })).toMatchObject({
      ok: false,
      error: { code: 'too_long' },
    });
    const malformed: [string, unknown][] = [
      ['message', null],
      ['message', []],
      ['message', 42],
      ['message', { clientId: 'm1', text: 5 }],
      ['message', { clientId: ['m1'], text: 'hi' }],
      ['csat', { score: '5' }],
      ['typing', { active: 'yes' }],
      ['sync', { after: -1 }],
    ];
    for (const [event, payload] of malformed) {
      expect(await send(socket, event, payload), `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await tandem.desk.messages(session.conversationId)).toEqual([]);

    // a fresh socket (this one has spent its burst) and an agent: the server still answers both
    const { socket: next } = await newCustomer();
    expect(await send(next, 'handoff', { reason: 'x'.repeat(201) })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const agent = await agentSocket();
    for (const payload of [null, [], { conversationId: 7 }, { conversationId: 'c', clientId: 'a', text: {} }]) {
      expect(await send(agent, 'message', payload)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await send(agent, 'presence', { status: 'online', capacity: 10_000 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect((await refusal(customer({ after: 'yesterday' }))).message).toBe('invalid_auth');
    expect((await send(next, 'message', { clientId: 'ok', text: 'still there?' })).ok).toBe(true);
  });

  it('stores and echoes a <script> in a message as plain text, character for character', async () => {
    const text = '<script>alert(document.cookie)</script><img src=x onerror="alert(1)"> & </textarea>';
    const { socket, session } = await newCustomer();
    const ack = await send<{ message: Message }>(socket, 'message', { clientId: 's1', text });
    expect(ack.ok && ack.message.text).toBe(text);
    const stored = (await tandem.desk.messages(session.conversationId)).find((m) => m.clientId === 's1');
    expect(stored?.text).toBe(text);
    const resumed = await newCustomer({ token: session.token });
    expect(resumed.session.messages.find((m) => m.clientId === 's1')?.text).toBe(text);
  });

  it("refuses a flood from one socket with rate_limited and stores none of it, while a second customer is served", async () => {
    const network = newAddress();
    const flooder = await newCustomer({}, network);
    const neighbour = await newCustomer({}, network);
    const reply = nextEvent<Message>(neighbour.socket, 'message', (m) => m.from === 'ai');
    const [flood, served] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => send<{ message: Message }>(flooder.socket, 'message', { clientId: `f${i}`, text: `Where is my order? (${i})` }))),
      send<{ message: Message }>(neighbour.socket, 'message', { clientId: 'n1', text: 'How do I return an item?' }),
    ]);
    expect(flood.filter((r) => r.ok)).toHaveLength(10);
    const refused = flood.filter((r) => !r.ok);
    expect(refused).toHaveLength(20);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/slow down and try again in \d+ s/) } });
    expect(served.ok).toBe(true);
    expect((await reply).text).toMatch(/return/i);
    await tandem.desk.idle();
    const stored = (await tandem.desk.messages(flooder.session.conversationId)).filter((m) => m.from === 'customer');
    expect(stored).toHaveLength(10);
    // typing has a bucket of its own: the flood did not silence it
    expect(await send(flooder.socket, 'typing', { active: true })).toEqual({ ok: true });
  });

  it("counts one network's messages over all its sockets", async () => {
    const network = newAddress();
    const first = await newCustomer({}, network);
    const second = await newCustomer({}, network);
    const elsewhere = await newCustomer();
    const ok = async (socket: Socket, n: number, tag: string) =>
      (await Promise.all(Array.from({ length: n }, (_, i) => send(socket, 'message', { clientId: `${tag}${i}`, text: `hello ${i}` })))).filter((r) => r.ok).length;
    expect(await ok(first.socket, 10, 'a')).toBe(10);
    // 15 a minute for the network (TANDEM_RATE_LIMITS above): the second socket gets the five left
    expect(await ok(second.socket, 8, 'b')).toBe(5);
    expect(await ok(elsewhere.socket, 3, 'c')).toBe(3);
  });

  it('refuses a burst of handshakes from one address with rate_limited, saying when to come back; others connect', async () => {
    const network = newAddress();
    const first = await newCustomer({}, network);
    for (let i = 1; i < 8; i++) await newCustomer({}, network);
    const before = await conversations();
    const refused = await refusal(customer({}, network));
    expect(refused.message).toBe('rate_limited');
    expect(refused.data?.message).toMatch(/Too many connections from your network: please try again in \d+ s/);
    expect(refused.data?.retryAfterSeconds).toBeGreaterThan(0);
    // a resume is a handshake too; nothing was opened for the refused ones
    expect((await refusal(customer({ token: first.session.token }, network))).message).toBe('rate_limited');
    expect(await conversations()).toBe(before);
    await newCustomer();
  });

  it('locks an account after five failed sign-ins, even for the right password, and leaves other accounts alone', async () => {
    const victim = await addAgent(tandem, 'Victim');
    const guesser = newAddress();
    for (let i = 0; i < 5; i++) {
      const response = await signIn({ email: victim.email, password: `guess ${i}` }, guesser);
      expect(response.status).toBe(401);
    }
    const locked = await signIn({ email: victim.email, password: 'guess 6' }, guesser);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(await locked.json()).toEqual({
      error: { code: 'rate_limited', message: 'This account is locked after 5 failed sign-ins in a row. Try again in 15 min.' },
    });
    // the owner, from elsewhere, with the right password: still locked
    const owner = await signIn(victim, newAddress());
    expect(owner.status).toBe(429);
    expect(owner.headers.get('retry-after')).toMatch(/^\d+$/);
    // another account, even from the guessing address, signs in
    expect((await signIn(ADMIN, guesser)).status).toBe(200);

    // failures interrupted by a success never add up to a lock
    const careless = await addAgent(tandem, 'Careless');
    const address = newAddress();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await signIn({ email: careless.email, password: 'oops' }, address)).status).toBe(401);
      expect((await signIn(careless, address)).status).toBe(200);
    }
  });

  it('limits sign-in attempts per address, malformed ones included', async () => {
    const address = newAddress();
    for (let i = 0; i < 30; i++) expect((await signIn({}, address)).status).toBe(400);
    const refused = await signIn(ADMIN, address);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Too many sign-in attempts from your network/);
    expect((await signIn(ADMIN, newAddress())).status).toBe(200);
  });

  it('refuses a handshake from an origin not allowed, on the WebSocket transport and on polling', async () => {
    const before = await conversations();
    for (const transports of [['websocket'], ['polling']]) {
      const foreign = track(
        io(`${tandem.url}/customer`, { transports, extraHeaders: { origin: 'https://evil.example', 'x-forwarded-for': newAddress() }, forceNew: true, reconnection: false }),
      );
      await refusal(foreign);
      expect(foreign.connected).toBe(false);
    }
    expect(await conversations()).toBe(before);
    const shop = track(io(`${tandem.url}/customer`, { transports: ['websocket'], extraHeaders: { origin: ALLOWED_ORIGIN, 'x-forwarded-for': newAddress() }, forceNew: true }));
    await nextEvent<SessionPayload>(shop, 'session');
  });

  it('lets other origins load /widget.js alone: the API and pages stay same-origin under a strict CSP', async () => {
    const widget = await fetch(`${tandem.url}/widget.js`, { headers: { origin: 'https://evil.example' } });
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    for (const path of ['/api/auth/me', '/api/quality', '/healthz']) {
      const response = await fetch(`${tandem.url}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(response.headers.get('access-control-allow-origin'), path).toBeNull();
      expect(response.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
    }
    const preflight = await fetch(`${tandem.url}/api/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    for (const path of ['/', '/console/']) {
      const page = await fetch(`${tandem.url}${path}`);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(page.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
    }
    const huge = await signIn({ email: 'a@example.test', password: 'p'.repeat(20_000) }, newAddress());
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('too_long');
  });

  describe('signed-in shop users', () => {
    const ann = { sub: 'shop-user-42', email: 'ann@example.com', name: 'Ann Lee' };

    it('shows the agent who the shop says the customer is, verified', async () => {
      const { socket, session } = await newCustomer({ identity: await shopToken(ann) });
      expect(await tandem.desk.identity(session.conversationId)).toEqual({ userId: 'shop-user-42', email: 'ann@example.com', name: 'Ann Lee' });
      await send(socket, 'message', { clientId: 'a1', text: 'I want to talk to a person about my order' });
      await send(socket, 'handoff', {});
      const agent = await agentSocket();
      const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === session.conversationId);
      await send(agent, 'accept', { conversationId: session.conversationId });
      const { brief, summary } = await assigned;
      expect(brief.signedIn).toEqual({ userId: 'shop-user-42', email: 'ann@example.com', name: 'Ann Lee' });
      expect(summary).toContain('Signed in at the shop as Ann Lee <ann@example.com>, user id shop-user-42 (verified)');
      expect(brief.nextStep).not.toMatch(/Verify the customer/);

      const anonymous = await newCustomer();
      expect((await tandem.desk.assignment(anonymous.session.conversationId)).brief.signedIn).toBeUndefined();
    });

    it('refuses expired, forged, unsigned, wrongly signed and long-lived tokens, never falling back to anonymous', async () => {
      const now = Math.floor(Date.now() / 1000);
      const before = await conversations();
      const cases: [string, string, RegExp][] = [
        ['expired', await shopToken(ann, { iat: now - 2 * 3600, exp: now - 3600 }), /has expired/],
        ['forged', await shopToken(ann, { secret: 'an-attacker-guessed-this-other-secret-0123456789' }), /not signed with the shop's secret/],
        ['alg none', unsignedToken(ann.sub), /must be signed with HS256/],
        ['HS512', await shopToken(ann, { alg: 'HS512' }), /must be signed with HS256/],
        ['two hours', await shopToken(ann, { exp: now + 2 * 3600 }), /lives longer than 60 minutes/],
        ['issued in the future', await shopToken(ann, { iat: now + 3600, exp: now + 3700 }), /"iat" claim is missing or wrong/],
        ['no exp', await shopToken(ann, { exp: null }), /"exp" claim is missing/],
        ['no sub', await shopToken({ email: ann.email }), /"sub" claim is missing/],
        ['not a JWT', 'hello', /not a valid signed JWT/],
      ];
      for (const [name, identity, reason] of cases) {
        const refused = await refusal(customer({ identity }));
        expect(refused.message, name).toBe('invalid_identity');
        expect(refused.data?.message, name).toMatch(reason);
      }
      expect((await refusal(customer({ identity: 'x'.repeat(2001) }))).message).toBe('invalid_auth');
      expect(await conversations()).toBe(before);
    });

    it("resumes a signed-in user's conversation only for the same user: anyone else gets a new one", async () => {
      const first = await newCustomer({ identity: await shopToken(ann) });
      await send(first.socket, 'message', { clientId: 'p1', text: 'my private question' });
      const token = first.session.token;

      const sameUser = await newCustomer({ token, identity: await shopToken(ann) });
      expect(sameUser.session.conversationId).toBe(first.session.conversationId);
      expect(sameUser.session.messages.map((m) => m.text)).toContain('my private question');

      const others = [await shopToken({ sub: 'shop-user-7', email: 'bob@example.com' }), undefined];
      for (const identity of others) {
        const next = await newCustomer(identity ? { token, identity } : { token });
        expect(next.session.conversationId).not.toBe(first.session.conversationId);
        expect(next.session.messages).toEqual([]);
        expect(await tandem.desk.identity(next.session.conversationId)).toEqual(identity ? { userId: 'shop-user-7', email: 'bob@example.com' } : null);
      }
      // an anonymous conversation resumes as before, and stays anonymous
      const anonymous = await newCustomer();
      const signedInLater = await newCustomer({ token: anonymous.session.token, identity: await shopToken(ann) });
      expect(signedInLater.session.conversationId).toBe(anonymous.session.conversationId);
      expect(await tandem.desk.identity(anonymous.session.conversationId)).toBeNull();
    });

    it('refuses a token when the server has no identity secret, rather than ignoring it', async () => {
      const plain = await startTestTandem('sqlite');
      try {
        const refused = await refusal(customer({ identity: await shopToken(ann) }, newAddress(), plain.url));
        expect(refused.message).toBe('identity_not_configured');
        expect(refused.data?.message).toMatch(/TANDEM_IDENTITY_SECRET is not set/);
      } finally {
        await plain.destroy();
      }
    });
  });
});
