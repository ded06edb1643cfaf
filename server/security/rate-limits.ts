// Rate limits (docs/SECURITY.md), with rate-limiter-flexible: how much a customer socket, an agent console, a
// client IP and a sign-in email may do. Budgets per IP and per email are kept in Redis when there is one, so
// every node spends the same budget; if Redis fails, each node falls back to its own memory (the insurance
// limiter) rather than refusing everyone or letting everyone through. Budgets per socket stay in memory: a
// socket lives on one node, and the busiest checks then cost no round trip.
import proxyaddr from 'proxy-addr';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** `points` actions per `seconds`. */
export interface Rate {
  points: number;
  seconds: number;
}

export interface LimitTuning {
  /** customer handshakes (new conversations and resumes alike) per client IP */
  customerConnectionsPerIp: Rate;
  /** customer events other than typing (messages, handoff, rating, close, sync) per socket */
  customerEventsPerSocket: Rate;
  /** customer typing events per socket: a looser bucket of their own */
  customerTypingPerSocket: Rate;
  /** customer messages per client IP, over all of that IP's sockets */
  customerMessagesPerIp: Rate;
  /** events per agent console socket */
  agentEventsPerSocket: Rate;
  /** sign-in attempts per client IP; each costs an argon2 hash (about 40 ms of CPU) */
  loginsPerIp: Rate;
  /** `points` failed sign-ins in a row for one email lock it for `seconds`, even for the right password */
  loginLockout: Rate;
}

export const DEFAULT_LIMITS: LimitTuning = {
  customerConnectionsPerIp: { points: 30, seconds: 60 },
  customerEventsPerSocket: { points: 10, seconds: 10 },
  customerTypingPerSocket: { points: 20, seconds: 10 },
  customerMessagesPerIp: { points: 60, seconds: 60 },
  agentEventsPerSocket: { points: 100, seconds: 10 },
  loginsPerIp: { points: 30, seconds: 15 * 60 },
  loginLockout: { points: 5, seconds: 15 * 60 },
};

/** How long a run of failed sign-ins is remembered: failures further apart than this do not add up. */
const FAILED_LOGINS_REMEMBERED_SECONDS = 60 * 60;

/** Allowed, or refused until `retryAfterSeconds` from now. */
export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

const ALLOWED: Verdict = { ok: true };

async function take(limiter: RateLimiterAbstract, key: string): Promise<Verdict> {
  try {
    await limiter.consume(key);
    return ALLOWED;
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
  }
}

/** Everything Tandem limits. Build it with `createLimits`. */
export class Limits {
  readonly tuning: LimitTuning;
  readonly #connectionsPerIp: RateLimiterAbstract;
  readonly #customerEvents: RateLimiterAbstract;
  readonly #customerTyping: RateLimiterAbstract;
  readonly #messagesPerIp: RateLimiterAbstract;
  readonly #agentEvents: RateLimiterAbstract;
  readonly #loginsPerIp: RateLimiterAbstract;
  readonly #failedLogins: RateLimiterAbstract;

  constructor(tuning: LimitTuning, limiter: (name: string, rate: Rate, scope: 'shared' | 'socket', blockSeconds?: number) => RateLimiterAbstract) {
    this.tuning = tuning;
    this.#connectionsPerIp = limiter('customer-connections-ip', tuning.customerConnectionsPerIp, 'shared');
    this.#customerEvents = limiter('customer-events-socket', tuning.customerEventsPerSocket, 'socket');
    this.#customerTyping = limiter('customer-typing-socket', tuning.customerTypingPerSocket, 'socket');
    this.#messagesPerIp = limiter('customer-messages-ip', tuning.customerMessagesPerIp, 'shared');
    this.#agentEvents = limiter('agent-events-socket', tuning.agentEventsPerSocket, 'socket');
    this.#loginsPerIp = limiter('logins-ip', tuning.loginsPerIp, 'shared');
    const lockout = tuning.loginLockout;
    this.#failedLogins = limiter('login-failures-email', { points: lockout.points, seconds: FAILED_LOGINS_REMEMBERED_SECONDS }, 'shared', lockout.seconds);
  }

  /** A customer handshake from `address`. */
  customerConnection(address: string): Promise<Verdict> {
    return take(this.#connectionsPerIp, ipKey(address));
  }

  /** A customer event on socket `socketId`; a message also spends from its IP's budget (only when the socket's allowed it). */
  async customerEvent(socketId: string, address: string, event: string): Promise<Verdict> {
    if (event === 'typing') return take(this.#customerTyping, socketId);
    const own = await take(this.#customerEvents, socketId);
    if (!own.ok || event !== 'message') return own;
    return take(this.#messagesPerIp, ipKey(address));
  }

  /** An event on an agent console socket. */
  agentEvent(socketId: string): Promise<Verdict> {
    return take(this.#agentEvents, socketId);
  }

  /** A sign-in attempt from `address`. */
  loginFrom(address: string): Promise<Verdict> {
    return take(this.#loginsPerIp, ipKey(address));
  }

  /**
   * A sign-in attempt for `email`, counted as a failure until `loginSucceeded` clears the run: counting before
   * the password is checked keeps parallel guesses within the budget too. Refused while the email is locked.
   */
  loginAs(email: string): Promise<Verdict> {
    return take(this.#failedLogins, emailKey(email));
  }

  /** The right password: the run of failures for `email` starts again from zero. */
  async loginSucceeded(email: string): Promise<void> {
    await this.#failedLogins.delete(emailKey(email));
  }
}

/** Sign-in budgets are keyed by a hash, so Redis holds no agent's email address. */
function emailKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}

export interface LimitsOptions {
  /** Keep the per-IP and per-email budgets here, shared by every node; without it, each process counts alone. */
  redis?: Redis;
  /** Prefix of the Redis keys (and memory keys): `tandem:rl` unless given. */
  prefix?: string;
  /** Limits other than the defaults (tests, load benchmarks, a shop behind one NAT). */
  tuning?: Partial<LimitTuning>;
}

/** The limits, in Redis (with an in-memory fallback) when a client is given, in memory otherwise. */
export function createLimits(options: LimitsOptions = {}): Limits {
  const { redis } = options;
  const prefix = options.prefix ?? 'tandem:rl';
  const tuning = { ...DEFAULT_LIMITS, ...options.tuning };
  return new Limits(tuning, (name, rate, scope, blockSeconds) => {
    const settings = { keyPrefix: `${prefix}:${name}`, points: rate.points, duration: rate.seconds, ...(blockSeconds ? { blockDuration: blockSeconds } : {}) };
    const memory = new RateLimiterMemory(settings);
    if (!redis || scope === 'socket') return memory;
    // Not ready (down, reconnecting): go to the insurance limiter at once instead of queueing the command.
    return new RateLimiterRedis({ ...settings, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  });
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as the IPv4 address it is. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function isLoopback(address: string): boolean {
  return LOOPBACK_V4.test(address) || address === '::1';
}

/** Which hops are our own proxies or load balancers (TANDEM_TRUST_PROXY): their X-Forwarded-For is believed. */
export type TrustProxy = (address: string, hop: number) => boolean;

export const TRUST_LOOPBACK: TrustProxy = (address) => isLoopback(unmapped(address));

/**
 * `TANDEM_TRUST_PROXY`: comma-separated addresses, CIDR ranges and the names `loopback`, `linklocal`,
 * `uniquelocal` (Express's `trust proxy` syntax, through the same proxy-addr). Throws on a bad entry.
 */
export function parseTrustProxy(text: string): TrustProxy {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (!entries.length) return TRUST_LOOPBACK;
  try {
    return proxyaddr.compile(entries);
  } catch (error) {
    throw new Error(`TANDEM_TRUST_PROXY: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The client's address as Express computes it with the same `trust proxy` (http-app.ts): the peer of the
 * connection, or, while that hop is one of our proxies, the next X-Forwarded-For entry from the right. Anyone
 * else's X-Forwarded-For is ignored.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trust: TrustProxy = TRUST_LOOPBACK): string {
  const forwarded = [forwardedFor ?? []].flat().join(',').split(',').map((hop) => hop.trim()).filter(Boolean);
  const hops = [peer ?? '', ...forwarded.reverse()].map(unmapped);
  let i = 0;
  while (i < hops.length - 1 && trust(hops[i]!, i)) i++;
  return hops[i]!;
}

/**
 * The key an address is limited under: an IPv4 address as it is, an IPv6 one by its /64 (a subscriber usually
 * holds a whole /64, so counting single addresses would let one customer be millions). Anything that is not an
 * address shares one key.
 */
export function ipKey(address: string): string {
  const plain = unmapped(address.replace(/%.*$/, ''));
  const version = isIP(plain);
  if (version === 4) return plain;
  if (version !== 6) return 'not-an-address';
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (64:ff9b::1.2.3.4) fills two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - width(left) - width(right)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Read `TANDEM_RATE_LIMITS`: comma-separated `name=points/seconds` overriding the defaults, e.g.
 * `customerConnectionsPerIp=300/60,loginLockout=10/600`. Throws an Error saying what is wrong.
 */
export function parseLimitTuning(text: string): Partial<LimitTuning> {
  const tuning: Partial<LimitTuning> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^(\w+)=(\d+)\/(\d+)$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not name=points/seconds (e.g. customerConnectionsPerIp=300/60)`);
    const [, name, points, seconds] = match as unknown as [string, string, string, string];
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) {
      throw new Error(`unknown limit "${name}"; the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    }
    if (Number(points) < 1 || Number(seconds) < 1) throw new Error(`"${entry}": points and seconds must be at least 1`);
    tuning[name as keyof LimitTuning] = { points: Number(points), seconds: Number(seconds) };
  }
  return tuning;
}
