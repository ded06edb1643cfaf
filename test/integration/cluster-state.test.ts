// The shared state of several nodes, against a real Redis (127.0.0.1:6379, keys under a prefix of the test's
// own): leadership changes hands when the leader goes, the bus reaches every node, and presence behaves like
// the single-process presence, including a dead node's consoles being pruned and a lost state restored.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCluster, type BusMessage } from '../../server/cluster/cluster.ts';
import { RedisPresence } from '../../server/cluster/redis-presence.ts';
import { MemoryPresence, type Presence } from '../../server/realtime/agent-presence.ts';
import { eventually } from '../support/waiting.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const reachable = await redisReachable();
if (!reachable && process.env.CI === 'true') throw new Error(`Redis is required under CI=true but ${REDIS_URL} is not reachable`);
if (!reachable) console.warn(`\n!!! Redis at ${REDIS_URL} is not reachable: the shared-state tests are SKIPPED.\n`);

describe.skipIf(!reachable)('state shared by nodes through Redis', () => {
  const prefix = `test${randomBytes(4).toString('hex')}:`;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(REDIS_URL);
    clients.push(c);
    return c;
  };

  afterAll(async () => {
    const c = client();
    const keys = await c.keys(`${prefix}*`);
    if (keys.length) await c.del(...keys);
    for (const c2 of clients) c2.disconnect();
  });

  it('has exactly one leader, and another takes over when it goes', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map((id) => RedisCluster.connect({ redis: client(), nodeId: id, prefix: `${prefix}lead:`, leaseMs: 800 })));
    for (const n of nodes) n.start();
    await eventually(() => (nodes.filter((n) => n.isLeader()).length === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(nodes.filter((n) => n.isLeader())).toHaveLength(1);
    expect(await nodes[0]!.liveNodes()).toEqual(new Set(['a', 'b', 'c']));

    const leader = nodes.find((n) => n.isLeader())!;
    await leader.close();
    const rest = nodes.filter((n) => n !== leader);
    await eventually(() => (rest.filter((n) => n.isLeader()).length === 1 ? true : undefined), 5000);
    expect(await rest[0]!.liveNodes()).toEqual(new Set(rest.map((n) => n.nodeId)));
    for (const n of rest) await n.close();
  });

  it('carries a message to every node', async () => {
    const nodes = await Promise.all(['x', 'y'].map((id) => RedisCluster.connect({ redis: client(), nodeId: id, prefix: `${prefix}bus:` })));
    const got: BusMessage[][] = [[], []];
    nodes.forEach((n, i) => n.onMessage((m) => got[i]!.push(m)));
    nodes[0]!.publish({ kind: 'queue', customer: 'c-1' });
    await eventually(() => (got.every((g) => g.length === 1) ? true : undefined));
    expect(got).toEqual([[{ kind: 'queue', customer: 'c-1' }], [{ kind: 'queue', customer: 'c-1' }]]);
    for (const n of nodes) await n.close();
  });

  // The same story on both implementations: Redis presence must behave like the one-process presence.
  const stories: [string, () => { a: Presence; b: Presence }][] = [
    ['in memory', () => {
      const p = new MemoryPresence();
      return { a: p, b: p };
    }],
    ['in Redis, from two nodes', () => ({ a: new RedisPresence(client(), `${prefix}p:`, 'node-a'), b: new RedisPresence(client(), `${prefix}p:`, 'node-b') })],
  ];
  for (const [name, make] of stories) {
    it(`keeps an agent's presence across consoles on several nodes (${name})`, async () => {
      const { a, b } = make();
      const ann = { id: 'ann', name: 'Ann' };
      expect(await a.connect(ann, 's1', 1000)).toMatchObject({ name: 'Ann', connections: 1, status: 'online', capacity: 3, skills: null, idleSince: 1000, leftAt: null });
      expect((await b.connect(ann, 's2', 2000)).connections).toBe(2);
      expect(await b.set('ann', 'away', { capacity: 5, skills: ['billing_dispute'] }, 3000)).toMatchObject({ status: 'away', capacity: 5, skills: ['billing_dispute'] });
      expect(await a.disconnect('ann', 's1', 4000)).toBe(false);
      expect(await a.disconnect('ann', 's1', 4000)).toBe(false); // twice is harmless
      expect(await b.disconnect('ann', 's2', 5000)).toBe(true);
      expect(await a.get('ann')).toMatchObject({ connections: 0, leftAt: 5000, status: 'away', capacity: 5 });
      expect(await a.set('ann', 'online', {}, 6000)).toMatchObject({ status: 'online', idleSince: 6000 });
      expect((await b.entries()).map(([id]) => id)).toEqual(['ann']);
      expect(await a.set('nobody', 'online', {}, 1)).toBeUndefined();
    });
  }

  it("forgets a dead node's consoles, starting the agent's grace period, and restores a lost state", async () => {
    const redis = client();
    const p = `${prefix}prune:`;
    const onA = new RedisPresence(redis, p, 'node-a');
    const onB = new RedisPresence(redis, p, 'node-b');
    await onA.connect({ id: 'bo', name: 'Bo' }, 's1', 1000);
    await onB.connect({ id: 'cy', name: 'Cy' }, 's2', 1000);
    await onB.connect({ id: 'bo', name: 'Bo' }, 's3', 1000);
    // node-a died: Bo still has a console on node-b, Cy is untouched.
    expect(await onB.prune(new Set(['node-b']), 9000)).toEqual([]);
    expect((await onB.get('bo'))!.connections).toBe(1);
    // node-b died too: both are left without a console, from now.
    expect((await onA.prune(new Set(['node-a']), 9500)).sort()).toEqual(['bo', 'cy']);
    expect(await onA.get('bo')).toMatchObject({ connections: 0, leftAt: 9500 });

    // Redis lost everything; a node puts back its consoles as last seen, and only then.
    const last = (await onB.get('cy'))!;
    await redis.del(...(await redis.keys(`${p}*`)));
    await onB.restore('cy', { ...last, capacity: 4 }, ['s9']);
    expect(await onB.get('cy')).toMatchObject({ name: 'Cy', connections: 1, capacity: 4, leftAt: null });
    await onB.restore('cy', { ...last, capacity: 1 }, ['s9', 's10']);
    expect((await onB.get('cy'))!.capacity).toBe(4); // present already: nothing restored over it
  });
});
