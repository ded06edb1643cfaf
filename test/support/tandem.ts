// A real Tandem for a test: its own port, its own embedded data folder or PostgreSQL schema, a known admin.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { AckResult, LoginResponse, SessionPayload } from '../../shared/protocol.ts';
import { startTandem, type Tandem } from '../../server/app.ts';
import { hashPassword } from '../../server/auth/agent-accounts.ts';
import { loadConfig } from '../../server/config.ts';
import { POSTGRES_URL, type Engine } from './engines.ts';

/** A shop origin every test server allows to embed the widget. */
export const ALLOWED_ORIGIN = 'https://shop.example';

export const ADMIN = { email: 'lead@example.test', password: 'correct horse battery staple' };

export interface TestTandem extends Tandem {
  engine: Engine;
  /** Start again on the same storage and port (a server restart). */
  restart(): Promise<TestTandem>;
  /** Stop, and drop the data folder or schema. */
  destroy(): Promise<void>;
}

/**
 * Start a Tandem on `engine`; `storage` reuses a data folder or schema from an earlier start; `env` adds
 * environment variables (e.g. OPENAI_BASE_URL of a fake model).
 */
export async function startTestTandem(
  engine: Engine,
  storage?: { dataDir?: string; schema?: string; port?: number },
  env: Record<string, string> = {},
): Promise<TestTandem> {
  const dataDir = storage?.dataDir ?? mkdtempSync(join(tmpdir(), 'tandem-test-'));
  const schema = storage?.schema ?? `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const config = loadConfig({
    PORT: String(storage?.port ?? 0),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(engine === 'postgres' ? { DATABASE_URL: POSTGRES_URL } : {}),
    TANDEM_ADMIN_EMAIL: ADMIN.email,
    TANDEM_ADMIN_PASSWORD: ADMIN.password,
    TANDEM_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    // Most stories have an agent pick from the queue; routing's own tests turn automatic assignment on.
    TANDEM_AUTO_ASSIGN: 'off',
    ...env,
  });
  const tandem = await startTandem({ config, log: pino({ level: 'silent' }), ...(engine === 'postgres' ? { pgSchema: schema } : {}) });
  return {
    ...tandem,
    engine,
    async restart() {
      await tandem.close();
      return startTestTandem(engine, { dataDir, schema, port: tandem.port }, env);
    },
    async destroy() {
      await tandem.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (engine === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
  };
}

/**
 * A customer connection, as the widget makes it: every (re)connect presents the token of the conversation it
 * holds; `after` is sent as given (the widget sends the last seq it has), and `lang` (the widget's language).
 */
export function connectCustomer(url: string, auth: { token?: string; after?: number; lang?: string } = {}): Socket {
  const held: { token?: string; after?: number; lang?: string } = { ...auth };
  const socket = io(`${url}/customer`, {
    transports: ['websocket'],
    auth: (cb) => cb({ ...held }),
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  socket.on('session', (session: SessionPayload) => {
    held.token = session.token;
  });
  return socket;
}

/** One more agent account (the admin is the only one at start); its email is unique, its password long enough. */
export async function addAgent(tandem: Tandem, name: string, password = 'another long password'): Promise<{ email: string; password: string }> {
  const credentials = { email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`, password };
  await tandem.store.upsertAgent({
    id: randomUUID(),
    email: credentials.email,
    name,
    role: 'agent',
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
  });
  return credentials;
}

export async function login(url: string, credentials = ADMIN): Promise<LoginResponse> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`login failed with ${response.status}`);
  return (await response.json()) as LoginResponse;
}

/** An agent console connection. */
export function connectAgent(url: string, token: string): Socket {
  return io(`${url}/agent`, { transports: ['websocket'], auth: { token }, forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
}

/** Emits an event and resolves with its acknowledgement (failing after 10 s without one). */
export function send<T extends object = object>(socket: Socket, event: string, payload: unknown): Promise<AckResult<T>> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<AckResult<T>>;
}

/** Calls the HTTP API (`/api` + `path`) with an agent's token if given; the status and the JSON body (null when empty). */
export async function api<T = unknown>(t: Tandem, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${t.url}/api${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

