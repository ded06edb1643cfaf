// What an admin's settings do, as pure functions: a chat past its type's wait target is served first within
// its priority (and only then), and an agent's console stays within the capacity and skills an admin gave.
import { describe, expect, it } from 'vitest';
import { backWithin, beyondLimits } from '../../server/auth/agent-accounts.ts';
import { dueAt, orderWaiting, type WaitingChat, type WaitTargets } from '../../server/core/queue.ts';

const targets: WaitTargets = { account_status: 600, standard_change: 600, billing_dispute: 120, policy_edge: 300, novel_product: 600, fraud_security: 30 };
const chat = (id: string, fields: Partial<WaitingChat>): WaitingChat => {
  const c: WaitingChat = { id, type: 'account_status', priority: 'normal', queuedAt: 0, ...fields };
  return { ...c, dueAt: dueAt(c, targets) };
};

describe('wait targets in the queue order', () => {
  const early = chat('early routine', { queuedAt: 0 });
  const later = chat('later dispute', { type: 'billing_dispute', queuedAt: 60_000 });
  const untyped = chat('untyped', { type: null, queuedAt: 30_000 });

  it('is first come within a priority while every chat is within its target', () => {
    expect(orderWaiting([later, untyped, early], 100_000).map((c) => c.id)).toEqual(['early routine', 'untyped', 'later dispute']);
  });

  it('serves a chat past its target first, and never ahead of a higher priority or a chat put back', () => {
    const now = 60_000 + 121_000; // the dispute is 1 s past its 120 s target; the others are within 600 s
    const urgent = chat('urgent', { type: 'fraud_security', priority: 'urgent', queuedAt: 170_000 });
    const back = chat('put back', { queuedAt: 90_000, front: true });
    expect(orderWaiting([early, untyped, later, urgent, back], now).map((c) => c.id)).toEqual(['urgent', 'put back', 'later dispute', 'early routine', 'untyped']);
  });

  it('orders chats past their targets by how long past, and counts an untyped chat with the longest target', () => {
    const now = 700_000;
    expect(untyped.dueAt).toBe(30_000 + 600_000);
    expect(orderWaiting([untyped, early, later], now).map((c) => c.id)).toEqual(['later dispute', 'early routine', 'untyped']);
  });

  it('ignores targets without a time (the simulator orders first come)', () => {
    expect(orderWaiting([later, untyped, early]).map((c) => c.id)).toEqual(['early routine', 'untyped', 'later dispute']);
  });
});

describe("an agent's console within the admin's limits", () => {
  const limits = { capacity: 4, skills: ['billing_dispute', 'policy_edge'] as const };
  const given = { capacity: limits.capacity, skills: [...limits.skills] };

  it('may lower the capacity and narrow the skills, not exceed them', () => {
    expect(beyondLimits(given, { capacity: 2, skills: ['policy_edge'] })).toBeNull();
    expect(beyondLimits(given, { capacity: 5 })).toBe('You can take at most 4 chats at once (set by an admin).');
    expect(beyondLimits({ ...given, capacity: 1 }, { capacity: 2 })).toBe('You can take at most 1 chat at once (set by an admin).');
    expect(beyondLimits(given, { skills: ['fraud_security'] })).toBe('You take only these types (set by an admin): billing_dispute, policy_edge.');
    expect(beyondLimits(given, { skills: null })).not.toBeNull();
    expect(beyondLimits({ capacity: 3, skills: null }, { skills: null, capacity: 3 })).toBeNull();
  });

  it('brings a presence back within limits an admin lowered, keeping what is still allowed', () => {
    expect(backWithin(given, { capacity: 3, skills: ['policy_edge'] })).toBeNull();
    expect(backWithin(given, { capacity: 6, skills: null })).toEqual({ capacity: 4, skills: ['billing_dispute', 'policy_edge'] });
  });
});
