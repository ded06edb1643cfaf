// A real cluster for fault tests: its own PostgreSQL database (reached through a TCP proxy the test can cut),
// its own redis-server process on a free port (which the test can kill and start again), and N real
// `server/main.ts` processes behind the dev proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { freePort, startLocalCluster, type LocalCluster } from '../../server/cluster/local-cluster.ts';
import { startTcpProxy, type TcpProxy } from '../../server/cluster/tcp-proxy.ts';
import type { LoginResponse, SessionPayload } from '../../shared/protocol.ts';
import { POSTGRES_URL } from './engines.ts';

export const CLUSTER_ADMIN = { email: 'lead@example.test', password: 'correct horse battery staple' };

/** A redis-server of the test's own, without persistence: a restart loses everything, as a failover may. */
export class TestRedis {
  readonly port: number;
  #process: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.#process = proc;
    const deadline = Date.now() + 10_000;
    while (!(await tcpOpen(this.port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const proc = this.#process;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((done) => proc.once('exit', () => done()));
    proc.kill('SIGKILL');
    await exited;
  }
}

async function tcpOpen(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export interface TestCluster {
  cluster: LocalCluster;
  redis: TestRedis;
  /** the TCP proxy in front of PostgreSQL: `cutDatabase()` closes it, `restoreDatabase()` opens it again */
  cutDatabase(): Promise<void>;
  restoreDatabase(): Promise<void>;
  /** a client of the cluster's database, for checks */
  db: pg.Pool;
  databaseUrl: string;
  destroy(): Promise<void>;
}

export async function startTestCluster(options: { nodes: number; env?: Record<string, string> }): Promise<TestCluster> {
  const name = `tandem_fault_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const upstream = new URL(POSTGRES_URL);
  const pgBackend = { host: upstream.hostname, port: Number(upstream.port || 5432) };
  const pgPort = await freePort();
  let pgProxy: TcpProxy | null = await startTcpProxy([pgBackend], { port: pgPort });
  const databaseUrl = `postgres://${upstream.username}@127.0.0.1:${pgPort}/${name}`;
  const direct = new URL(POSTGRES_URL);
  direct.pathname = `/${name}`;
  const db = new pg.Pool({ connectionString: direct.toString(), max: 3 });
  db.on('error', () => {});
  const redis = await TestRedis.start();
  const cluster = await startLocalCluster({
    nodes: options.nodes,
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      TANDEM_ADMIN_EMAIL: CLUSTER_ADMIN.email,
      TANDEM_ADMIN_PASSWORD: CLUSTER_ADMIN.password,
      TANDEM_AUTO_ASSIGN: 'off',
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  return {
    cluster,
    redis,
    db,
    databaseUrl: direct.toString(),
    async cutDatabase() {
      await pgProxy?.close();
      pgProxy = null;
    },
    async restoreDatabase() {
      pgProxy ??= await startTcpProxy([pgBackend], { port: pgPort });
    },
    async destroy() {
      await cluster.stop();
      await pgProxy?.close();
      await redis.stop();
      await db.end();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export async function login(url: string, who = CLUSTER_ADMIN): Promise<LoginResponse> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as LoginResponse;
}

/** A customer whose handshake always carries its token and the last seq it holds, as the widget's does. */
export function customerSocket(url: string, state: { token?: string; after?: number }): Socket {
  return io(`${url}/customer`, {
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    auth: (cb) => cb({ visitor: 'fault-test-visitor', ...(state.token ? { token: state.token } : {}), ...(state.after !== undefined ? { after: state.after } : {}) }),
  });
}

export function agentSocket(url: string, token: string): Socket {
  return io(`${url}/agent`, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500, auth: { token } });
}

export function nextSession(socket: Socket, timeoutMs = 20_000): Promise<SessionPayload> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session')), timeoutMs);
    socket.once('session', (s: SessionPayload) => {
      clearTimeout(timer);
      resolve(s);
    });
  });
}
