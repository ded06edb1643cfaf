import { describe, expect, it } from 'vitest';
import { bestAgent, compareWaiting, dispatch, orderWaiting, takeable, type AgentSlots, type WaitingChat } from '../../server/core/routing.ts';

const agent = (id: string, over: Partial<AgentSlots> = {}): AgentSlots => ({ id, status: 'online', capacity: 3, skills: null, holding: [], idleSince: 0, ...over });
const chat = (id: string, over: Partial<WaitingChat> = {}): WaitingChat => ({ id, type: 'account_status', priority: 'normal', queuedAt: 1000, ...over });

describe('routing', () => {
  it('serves fraud first, then high priority, then first come; a chat put back goes to the front of its priority', () => {
    const order = orderWaiting([
      chat('late-normal', { queuedAt: 3000 }),
      chat('early-normal', { queuedAt: 1000 }),
      chat('dispute', { type: 'billing_dispute', priority: 'high', queuedAt: 5000 }),
      chat('fraud', { type: 'fraud_security', priority: 'urgent', queuedAt: 9000 }),
      chat('put-back', { queuedAt: 8000, front: true }),
    ]).map((c) => c.id);
    expect(order).toEqual(['fraud', 'dispute', 'put-back', 'early-normal', 'late-normal']);
    expect(compareWaiting(chat('a'), chat('b'))).toBeLessThan(0);
  });

  it('gives a chat to the free agent with the fewest skills, then the most free slots, then idle longest', () => {
    const specialist = agent('fraud-trained');
    const generalist = agent('generalist', { skills: ['account_status', 'billing_dispute'], holding: ['account_status'] });
    expect(bestAgent([specialist, generalist], chat('c'))?.id).toBe('generalist');
    expect(bestAgent([specialist, generalist], chat('f', { type: 'fraud_security', priority: 'urgent' }))?.id).toBe('fraud-trained');
    const a = agent('a', { holding: ['account_status'], idleSince: 5 });
    const b = agent('b', { holding: ['account_status'], idleSince: 2 });
    expect(bestAgent([a, b], chat('c'))?.id).toBe('b');
    expect(bestAgent([agent('away', { status: 'away' }), agent('full', { holding: ['account_status', 'policy_edge', null] })], chat('c'))).toBeNull();
  });

  it('keeps a reserved slot for urgent chats only', () => {
    const reserved = agent('r', { reserve: 1, holding: ['account_status', 'account_status'] });
    expect(bestAgent([reserved], chat('normal'))).toBeNull();
    expect(bestAgent([reserved], chat('fraud', { type: 'fraud_security', priority: 'urgent' }))?.id).toBe('r');
    expect(takeable(reserved, [chat('normal'), chat('fraud', { type: 'fraud_security', priority: 'urgent' })]).map((c) => c.id)).toEqual(['fraud']);
  });

  it('assigns in queue order without exceeding capacity, skipping a chat nobody free can take', () => {
    const agents = [agent('one', { capacity: 1, skills: ['account_status'] }), agent('two', { capacity: 2, skills: ['account_status'] })];
    const queue = orderWaiting([chat('fraud', { type: 'fraud_security', priority: 'urgent' }), chat('c1', { queuedAt: 1 }), chat('c2', { queuedAt: 2 }), chat('c3', { queuedAt: 3 }), chat('c4', { queuedAt: 4 })]);
    const plan = dispatch(agents, queue);
    expect(plan.map((p) => p.conversationId)).toEqual(['c1', 'c2', 'c3']);
    expect(plan.filter((p) => p.agentId === 'one')).toHaveLength(1);
    expect(plan.filter((p) => p.agentId === 'two')).toHaveLength(2);
    expect(new Set(plan.map((p) => p.conversationId)).size).toBe(plan.length);
    expect(agents[0]!.holding).toEqual([]); // the plan does not touch the caller's agents
  });
});
