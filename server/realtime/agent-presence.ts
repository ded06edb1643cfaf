// Which agents are connected, their status and capacity. In one process for now; the scale-out issue moves
// it to Redis behind the same methods.
import type { PresenceStatus } from '../../shared/protocol.ts';

export const DEFAULT_CAPACITY = 3;

interface Entry {
  sockets: Set<string>;
  status: PresenceStatus;
  capacity: number;
}

export class AgentPresence {
  readonly #agents = new Map<string, Entry>();

  /** A console connected; the agent is online unless they chose otherwise earlier. */
  connect(agentId: string, socketId: string): Entry {
    let entry = this.#agents.get(agentId);
    if (!entry) {
      entry = { sockets: new Set(), status: 'online', capacity: DEFAULT_CAPACITY };
      this.#agents.set(agentId, entry);
    }
    if (entry.sockets.size === 0 && entry.status === 'offline') entry.status = 'online';
    entry.sockets.add(socketId);
    return entry;
  }

  /** A console disconnected; returns true when it was the agent's last one. */
  disconnect(agentId: string, socketId: string): boolean {
    const entry = this.#agents.get(agentId);
    if (!entry) return false;
    entry.sockets.delete(socketId);
    return entry.sockets.size === 0;
  }

  set(agentId: string, status: PresenceStatus, capacity?: number): Entry | undefined {
    const entry = this.#agents.get(agentId);
    if (!entry) return undefined;
    entry.status = status;
    if (capacity !== undefined) entry.capacity = capacity;
    return entry;
  }

  get(agentId: string): Entry | undefined {
    return this.#agents.get(agentId);
  }

  /** Agents connected and online. */
  available(): number {
    let count = 0;
    for (const entry of this.#agents.values()) if (entry.sockets.size > 0 && entry.status === 'online') count++;
    return count;
  }
}
