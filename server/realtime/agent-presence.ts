// Which agents are connected, their status, capacity and skills. `MemoryPresence` serves one process;
// `RedisPresence` (server/cluster/redis-presence.ts) shares the same state between nodes, so a customer on
// node A is routed to an agent whose console is connected to node B.
import type { InteractionType, PresenceStatus } from '../../shared/protocol.ts';

export const DEFAULT_CAPACITY = 3;

export interface PresenceEntry {
  name: string;
  /** consoles connected now, on any node */
  connections: number;
  status: PresenceStatus;
  capacity: number;
  /** the types they take; null: every type */
  skills: InteractionType[] | null;
  /** ms since the epoch: when they last came online or freed a slot (routing offers longest idle first) */
  idleSince: number;
  /** ms since the epoch when their last console disconnected; null while connected */
  leftAt: number | null;
}

export interface PresenceChange {
  capacity?: number;
  skills?: InteractionType[] | null;
}

/** An agent connecting: who, and where their presence starts (capacity and skills as an admin gave them). */
export interface PresenceAgent {
  id: string;
  name: string;
  capacity?: number;
  skills?: InteractionType[] | null;
}

export interface Presence {
  /**
   * A console connected (`connection` is unique across nodes); the agent is online unless they chose otherwise
   * earlier. An agent seen for the first time starts with `capacity` and `skills` (their stored record).
   */
  connect(agent: PresenceAgent, connection: string, now: number): Promise<PresenceEntry>;
  /** A console disconnected; true when it was the agent's last one (their grace period starts). */
  disconnect(agentId: string, connection: string, now: number): Promise<boolean>;
  set(agentId: string, status: PresenceStatus, change: PresenceChange, now: number): Promise<PresenceEntry | undefined>;
  get(agentId: string): Promise<PresenceEntry | undefined>;
  /** Every agent known, connected or not. */
  entries(): Promise<[string, PresenceEntry][]>;
  /**
   * Forget the connections of nodes that are gone (their process died without saying goodbye); returns the
   * agents left with no console, whose grace period starts at `now`.
   */
  prune(liveNodes: ReadonlySet<string>, now: number): Promise<string[]>;
  /**
   * Put back this node's consoles when the shared state lost them (Redis restarted empty): the agent comes
   * back as it was last seen here. Does nothing while the state is there.
   */
  restore(agentId: string, last: PresenceEntry, connections: readonly string[]): Promise<void>;
}

interface MemoryEntry extends Omit<PresenceEntry, 'connections'> {
  sockets: Set<string>;
}

const view = (e: MemoryEntry): PresenceEntry => ({
  name: e.name,
  connections: e.sockets.size,
  status: e.status,
  capacity: e.capacity,
  skills: e.skills,
  idleSince: e.idleSince,
  leftAt: e.leftAt,
});

/** Presence for one process. */
export class MemoryPresence implements Presence {
  readonly #agents = new Map<string, MemoryEntry>();

  async connect(agent: PresenceAgent, connection: string, now: number): Promise<PresenceEntry> {
    let entry = this.#agents.get(agent.id);
    if (!entry) {
      const start = { capacity: agent.capacity ?? DEFAULT_CAPACITY, skills: agent.skills ?? null };
      entry = { name: agent.name, sockets: new Set(), status: 'online', ...start, idleSince: now, leftAt: null };
      this.#agents.set(agent.id, entry);
    }
    if (entry.sockets.size === 0 && entry.status === 'offline') {
      entry.status = 'online';
      entry.idleSince = now;
    }
    entry.sockets.add(connection);
    entry.leftAt = null;
    return view(entry);
  }

  async disconnect(agentId: string, connection: string, now: number): Promise<boolean> {
    const entry = this.#agents.get(agentId);
    if (!entry || !entry.sockets.delete(connection) || entry.sockets.size > 0) return false;
    entry.leftAt = now;
    return true;
  }

  async set(agentId: string, status: PresenceStatus, change: PresenceChange, now: number): Promise<PresenceEntry | undefined> {
    const entry = this.#agents.get(agentId);
    if (!entry) return undefined;
    if (status === 'online' && entry.status !== 'online') entry.idleSince = now;
    entry.status = status;
    if (change.capacity !== undefined) entry.capacity = change.capacity;
    if (change.skills !== undefined) entry.skills = change.skills;
    return view(entry);
  }

  async get(agentId: string): Promise<PresenceEntry | undefined> {
    const entry = this.#agents.get(agentId);
    return entry && view(entry);
  }

  async entries(): Promise<[string, PresenceEntry][]> {
    return [...this.#agents].map(([id, entry]) => [id, view(entry)]);
  }

  async prune(): Promise<string[]> {
    return []; // one process: its connections die with it
  }

  async restore(): Promise<void> {
    // one process: nothing else holds the state, so nothing can lose it
  }
}
