// One Tandem made of one or several processes. Every node serves sockets and HTTP; one node at a time, the
// leader, also runs what must have a single owner: routing and wait-time promises (the dispatcher), the grace
// timers of agents who left, and the quality alarms. Nodes tell the leader what happened over a bus.
//
// - `LocalCluster`: one process (the embedded store, or PostgreSQL without REDIS_URL). It is always the
//   leader and its bus delivers to itself.
// - `RedisCluster`: REDIS_URL set. Leadership is a Redis lease (SET NX PX, renewed by its holder with a
//   compare-and-extend script), so when the leader dies another node takes over within LEASE_MS. Each node
//   also keeps a heartbeat key, so the leader can tell which nodes' agent connections died with them.
//   The bus is Redis pub/sub: at most once. Nothing on it is the only copy of anything: the queue, the
//   assignments and the outcomes are in the database, and the leader reconciles from there on a timer.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Conversation } from '../core/conversation.ts';
import type { AlarmMetric } from '../../shared/quality.ts';
import type { InteractionType } from '../../shared/protocol.ts';

/** What nodes tell each other. */
export type BusMessage =
  /** the queue's content or order changed: the leader refreshes it (and tells `customer` their place anyway) */
  | { kind: 'queue'; customer?: string }
  /** a conversation changed state (or was rated) on some node: the leader feeds routing and quality */
  | { kind: 'changed'; before: Conversation; after: Conversation }
  /** an agent's presence changed: the leader re-reads presence (grace timers, the queue's promises) */
  | { kind: 'presence' }
  /** a type's AI mode changed in the store: every node reloads it */
  | { kind: 'policy' }
  /** someone acknowledged an alarm: the leader's test for it runs again */
  | { kind: 'alarm-acknowledged'; type: InteractionType; metric: AlarmMetric };

export interface Cluster {
  readonly nodeId: string;
  /** True on the node that runs routing, grace timers and the quality alarms now. */
  isLeader(): boolean;
  /** Called with true when this node becomes the leader and false when it stops being it. */
  onLeadership(listener: (leader: boolean) => void): void;
  /** Send to every node (this one included). */
  publish(message: BusMessage): void;
  onMessage(listener: (message: BusMessage) => void): void;
  /** Nodes whose heartbeat is alive (this one included). */
  liveNodes(): Promise<Set<string>>;
  /** Take `key` for this node for `ttlMs`, unless a node whose heartbeat is alive holds it. */
  claim?(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function newNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** A single process: the leader of itself. */
export class LocalCluster implements Cluster {
  readonly nodeId: string;
  readonly #listeners: ((message: BusMessage) => void)[] = [];
  readonly #leadership: ((leader: boolean) => void)[] = [];
  #closed = false;

  constructor(nodeId = newNodeId()) {
    this.nodeId = nodeId;
  }

  isLeader(): boolean {
    return !this.#closed;
  }

  onLeadership(listener: (leader: boolean) => void): void {
    this.#leadership.push(listener);
  }

  /** Tell the leadership listeners (call once everything is wired). */
  start(): void {
    for (const listener of this.#leadership) listener(true);
  }

  publish(message: BusMessage): void {
    // Asynchronous like the Redis bus, so no caller depends on a listener running inside its own call.
    queueMicrotask(() => {
      if (this.#closed) return;
      for (const listener of this.#listeners) listener(message);
    });
  }

  onMessage(listener: (message: BusMessage) => void): void {
    this.#listeners.push(listener);
  }

  async liveNodes(): Promise<Set<string>> {
    return new Set([this.nodeId]);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

export interface RedisClusterOptions {
  redis: Redis;
  nodeId: string;
  /** prefix of every key and channel, so several Tandems can share one Redis */
  prefix: string;
  leaseMs?: number;
  onError?: (error: unknown, context: string) => void;
}

/** How long a leader's lease and a node's heartbeat last without renewal. */
export const LEASE_MS = 10_000;

// Extend the lease only if we still hold it (a paused leader must not extend a lease another node took).
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
// KEYS: the claim. ARGV: this node, ttl, the heartbeat key prefix. Free, ours, or its holder's heartbeat is gone.
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] or redis.call('EXISTS', ARGV[3] .. holder) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisCluster implements Cluster {
  readonly nodeId: string;
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #listeners: ((message: BusMessage) => void)[] = [];
  readonly #leadership: ((leader: boolean) => void)[] = [];
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: RedisClusterOptions, sub: Redis) {
    this.nodeId = options.nodeId;
    this.#redis = options.redis;
    this.#sub = sub;
    this.#prefix = options.prefix;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#onError = options.onError ?? (() => {});
  }

  static async connect(options: RedisClusterOptions): Promise<RedisCluster> {
    const sub = options.redis.duplicate();
    sub.on('error', () => {}); // reconnects by itself; the main client's errors are logged
    const cluster = new RedisCluster(options, sub);
    sub.on('message', (_channel, raw) => cluster.#deliver(raw));
    // ioredis subscribes again after a reconnect (autoResubscribe).
    await sub.subscribe(cluster.#channel);
    return cluster;
  }

  get #channel(): string {
    return `${this.#prefix}bus`;
  }
  get #leaseKey(): string {
    return `${this.#prefix}leader`;
  }
  #nodeKey(id: string): string {
    return `${this.#prefix}node:${id}`;
  }

  #deliver(raw: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(raw) as BusMessage;
    } catch (error) {
      this.#onError(error, 'bus message');
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener(message);
      } catch (error) {
        this.#onError(error, `bus ${message.kind}`);
      }
    }
  }

  isLeader(): boolean {
    return this.#leader;
  }

  onLeadership(listener: (leader: boolean) => void): void {
    this.#leadership.push(listener);
  }

  /** Start the heartbeat and the run for leadership (call once everything is wired). */
  start(): void {
    const tick = () => {
      void this.#tick().finally(() => {
        if (!this.#closed) {
          this.#timer = setTimeout(tick, this.#leaseMs / 4);
          this.#timer.unref();
        }
      });
    };
    tick();
  }

  async #tick(): Promise<void> {
    let leader = this.#leader;
    try {
      await this.#redis.set(this.#nodeKey(this.nodeId), String(Date.now()), 'PX', this.#leaseMs);
      await this.#redis.sadd(`${this.#prefix}nodes`, this.nodeId);
      if (this.#leader) {
        leader = (await this.#redis.eval(RENEW, 1, this.#leaseKey, this.nodeId, String(this.#leaseMs))) === 1;
      } else {
        leader = (await this.#redis.set(this.#leaseKey, this.nodeId, 'PX', this.#leaseMs, 'NX')) === 'OK';
      }
    } catch (error) {
      // Redis unreachable: a leader that cannot renew steps down before its lease could have run out, so two
      // nodes never both believe they lead for long (the database still refuses any double assignment).
      this.#onError(error, 'cluster heartbeat');
      leader = false;
    }
    this.#setLeader(leader);
  }

  #setLeader(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    for (const listener of this.#leadership) {
      try {
        listener(leader);
      } catch (error) {
        this.#onError(error, 'leadership listener');
      }
    }
  }

  publish(message: BusMessage): void {
    this.#redis.publish(this.#channel, JSON.stringify(message)).catch((error: unknown) => this.#onError(error, `publish ${message.kind}`));
  }

  onMessage(listener: (message: BusMessage) => void): void {
    this.#listeners.push(listener);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.eval(CLAIM, 1, `${this.#prefix}claim:${key}`, this.nodeId, String(ttlMs), `${this.#prefix}node:`)) === 1;
  }

  async liveNodes(): Promise<Set<string>> {
    const known = await this.#redis.smembers(`${this.#prefix}nodes`);
    const alive = new Set<string>();
    if (!known.length) return alive;
    const beats = await this.#redis.mget(known.map((id) => this.#nodeKey(id)));
    known.forEach((id, i) => {
      if (beats[i] !== null) alive.add(id);
    });
    const dead = known.filter((id) => !alive.has(id));
    if (dead.length) await this.#redis.srem(`${this.#prefix}nodes`, ...dead);
    return alive;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    try {
      // Hand leadership over at once rather than after the lease runs out.
      await this.#redis.eval(RELEASE, 1, this.#leaseKey, this.nodeId);
      await this.#redis.del(this.#nodeKey(this.nodeId));
      await this.#redis.srem(`${this.#prefix}nodes`, this.nodeId);
    } catch {
      /* Redis gone: the lease and the heartbeat expire by themselves */
    }
    this.#setLeader(false);
    this.#sub.disconnect();
  }
}
