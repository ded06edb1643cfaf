// Agents: argon2id password hashes (OWASP's minimum: 19 MiB, t=2, p=1), opaque session tokens stored hashed
// with an expiry, the bootstrap of the first account at start, and what admins do: invite (a one-time link,
// its token stored hashed with an expiry), change role, skills and capacity, remove.
import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { AgentAdminView, AgentIdentity, AgentRole, InteractionType, LoginResponse, PresenceStatus } from '../../shared/protocol.ts';
import type { Clock } from '../core/clock.ts';
import type { AgentChange, AgentRecord, Store } from '../store/store.ts';
import { hashToken, newToken } from './tokens.ts';

const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** How long a console sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const DEMO_AGENT_EMAIL = 'demo@tandem.local';

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** How long an invite link works. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Who an agent is, as sessions and consoles know them. */
export function identity(agent: Pick<AgentRecord, 'id' | 'name' | 'role'>): AgentIdentity {
  return { id: agent.id, name: agent.name, role: agent.role };
}

/** An agent as the admin page lists them; `status` while a console of theirs is connected. */
export function adminView(agent: AgentRecord, status?: PresenceStatus): AgentAdminView {
  const view: AgentAdminView = {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    skills: agent.skills,
    capacity: agent.capacity,
    createdAt: agent.createdAt,
    invitePending: agent.passwordHash === '',
    inviteExpiresAt: agent.inviteExpiresAt,
  };
  if (status) view.status = status;
  return view;
}

/** What an admin allows an agent's console to set: at most `capacity` chats, only types among `skills`. */
export type AgentLimits = Pick<AgentRecord, 'capacity' | 'skills'>;

/**
 * Why a console may not set this capacity or these skills, or null when it may: the capacity the admin gave is
 * the most, and an agent given some types may narrow them but not take others.
 */
export function beyondLimits(limits: AgentLimits, change: { capacity?: number; skills?: InteractionType[] | null }): string | null {
  if (change.capacity !== undefined && limits.capacity !== null && change.capacity > limits.capacity) {
    return `You can take at most ${limits.capacity} chat${limits.capacity === 1 ? '' : 's'} at once (set by an admin).`;
  }
  const allowed = limits.skills;
  if (allowed && change.skills !== undefined && (change.skills === null || change.skills.some((t) => !allowed.includes(t)))) {
    return `You take only these types (set by an admin): ${allowed.join(', ')}.`;
  }
  return null;
}

/** What a presence must change to be within the limits again (an admin lowered them meanwhile), or null. */
export function backWithin(limits: AgentLimits, presence: { capacity: number; skills: InteractionType[] | null }): PresenceLimitsChange | null {
  const change: PresenceLimitsChange = {};
  if (limits.capacity !== null && presence.capacity > limits.capacity) change.capacity = limits.capacity;
  if (beyondLimits(limits, { skills: presence.skills })) change.skills = limits.skills;
  return Object.keys(change).length ? change : null;
}

/** A change of an agent's capacity and skills in presence. */
export interface PresenceLimitsChange {
  capacity?: number;
  skills?: InteractionType[] | null;
}

/** A new invite: the token goes into the link once; only its hash is stored. */
export interface Invite {
  agent: AgentRecord;
  token: string;
  expiresAt: string;
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
   * password that the startup log prints. The demo agent is an admin, so someone trying Tandem reaches the
   * Admin page too; whoever reads the startup log runs the server anyway.
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
      name: 'Sam',
      role: 'admin',
      passwordHash: await hashPassword(oneTimePassword),
      createdAt: now,
    });
    return { email: DEMO_AGENT_EMAIL, oneTimePassword, role: 'admin' };
  }

  /** A new session for the right email and password, or null. */
  async login(email: string, password: string): Promise<LoginResponse | null> {
    const agent = await this.#store.findAgentByEmail(email.trim().toLowerCase());
    if (!agent) {
      await this.#decoy(password);
      return null;
    }
    // An invited agent has no password until they open their link: nothing signs them in before.
    if (agent.passwordHash === '') {
      await this.#decoy(password);
      return null;
    }
    if (!(await argon2.verify(agent.passwordHash, password))) return null;
    return this.#session(agent);
  }

  async #session(agent: AgentRecord): Promise<LoginResponse> {
    const token = newToken();
    const now = this.#clock.now();
    const expiresAt = new Date(now + SESSION_TTL_MS).toISOString();
    await this.#store.deleteExpiredSessions(new Date(now).toISOString());
    await this.#store.createSession(hashToken(token), agent.id, new Date(now).toISOString(), expiresAt);
    return { token, agent: identity(agent), expiresAt };
  }

  /** As long as checking a password, for an email that has none. */
  async #decoy(password: string): Promise<void> {
    this.#decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await argon2.verify(await this.#decoyHash, password);
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

  /** An agent's stored record (capacity and skills included), or null. */
  record(agentId: string): Promise<AgentRecord | null> {
    return this.#store.findAgent(agentId);
  }

  list(): Promise<AgentRecord[]> {
    return this.#store.listAgents();
  }

  /** Invite an agent: null when the email is taken. The link's token is returned once and stored hashed. */
  async invite(input: { email: string; name: string; role: AgentRole; skills?: InteractionType[] | null; capacity?: number | null }): Promise<Invite | null> {
    const token = newToken();
    const now = this.#clock.now();
    const expiresAt = new Date(now + INVITE_TTL_MS).toISOString();
    const agent = await this.#store.insertInvitedAgent(
      {
        id: randomUUID(),
        email: input.email.trim().toLowerCase(),
        name: input.name,
        role: input.role,
        passwordHash: '',
        createdAt: new Date(now).toISOString(),
        ...(input.skills !== undefined ? { skills: input.skills } : {}),
        ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
      },
      { tokenHash: hashToken(token), expiresAt },
    );
    return agent && { agent, token, expiresAt };
  }

  /** A fresh link for an agent who has not set a password yet (the old one stops working); null otherwise. */
  async renewInvite(agentId: string): Promise<Invite | null> {
    const token = newToken();
    const expiresAt = new Date(this.#clock.now() + INVITE_TTL_MS).toISOString();
    const agent = await this.#store.renewInvite(agentId, { tokenHash: hashToken(token), expiresAt });
    return agent && { agent, token, expiresAt };
  }

  /** The invitee sets their password and is signed in; null for an unknown, used or expired link. */
  async acceptInvite(token: string, password: string): Promise<LoginResponse | null> {
    const now = this.#clock.now();
    const agent = await this.#store.acceptInvite(hashToken(token), await hashPassword(password), new Date(now).toISOString());
    return agent && this.#session(agent);
  }

  /** Change an agent (LastAdminError when it would leave no admin); null for an unknown agent. */
  update(agentId: string, change: AgentChange): Promise<AgentRecord | null> {
    return this.#store.updateAgent(agentId, change);
  }

  /** Remove an agent and end their sessions (LastAdminError for the last admin); false for an unknown agent. */
  remove(agentId: string): Promise<boolean> {
    return this.#store.deleteAgent(agentId);
  }
}
