// Routing: who waits ahead of whom, and which agent takes which chat. Pure functions over plain snapshots of
// the queue and the agents, so the live server (which reads them from the store and presence) and the
// simulator (which keeps them in memory) run the very same decisions.
import type { InteractionType, PresenceStatus } from '../../shared/protocol.ts';
import type { WaitingChat } from './queue.ts';

// The queue's order lives with the queue; routing re-exports it for its callers.
export { compareWaiting, orderWaiting, waitingChat, type WaitingChat, type WaitTargets } from './queue.ts';

/** An agent as routing sees them. */
export interface AgentSlots {
  id: string;
  /** `online` only while connected and willing to take chats; `away` and `offline` agents take none */
  status: PresenceStatus;
  /** most chats at once */
  capacity: number;
  /** the types they take; null: every type */
  skills: readonly InteractionType[] | null;
  /** the types of the chats they hold now (one entry per chat) */
  holding: readonly (InteractionType | null)[];
  /** ms since the epoch since when they have had a free slot (longest idle is offered first) */
  idleSince: number;
  /** slots kept free for urgent chats (trunk reservation: a fraud-trained agent keeps room for fraud) */
  reserve?: number;
}

/** Whether the agent has the skill for a type; a chat not yet typed goes to anyone. */
export function hasSkill(agent: Pick<AgentSlots, 'skills'>, type: InteractionType | null): boolean {
  return type === null || agent.skills === null || agent.skills.includes(type);
}

/** The skill a waiting chat needs: the group an agent transferred it to, else its type. */
export function neededSkill(chat: Pick<WaitingChat, 'type' | 'skill'>): InteractionType | null {
  return chat.skill ?? chat.type;
}

/** Slots the agent can fill now: none unless online. */
export function freeSlots(agent: AgentSlots): number {
  return agent.status === 'online' ? Math.max(0, agent.capacity - agent.holding.length) : 0;
}

/** Slots the agent can fill with this chat now: an urgent chat may use the slots kept for urgent ones. */
export function freeSlotsFor(agent: AgentSlots, chat: Pick<WaitingChat, 'priority'>): number {
  const free = freeSlots(agent);
  return chat.priority === 'urgent' ? free : Math.max(0, free - (agent.reserve ?? 0));
}

/** Agents online with the skill for a type: the people a chat needing it (`neededSkill`) waits for. */
export function eligibleAgents(agents: readonly AgentSlots[], type: InteractionType | null): AgentSlots[] {
  return agents.filter((a) => a.status === 'online' && hasSkill(a, type));
}

/** The agents online who may be given a waiting chat: with the skill it needs, and not the one who passed it on. */
export function eligibleFor(agents: readonly AgentSlots[], chat: Pick<WaitingChat, 'type' | 'skill' | 'passedBy'>): AgentSlots[] {
  return eligibleAgents(agents, neededSkill(chat)).filter((a) => a.id !== chat.passedBy);
}

/** How many types an agent takes (every type counts as all of them). */
function breadth(agent: AgentSlots): number {
  return agent.skills === null ? Number.POSITIVE_INFINITY : agent.skills.length;
}

/**
 * The best agent for a chat, or null when none is free: the one with the fewest skills (a chat anyone can take
 * goes to a generalist, keeping the scarce fraud-trained agents free for fraud), then the most free slots
 * (spreads the load; a less busy agent answers sooner), then the one idle longest, then by id.
 */
export function bestAgent(agents: readonly AgentSlots[], chat: Pick<WaitingChat, 'type' | 'priority' | 'skill' | 'passedBy'>): AgentSlots | null {
  let best: AgentSlots | null = null;
  let bestFree = 0;
  let bestBreadth = 0;
  const skill = neededSkill(chat);
  for (const agent of agents) {
    const free = freeSlotsFor(agent, chat);
    // The agent who just passed the chat on is not handed it back (they may still take it by hand).
    if (free === 0 || !hasSkill(agent, skill) || agent.id === chat.passedBy) continue;
    const width = breadth(agent);
    if (
      !best ||
      width < bestBreadth ||
      (width === bestBreadth && (free > bestFree || (free === bestFree && (agent.idleSince < best.idleSince || (agent.idleSince === best.idleSince && agent.id < best.id)))))
    ) {
      best = agent;
      bestFree = free;
      bestBreadth = width;
    }
  }
  return best;
}

export interface Assignment {
  conversationId: string;
  agentId: string;
}

/**
 * Assign waiting chats to free agents in queue order. A chat no free agent has the skill for is skipped, not
 * a wall: the chats behind it still go to agents who can take them. Each chat goes to at most one agent and
 * no agent beyond their capacity (the store enforces the first across processes; this plans it).
 */
export function dispatch(agents: readonly AgentSlots[], ordered: readonly WaitingChat[]): Assignment[] {
  const free: AgentSlots[] = agents.filter((a) => freeSlots(a) > 0).map((a) => ({ ...a, holding: [...a.holding] }));
  const assignments: Assignment[] = [];
  for (const chat of ordered) {
    if (free.length === 0) break;
    const agent = bestAgent(free, chat);
    if (!agent) continue;
    assignments.push({ conversationId: chat.id, agentId: agent.id });
    (agent.holding as (InteractionType | null)[]).push(chat.type);
    if (freeSlots(agent) === 0) free.splice(free.indexOf(agent), 1);
  }
  return assignments;
}

/** The chats of the queue that the agent may take now, in queue order (what "pick from the queue" offers). */
export function takeable(agent: AgentSlots, ordered: readonly WaitingChat[]): WaitingChat[] {
  return ordered.filter((chat) => freeSlotsFor(agent, chat) > 0 && hasSkill(agent, neededSkill(chat)));
}
