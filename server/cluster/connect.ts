// Pick how this process joins the others: alone (no REDIS_URL), or as one node of several through Redis.
// With Redis, three things are shared: Socket.IO's packets (the Redis Streams adapter), agent presence, and
// the bus and leadership of server/cluster/cluster.ts.
//
// Why the Redis Streams adapter (@socket.io/redis-streams-adapter) and not the classic pub/sub one: it is the
// maintained Redis adapter that supports Socket.IO's connection state recovery (sessions kept in Redis, missed
// packets replayed from the stream), and it resumes the stream after a Redis blip without losing packets;
// the pub/sub adapter supports neither. Recovery stays an optimisation: clients catch up from the store.
import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import { MemoryPresence, type Presence } from '../realtime/agent-presence.ts';
import { LocalCluster, newNodeId, RedisCluster, type Cluster } from './cluster.ts';
import { RedisPresence } from './redis-presence.ts';

export interface Joined {
  cluster: Cluster & { start(): void };
  presence: Presence;
  /** the Socket.IO adapter; undefined: the in-memory one */
  adapter: ServerOptions['adapter'] | undefined;
  /** the Redis client (for the rate limits' shared store), or undefined */
  redis: Redis | undefined;
  /** Is Redis answering? (always true alone) */
  redisHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

export async function joinCluster(options: { redisUrl: string | undefined; prefix: string; nodeId: string | undefined; log: Logger }): Promise<Joined> {
  // Each start is a new instance, even under a fixed TANDEM_NODE_ID: consoles held by the instance before a
  // restart died with it, and must not look alive again because the name came back.
  const nodeId = options.nodeId ? `${options.nodeId}.${randomBytes(3).toString('hex')}` : newNodeId();
  if (!options.redisUrl) {
    const cluster = new LocalCluster(nodeId);
    return { cluster, presence: new MemoryPresence(), adapter: undefined, redis: undefined, redisHealthy: async () => true, close: () => cluster.close() };
  }
  const log = options.log.child({ component: 'cluster', nodeId });
  // Commands wait in ioredis' offline queue while Redis is away, so a short outage delays rather than fails
  // them; each still fails after a few retries so a handler never hangs for ever.
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3, connectTimeout: 5000, lazyConnect: true });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // One line per kind of failure, not one per retry.
    if (error.message !== lastError) log.error({ err: error }, 'redis error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) log.info('redis reachable again');
    lastError = '';
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Cannot reach Redis at ${redactUrl(options.redisUrl)}: ${(error as Error).message}`, { cause: error });
  }
  const cluster = await RedisCluster.connect({
    redis,
    nodeId,
    prefix: options.prefix,
    onError: (error, context) => log.warn({ err: error, context }, 'cluster'),
  });
  const adapter = createAdapter(redis, {
    streamName: `${options.prefix}socket.io`,
    sessionKeyPrefix: `${options.prefix}sio:session:`,
    channelPrefix: `${options.prefix}socket.io`,
  } as Parameters<typeof createAdapter>[1]);
  log.info({ redis: redactUrl(options.redisUrl) }, 'joined the cluster');
  return {
    cluster,
    presence: new RedisPresence(redis, options.prefix, nodeId),
    adapter,
    redis,
    async redisHealthy() {
      try {
        return (await Promise.race([redis.ping(), new Promise<string>((_, fail) => setTimeout(() => fail(new Error('timeout')), 1000))])) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await cluster.close();
      redis.disconnect();
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
