// Agents: argon2id password hashes (OWASP's minimum: 19 MiB, t=2, p=1), opaque session tokens stored hashed
// with an expiry, and the bootstrap of the first account at start.
import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { AgentIdentity, LoginResponse } from '../../shared/protocol.ts';
import type { Clock } from '../core/clock.ts';
import type { AgentRecord, Store } from '../store/store.ts';
import { hashToken, newToken } from './tokens.ts';

const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** How long a console sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const DEMO_AGENT_EMAIL = 'demo@tandem.local';

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

function identity(agent: AgentRecord): AgentIdentity {
  return { id: agent.id, name: agent.name, role: agent.role };
}

export interface Bootstrap {
  email: string;
  /** Set only when we made the password up and it must be shown once. */
  oneTimePassword?: string;
  role: 'agent' | 'admin';
}

export class AgentAccounts {
  readonly #store: Store;
  readonly #clock: Clock;
  /** Compared against when the email is unknown, so a wrong email costs as long as a wrong password. */
  #decoyHash: Promise<string> | undefined;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /**
   * Create or update the configured admin; without one, (re)create the demo agent with a fresh one-time
   * password that the startup log prints.
   */
  async bootstrap(admin: { email?: string | undefined; password?: string | undefined }): Promise<Bootstrap> {
    const now = new Date(this.#clock.now()).toISOString();
    if (admin.email && admin.password) {
      const email = admin.email.trim().toLowerCase();
      await this.#store.upsertAgent({
        id: randomUUID(),
        email,
        name: email.split('@')[0]!,
        role: 'admin',
        passwordHash: await hashPassword(admin.password),
        createdAt: now,
      });
      return { email, role: 'admin' };
    }
    const oneTimePassword = randomBytes(9).toString('base64url');
    await this.#store.upsertAgent({
      id: randomUUID(),
      email: DEMO_AGENT_EMAIL,
      name: 'Sam (demo agent)',
      role: 'agent',
      passwordHash: await hashPassword(oneTimePassword),
      createdAt: now,
    });
    return { email: DEMO_AGENT_EMAIL, oneTimePassword, role: 'agent' };
  }

  /** A new session for the right email and password, or null. */
  async login(email: string, password: string): Promise<LoginResponse | null> {
    const agent = await this.#store.findAgentByEmail(email.trim().toLowerCase());
    if (!agent) {
      this.#decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await argon2.verify(await this.#decoyHash, password);
      return null;
    }
    if (!(await argon2.verify(agent.passwordHash, password))) return null;
    const token = newToken();
    const now = this.#clock.now();
    const expiresAt = new Date(now + SESSION_TTL_MS).toISOString();
    await this.#store.deleteExpiredSessions(new Date(now).toISOString());
    await this.#store.createSession(hashToken(token), agent.id, new Date(now).toISOString(), expiresAt);
    return { token, agent: identity(agent), expiresAt };
  }

  /** The agent a session token belongs to, while it has not expired. */
  async authenticate(token: string): Promise<AgentIdentity | null> {
    const session = await this.#store.findSession(hashToken(token));
    if (!session || Date.parse(session.expiresAt) <= this.#clock.now()) return null;
    const agent = await this.#store.findAgent(session.agentId);
    return agent ? identity(agent) : null;
  }

  async logout(token: string): Promise<void> {
    await this.#store.deleteSession(hashToken(token));
  }
}
