// The servers the load benchmark measures, each in child processes of its own: the bare Socket.IO echo
// server, and Tandem as one node or several behind the proxy (through cluster-host.ts), each Tandem on a fresh
// PostgreSQL database that is dropped afterwards. Every child runs in its own process group, which is killed
// when the benchmark exits however it exits; its stdin is ours, so it also goes when we are killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import { AgentAccounts } from '../../../server/auth/agent-accounts.ts';
import { systemClock } from '../../../server/core/clock.ts';
import { openPostgresStore } from '../../../server/store/postgres.ts';

const HERE = import.meta.dirname;
export const REPO_ROOT = resolve(HERE, '../../..');

export interface Target {
  /** where customers connect (a node, or the proxy in front of several) */
  url: string;
  /** the server processes whose memory and CPU are measured */
  pids: number[];
  /** the admin agent's credentials (Tandem only) */
  admin?: { email: string; password: string };
  /** where the nodes' output went (Tandem only) */
  logDir?: string;
  /** the process that runs the nodes and the proxy in front of them (Tandem only) */
  hostPid?: number;
  /** the PostgreSQL database of this target (Tandem only) */
  database?: string;
  stop(): Promise<void>;
}

/** Process groups still running, killed outright when this process exits. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function spawnGroup(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: Ctrl-C reaches only us, and we stop it in order
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Stop a child's group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL'); // leftovers of the group, if any
    return;
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const force = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(force);
  killGroup(child, 'SIGKILL');
}

/** The first stdout line of `child` that `match` accepts; fails when the child exits or after `timeoutMs`. */
function lineFrom(child: ChildProcess, match: (line: string) => boolean, timeoutMs: number, describe: () => string): Promise<string> {
  return new Promise((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms\n${describe()}`)), timeoutMs);
    lines.on('line', (line) => {
      if (!match(line)) return;
      clearTimeout(timer);
      lines.close();
      done(line);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`exited (${code ?? signal}) while starting\n${describe()}`));
    });
  });
}

export async function startEchoServer(): Promise<Target> {
  const child = spawnGroup([join(HERE, 'echo-server.ts')], {});
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await lineFrom(child, (l) => l.startsWith('{'), 30_000, () => stderr);
  const { port } = JSON.parse(line) as { port: number };
  return { url: `http://127.0.0.1:${port}`, pids: [child.pid!], stop: () => stopGroup(child, 5_000) };
}

// ---- PostgreSQL: a fresh database per Tandem target ----

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Databases created and not dropped yet, for the cleanup on Ctrl-C. */
const databases = new Set<string>();

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase(name: string): Promise<string> {
  await adminQuery(`create database "${name}"`);
  databases.add(name);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Migrate and create the admin before any node starts, as a deployment would before rolling nodes out: nodes
 * that start together on an empty database race to insert the same admin (the loser exits with a unique
 * violation on agents.email; seen in this benchmark's runs).
 */
async function prepareDatabase(databaseUrl: string, admin: { email: string; password: string }): Promise<void> {
  const store = await openPostgresStore(databaseUrl);
  try {
    await store.migrate();
    await new AgentAccounts(store, systemClock).bootstrap(admin);
  } finally {
    await store.close();
  }
}

async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(`drop database if exists "${name}" with (force)`);
      databases.delete(name);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Drop every database this run created and has not dropped yet. */
export async function dropAllDatabases(): Promise<void> {
  for (const name of [...databases]) await dropDatabase(name).catch((error: unknown) => console.error(`could not drop ${name}: ${(error as Error).message}`));
}

export interface TandemTargetOptions {
  nodes: number;
  /** environment for every node, on top of the benchmark's own */
  env: Record<string, string>;
  /** with several nodes: the Redis the nodes share, and the prefix of their keys (deleted when they stop) */
  redis?: { url: string; prefix: string };
  /** Node's flags for the server processes (e.g. --cpu-prof) */
  nodeFlags?: string[];
  /** a name for the database and the log folder */
  label: string;
  logRoot: string;
}

/**
 * Tandem as `nodes` real `node server/main.ts` processes on a fresh database. With one node, customers connect
 * to it directly; with several, through the proxy.
 */
export async function startTandemNodes(options: TandemTargetOptions): Promise<Target> {
  const database = `tandem_bench_load_${process.pid}_${options.label.replace(/\W/g, '_')}`;
  const databaseUrl = await createDatabase(database);
  const admin = { email: 'bench@tandem.local', password: randomBytes(12).toString('base64url') };
  await prepareDatabase(databaseUrl, admin);
  const logDir = join(options.logRoot, options.label);
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    TANDEM_ADMIN_EMAIL: admin.email,
    TANDEM_ADMIN_PASSWORD: admin.password,
    ...(options.redis ? { REDIS_URL: options.redis.url } : {}),
    ...options.env,
  };
  const child = spawnGroup([join(HERE, 'cluster-host.ts')], {
    TANDEM_BENCH_CLUSTER: JSON.stringify({ nodes: options.nodes, env, nodeFlags: options.nodeFlags, logDir }),
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    await stopGroup(child, 15_000);
    await dropDatabase(database);
    if (options.redis) await deleteRedisKeys(options.redis.url, options.redis.prefix);
  };
  try {
    const line = await lineFrom(child, (l) => l.startsWith('@@READY '), 120_000, () => stderr.slice(-4000));
    const ready = JSON.parse(line.slice('@@READY '.length)) as { url: string; nodes: { id: string; url: string; pid: number }[] };
    return {
      url: options.nodes === 1 ? ready.nodes[0]!.url : ready.url,
      pids: ready.nodes.map((n) => n.pid),
      admin,
      logDir,
      hostPid: child.pid!,
      database,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** Delete the keys under `prefix` (this run's own), and nothing else. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  if (!/^[\w:.-]+:$/.test(prefix)) throw new Error(`refusing to delete Redis keys under "${prefix}"`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** What the nodes logged at warn and above, as counts of their messages (pino JSON lines). */
export function loggedProblems(logDir: string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  if (!logDir) return counts;
  let files: string[] = [];
  try {
    files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
  } catch {
    return counts;
  }
  for (const file of files) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let key: string;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
        if ((entry.level ?? 0) < 40) continue;
        key = `${entry.level! >= 50 ? 'error' : 'warn'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 80)})` : ''}`;
      } catch {
        // The start-up banner is plain text; anything else that is not JSON (a crash) is worth seeing.
        if (!/error|exception|fatal|killed/i.test(line)) continue;
        key = `output: ${line.slice(0, 120)}`;
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}
