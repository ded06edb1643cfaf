// The limits themselves: buckets, the sign-in lockout, client addresses, TANDEM_RATE_LIMITS, and (with a real
// Redis at 127.0.0.1:6379) one budget shared by two nodes, with each node's memory taking over when Redis is down.
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { clientAddress, createLimits, ipKey, parseLimitTuning, parseTrustProxy, type Verdict } from '../../server/security/rate-limits.ts';
import { REDIS_URL, redisUnderTest } from '../support/engines.ts';

async function times(n: number, check: () => Promise<Verdict>): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (let i = 0; i < n; i++) verdicts.push(await check());
  return verdicts;
}
const allowed = (verdicts: Verdict[]) => verdicts.filter((v) => v.ok).length;

describe('the limits in one process', () => {
  it('allows a burst of customer events per socket, then refuses with the time to wait; typing has a bucket of its own', async () => {
    const limits = createLimits();
    const events = await times(12, () => limits.customerEvent('socket-1', '198.51.100.1', 'message'));
    expect(events.map((v) => v.ok)).toEqual([...Array(10).fill(true), false, false]);
    const refused = events.at(-1)!;
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.ok === false && refused.retryAfterSeconds).toBeLessThanOrEqual(10);
    expect(await limits.customerEvent('socket-1', '198.51.100.1', 'typing')).toEqual({ ok: true });
    expect(await limits.customerEvent('socket-2', '198.51.100.1', 'message')).toEqual({ ok: true });
  });

  it("counts one IP's messages over all its sockets, and only messages its sockets allowed", async () => {
    const limits = createLimits({ tuning: { customerMessagesPerIp: { points: 15, seconds: 60 } } });
    expect(allowed(await times(14, () => limits.customerEvent('a', '198.51.100.2', 'message')))).toBe(10);
    expect(allowed(await times(10, () => limits.customerEvent('b', '198.51.100.2', 'message')))).toBe(5);
    // other events of a socket do not spend the IP's message budget
    expect(await limits.customerEvent('c', '198.51.100.2', 'handoff')).toEqual({ ok: true });
    expect(await limits.customerEvent('c', '198.51.100.2', 'message')).toMatchObject({ ok: false });
    expect(await limits.customerEvent('d', '198.51.100.3', 'message')).toEqual({ ok: true });
  });

  it('locks an email after five failed sign-ins in a row for fifteen minutes; a success starts the count again', async () => {
    const limits = createLimits();
    // four failures, a success, then four failures again: never locked
    expect(allowed(await times(4, () => limits.loginAs('ann@example.com')))).toBe(4);
    expect(await limits.loginAs('ann@example.com')).toEqual({ ok: true });
    await limits.loginSucceeded('ann@example.com');
    expect(allowed(await times(5, () => limits.loginAs('ann@example.com')))).toBe(5);
    const locked = await limits.loginAs('ann@example.com');
    expect(locked.ok).toBe(false);
    expect(locked.ok === false && locked.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(locked.ok === false && locked.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    // the case of the address does not matter; another account is not affected
    expect(await limits.loginAs('ANN@example.com')).toMatchObject({ ok: false });
    expect(await limits.loginAs('bob@example.com')).toEqual({ ok: true });
  });
});

describe('the client address', () => {
  it('is the peer, unless the peer is a proxy on loopback: then the X-Forwarded-For hop it was given', () => {
    expect(clientAddress('198.51.100.7', undefined)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', '203.0.113.9')).toBe('198.51.100.7');
    expect(clientAddress('127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    // a forged entry on the left is not believed: the proxy appended the address it saw
    expect(clientAddress('127.0.0.1', '10.9.9.9, 203.0.113.9')).toBe('203.0.113.9');
    // two proxies on this machine
    expect(clientAddress('::1', '203.0.113.9, 127.0.0.1')).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(clientAddress('::ffff:198.51.100.7', undefined)).toBe('198.51.100.7');
  });

  it('believes X-Forwarded-For from the load balancers named in TANDEM_TRUST_PROXY, and from no one else', () => {
    const trust = parseTrustProxy('10.0.0.0/8, loopback');
    // the load balancer at 10.1.2.3 saw the client 203.0.113.9
    expect(clientAddress('10.1.2.3', '203.0.113.9', trust)).toBe('203.0.113.9');
    // a client that is not behind it cannot choose its address
    expect(clientAddress('198.51.100.7', '203.0.113.9', trust)).toBe('198.51.100.7');
    // two trusted hops (the balancer, then a sidecar on loopback), and a forged entry the client sent first
    expect(clientAddress('127.0.0.1', '6.6.6.6, 203.0.113.9, 10.1.2.3', trust)).toBe('203.0.113.9');
    // the default trusts loopback only
    expect(clientAddress('10.1.2.3', '203.0.113.9', parseTrustProxy(''))).toBe('10.1.2.3');
    expect(() => parseTrustProxy('not-an-address')).toThrow(/TANDEM_TRUST_PROXY/);
  });

  it('is limited by IPv4 address, or by IPv6 /64', () => {
    expect(ipKey('198.51.100.7')).toBe('198.51.100.7');
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipKey('not an address')).toBe('not-an-address');
  });
});

describe('TANDEM_RATE_LIMITS', () => {
  it('overrides named limits and refuses anything else with a clear error', () => {
    expect(parseLimitTuning('')).toEqual({});
    expect(parseLimitTuning('customerConnectionsPerIp=300/60, loginLockout=10/600')).toEqual({
      customerConnectionsPerIp: { points: 300, seconds: 60 },
      loginLockout: { points: 10, seconds: 600 },
    });
    expect(() => parseLimitTuning('connections=3/60')).toThrow(/unknown limit "connections"; the limits are customerConnectionsPerIp, /);
    expect(() => parseLimitTuning('loginsPerIp=3')).toThrow(/is not name=points\/seconds/);
    expect(() => parseLimitTuning('loginsPerIp=0/60')).toThrow(/at least 1/);
  });
});

const withRedis = await redisUnderTest();

describe.skipIf(!withRedis)('the limits shared through Redis', () => {
  const clients: Redis[] = [];
  const client = (url = REDIS_URL) => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {}); // the closed port below keeps failing, on purpose
    clients.push(redis);
    return redis;
  };
  afterAll(() => {
    for (const redis of clients) redis.disconnect();
  });

  it('gives two nodes one budget per IP and one lockout per email', async () => {
    const prefix = `test:${randomUUID()}`;
    const tuning = { customerConnectionsPerIp: { points: 5, seconds: 60 } };
    const nodeA = createLimits({ redis: client(), prefix, tuning });
    const nodeB = createLimits({ redis: client(), prefix, tuning });
    await Promise.all(clients.map((c) => (c.status === 'ready' ? undefined : new Promise((ready) => c.once('ready', ready)))));
    expect(allowed(await times(3, () => nodeA.customerConnection('198.51.100.20')))).toBe(3);
    expect((await times(3, () => nodeB.customerConnection('198.51.100.20'))).map((v) => v.ok)).toEqual([true, true, false]);
    expect(await nodeA.customerConnection('198.51.100.20')).toMatchObject({ ok: false });
    expect(await nodeB.customerConnection('198.51.100.21')).toEqual({ ok: true });

    // failed sign-ins on either node add up, and the lock holds on both
    expect(allowed(await times(3, () => nodeA.loginAs('ann@example.com')))).toBe(3);
    expect(allowed(await times(2, () => nodeB.loginAs('ann@example.com')))).toBe(2);
    expect(await nodeA.loginAs('ann@example.com')).toMatchObject({ ok: false });
    expect(await nodeB.loginAs('ann@example.com')).toMatchObject({ ok: false });
    const keys = await clients[0]!.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    // Redis holds a hash of the email, not the address
    expect(keys.some((k) => k.includes('ann@'))).toBe(false);
    await clients[0]!.del(...keys);
  });

  it('falls back to each node counting in memory when Redis is unreachable: still limited, not failing', async () => {
    const closedPort = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
    });
    const down = client(`redis://127.0.0.1:${closedPort}`);
    const limits = createLimits({ redis: down, prefix: `test:${randomUUID()}`, tuning: { customerConnectionsPerIp: { points: 3, seconds: 60 } } });
    const started = Date.now();
    const verdicts = await times(5, () => limits.customerConnection('198.51.100.30'));
    expect(down.status).not.toBe('ready');
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, false, false]);
    // at once, not after Redis' reconnect attempts
    expect(Date.now() - started).toBeLessThan(500);
    expect(await limits.loginAs('ann@example.com')).toEqual({ ok: true });
  });
});
