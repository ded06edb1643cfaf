// The console's decisions, pure: internal notes, transfers (to an agent, to a skill group) and what routing
// makes of a transferred chat, canned replies' variables, the order number of the brief.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/core/clock.ts';
import {
  addNote,
  agentSays,
  assign,
  customerSays,
  DomainError,
  evolveAll,
  open,
  requestHandoff,
  transfer,
  type Conversation,
  type CoreContext,
} from '../../server/core/conversation.ts';
import { emptyMemory } from '../../server/core/assistant-memory.ts';
import { briefText, handoffBrief, orderNumberOf } from '../../server/core/handoff-summary.ts';
import { outcomeOf } from '../../server/core/quality/outcome.ts';
import { bestAgent, dispatch, eligibleFor, orderWaiting, takeable, waitingChat, type AgentSlots } from '../../server/core/routing.ts';
import { fillCannedReply, searchCannedReplies, unknownVariables } from '../../shared/canned-replies.ts';

function context(): CoreContext & { clock: ManualClock } {
  let n = 0;
  return { clock: new ManualClock('2026-03-01T10:00:00.000Z'), newId: () => `id-${++n}` };
}

const sam = { id: 'agent-sam', name: 'Sam' };
const kim = { id: 'agent-kim', name: 'Kim' };

/** A conversation Sam holds, with its whole log. */
function heldBySam(ctx = context()) {
  const opened = open(ctx, 'conv-1');
  let events = [...opened.events];
  let c = evolveAll(opened.conversation, events);
  const step = (made: ReturnType<typeof customerSays>) => {
    events = [...events, ...made];
    c = evolveAll(c, made);
  };
  step(customerSays(c, ctx, { clientId: 'c1', text: 'I was charged twice' }));
  ctx.clock.advance(1000);
  step(requestHandoff(c, ctx, { trigger: 'customer_button' }));
  ctx.clock.advance(30_000);
  step(assign(c, ctx, sam));
  return {
    ctx,
    step,
    get c() {
      return c;
    },
    get events() {
      return events;
    },
  };
}

describe('internal notes', () => {
  it('are events of the log written by the holder, never messages, with secrets masked', () => {
    const { ctx, c } = heldBySam();
    const made = addNote(c, ctx, sam, { text: 'card 4111 1111 1111 1111 was used twice', clientId: 'n1' });
    expect(made).toEqual([
      { type: 'noted', at: '2026-03-01T10:00:31.000Z', note: { id: 'id-4', text: 'card [card •••• 1111] was used twice', authorId: 'agent-sam', author: 'Sam', clientId: 'n1' } },
    ]);
    const after = evolveAll(c, made);
    expect(after).toMatchObject({ state: 'agent', agentId: 'agent-sam', version: c.version + 1 });
  });

  it('are refused to anyone but the holder, and once the conversation has ended', () => {
    const { ctx, c } = heldBySam();
    expect(() => addNote(c, ctx, kim, { text: 'hi' })).toThrow(DomainError);
    const closed = evolveAll(c, [{ type: 'closed', at: '2026-03-01T10:05:00.000Z', by: 'agent' }]);
    expect(() => addNote(closed, ctx, sam, { text: 'late' })).toThrow(/has ended/);
  });
});

describe('transfers', () => {
  it('to an agent: the new holder has it, the transfer and its note are kept, the customer is told who', () => {
    const { ctx, c } = heldBySam();
    const made = transfer(c, ctx, sam, { to: { agentId: kim.id, agentName: kim.name }, note: '  check the second charge ' });
    expect(made[0]).toEqual({
      type: 'transferred',
      at: '2026-03-01T10:00:31.000Z',
      from: { agentId: 'agent-sam', agentName: 'Sam' },
      to: { agentId: 'agent-kim', agentName: 'Kim' },
      note: 'check the second charge',
    });
    expect(made[1]).toMatchObject({ type: 'message', message: { from: 'system', text: 'You are being transferred to Kim, who can see the whole conversation and will continue here.' } });
    const after = evolveAll(c, made);
    expect(after).toMatchObject({ state: 'agent', agentId: 'agent-kim', agentName: 'Kim' });
    expect(after.transfer).toEqual({
      at: '2026-03-01T10:00:31.000Z',
      fromAgentId: 'agent-sam',
      fromAgentName: 'Sam',
      toAgentId: 'agent-kim',
      toAgentName: 'Kim',
      note: 'check the second charge',
    });
    // Kim now writes; Sam no longer can.
    expect(agentSays(after, ctx, kim, { text: 'Hi', clientId: 'k1' })).toHaveLength(1);
    expect(() => agentSays(after, ctx, sam, { text: 'Hi', clientId: 's1' })).toThrow(/assigned to you/);
  });

  it('to a skill group: back in the queue with its first place, for agents with the skill only', () => {
    const { ctx, c } = heldBySam();
    const after = evolveAll(c, transfer(c, ctx, sam, { to: { skill: 'billing_dispute' } }));
    expect(after).toMatchObject({ state: 'queued', agentId: null, queuedAt: c.queuedAt, transfer: { skill: 'billing_dispute', fromAgentId: 'agent-sam' } });
    expect(() => assign(after, ctx, { ...kim, skills: ['account_status'] })).toThrow('Sam transferred this conversation to the Billing dispute group, and that is not one of your skills.');
    expect(assign(after, ctx, { ...kim, skills: ['billing_dispute'] })[0]).toMatchObject({ type: 'assigned', agentId: 'agent-kim' });
    expect(assign(after, ctx, { ...kim, skills: null })[0]).toMatchObject({ type: 'assigned', agentId: 'agent-kim' });
  });

  it('is refused to anyone but the holder, to the holder themselves, and once ended', () => {
    const { ctx, c } = heldBySam();
    expect(() => transfer(c, ctx, kim, { to: { skill: 'policy_edge' } })).toThrow(/assigned to you/);
    expect(() => transfer(c, ctx, sam, { to: { agentId: sam.id, agentName: sam.name } })).toThrow(/already yours/);
    const closed = evolveAll(c, [{ type: 'closed', at: '2026-03-01T10:05:00.000Z', by: 'customer' }]);
    expect(() => transfer(closed, ctx, sam, { to: { skill: 'policy_edge' } })).toThrow(/has ended/);
  });

  it('tells the next agent at the top of the brief who passed it on and why', () => {
    const { ctx, c } = heldBySam();
    const after = evolveAll(c, transfer(c, ctx, sam, { to: { skill: 'billing_dispute' }, note: 'Disputed charge' }));
    const brief = handoffBrief(after, [{ from: 'customer', text: 'I was charged twice' }]);
    expect(brief.transfer).toEqual({ at: '2026-03-01T10:00:31.000Z', from: 'Sam', skill: 'billing_dispute', note: 'Disputed charge' });
    expect(briefText(brief).split('\n')[0]).toBe('Transferred by Sam to the Billing dispute group: Disputed charge');
  });

  it('to a group and then served is an outcome served by a person, not an abandoned wait', () => {
    const h = heldBySam();
    h.step(transfer(h.c, h.ctx, sam, { to: { skill: 'billing_dispute' } }));
    h.step(assign(h.c, h.ctx, kim));
    h.step([{ type: 'closed', at: '2026-03-01T10:09:00.000Z', by: 'customer' }]);
    expect(outcomeOf(h.c, h.events)).toMatchObject({ resolver: 'person', abandoned: false });
    const left = heldBySam();
    left.step(transfer(left.c, left.ctx, sam, { to: { skill: 'billing_dispute' } }));
    left.step([{ type: 'closed', at: '2026-03-01T10:09:00.000Z', by: 'customer' }]);
    expect(outcomeOf(left.c, left.events)).toMatchObject({ abandoned: true });
  });
});

describe('routing a chat transferred to a skill group', () => {
  const agent = (id: string, over: Partial<AgentSlots> = {}): AgentSlots => ({ id, status: 'online', capacity: 3, skills: null, holding: [], idleSince: 0, ...over });

  function transferred(): Conversation {
    const { ctx, c } = heldBySam();
    return evolveAll(c, transfer(c, ctx, sam, { to: { skill: 'fraud_security' } }));
  }

  it('goes only to agents with that skill, never back by itself to the agent who passed it on', () => {
    const chat = waitingChat(transferred());
    expect(chat).toMatchObject({ skill: 'fraud_security', passedBy: 'agent-sam' });
    const billing = agent('billing', { skills: ['billing_dispute'] });
    expect(bestAgent([billing], chat)).toBeNull();
    expect(bestAgent([agent('agent-sam'), billing], chat)).toBeNull();
    expect(bestAgent([agent('agent-sam'), billing, agent('fraud', { skills: ['fraud_security'] })], chat)?.id).toBe('fraud');
    expect(dispatch([agent('agent-sam'), billing], orderWaiting([chat]))).toEqual([]);
    expect(eligibleFor([agent('agent-sam'), billing, agent('any')], chat).map((a) => a.id)).toEqual(['any']);
    // By hand, the agent who passed it on may still take it back (they may have changed their mind).
    expect(takeable(agent('agent-sam'), [chat]).map((c) => c.id)).toEqual(['conv-1']);
    expect(takeable(billing, [chat])).toEqual([]);
  });

  it('keeps its place: ahead of chats that came after it, of the same priority', () => {
    const chat = waitingChat(transferred());
    const later = { id: 'later', type: 'account_status' as const, priority: 'normal' as const, queuedAt: chat.queuedAt + 5000 };
    expect(orderWaiting([later, chat]).map((c) => c.id)).toEqual(['conv-1', 'later']);
  });
});

describe('canned replies', () => {
  it('fill in what the conversation knows and leave a selected blank for what it does not', () => {
    expect(fillCannedReply('Hi {customer.name}, order {order.number} is refunded. {agent.name}', { 'customer.name': 'Ana', 'agent.name': 'Sam' })).toEqual({
      text: 'Hi Ana, order [order number] is refunded. Sam',
      blanks: [{ start: 14, end: 28 }],
    });
    const filled = fillCannedReply('{ order.number } and {order.number}', {});
    expect(filled.text).toBe('[order number] and [order number]');
    expect(filled.blanks.map((b) => filled.text.slice(b.start, b.end))).toEqual(['[order number]', '[order number]']);
    // Braces that are not variables are left as written.
    expect(fillCannedReply('Use {curly} braces', {}).text).toBe('Use {curly} braces');
  });

  it('name their unknown variables, once each', () => {
    expect(unknownVariables('Hi {custmer.name} {custmer.name}, {order.number} {x}')).toEqual(['custmer.name', 'x']);
    expect(unknownVariables('Hi {customer.name}')).toEqual([]);
  });

  it('are found by every word of the search, titles first', () => {
    const replies = [
      { id: 'a', title: 'Goodbye', text: 'Thanks for your patience with the refund' },
      { id: 'b', title: 'Refund started', text: 'I have started the refund' },
      { id: 'c', title: 'Greeting', text: 'Hi' },
    ];
    expect(searchCannedReplies(replies, 'REFUND').map((r) => r.id)).toEqual(['b', 'a']);
    expect(searchCannedReplies(replies, 'refund patience').map((r) => r.id)).toEqual(['a']);
    expect(searchCannedReplies(replies, '  ').map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('the order a conversation is about', () => {
  it('is the one a proposed change concerns, else the flow, else the latest the customer wrote, else one looked up', () => {
    const memory = emptyMemory();
    expect(orderNumberOf(memory, ['nothing here'])).toBeUndefined();
    expect(orderNumberOf(memory, ['first lp 10001', 'no, it is LP-10002 and LP-10003'])).toBe('LP-10003');
    expect(orderNumberOf({ ...memory, steps: [{ at: '', kind: 'lookup', text: 'Looked up order LP-20002: shipped.' }] }, [])).toBe('LP-20002');
    expect(orderNumberOf({ ...memory, flow: { intent: 'refund', awaiting: null, orderNumber: 'LP-30003', misses: 0 } }, ['LP-10001'])).toBe('LP-30003');
    expect(
      orderNumberOf(
        {
          ...memory,
          flow: { intent: 'refund', awaiting: null, orderNumber: 'LP-30003', misses: 0 },
          pending: { kind: 'refund', id: 'p', orderNumber: 'LP-40004', itemIds: [], itemNames: [], amount: 1, currency: 'EUR' },
        },
        [],
      ),
    ).toBe('LP-40004');
  });
});
