// Which agents are connected, their status, capacity and skills. In one process for now; the scale-out issue
// moves it to Redis behind the same methods.
import type { InteractionType, PresenceStatus } from '../../shared/protocol.ts';

export const DEFAULT_CAPACITY = 3;

export interface PresenceEntry {
  name: string;
  sockets: Set<string>;
  status: PresenceStatus;
  capacity: number;
  /** the types they take; null: every type */
  skills: InteractionType[] | null;
  /** ms since the epoch: when they last came online or freed a slot (routing offers longest idle first) */
  idleSince: number;
  /** ms since the epoch when their last console disconnected; null while connected */
  leftAt: number | null;
}

export class AgentPresence {
  readonly #agents = new Map<string, PresenceEntry>();

  /** A console connected; the agent is online unless they chose otherwise earlier. */
  connect(agent: { id: string; name: string }, socketId: string, now: number): PresenceEntry {
    let entry = this.#agents.get(agent.id);
    if (!entry) {
      entry = { name: agent.name, sockets: new Set(), status: 'online', capacity: DEFAULT_CAPACITY, skills: null, idleSince: now, leftAt: null };
      this.#agents.set(agent.id, entry);
    }
    if (entry.sockets.size === 0 && entry.status === 'offline') {
      entry.status = 'online';
      entry.idleSince = now;
    }
    entry.sockets.add(socketId);
    entry.leftAt = null;
    return entry;
  }

  /** A console disconnected; returns true when it was the agent's last one (their grace period starts). */
  disconnect(agentId: string, socketId: string, now: number): boolean {
    const entry = this.#agents.get(agentId);
    if (!entry) return false;
    entry.sockets.delete(socketId);
    if (entry.sockets.size > 0) return false;
    entry.leftAt = now;
    return true;
  }

  set(agentId: string, status: PresenceStatus, options: { capacity?: number; skills?: InteractionType[] | null } = {}, now = Date.now()): PresenceEntry | undefined {
    const entry = this.#agents.get(agentId);
    if (!entry) return undefined;
    if (status === 'online' && entry.status !== 'online') entry.idleSince = now;
    entry.status = status;
    if (options.capacity !== undefined) entry.capacity = options.capacity;
    if (options.skills !== undefined) entry.skills = options.skills;
    return entry;
  }

  get(agentId: string): PresenceEntry | undefined {
    return this.#agents.get(agentId);
  }

  /** Every agent known since the start, connected or not. */
  entries(): [string, PresenceEntry][] {
    return [...this.#agents];
  }

  /** Agents connected and online. */
  available(): number {
    let count = 0;
    for (const entry of this.#agents.values()) if (entry.sockets.size > 0 && entry.status === 'online') count++;
    return count;
  }
}
