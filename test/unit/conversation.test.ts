// The conversation lifecycle, pure: no storage, no sockets, a clock that moves only when told.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/core/clock.ts';
import {
  agentSays,
  aiSays,
  assign,
  close,
  customerSays,
  DomainError,
  evolveAll,
  open,
  rate,
  requestHandoff,
  SECRETS_MASKED_TEXT,
  type Conversation,
  type ConversationEvent,
  type CoreContext,
} from '../../server/core/conversation.ts';
import { positionIn, queueOrder } from '../../server/core/queue.ts';
import { emptyMemory } from '../../server/core/assistant-memory.ts';
import { briefText, handoffBrief } from '../../server/core/handoff-summary.ts';

function context(): CoreContext & { clock: ManualClock } {
  let n = 0;
  return { clock: new ManualClock('2026-03-01T10:00:00.000Z'), newId: () => `id-${++n}` };
}

function apply(c: Conversation, events: ConversationEvent[]): Conversation {
  return evolveAll(c, events);
}

const sam = { id: 'agent-sam', name: 'Sam' };
const kim = { id: 'agent-kim', name: 'Kim' };

function started(ctx = context()) {
  const { conversation, events } = open(ctx, 'conv-1');
  return { ctx, c: apply(conversation, events) };
}

describe('the conversation lifecycle', () => {
  it('starts with the AI, stamped by the clock', () => {
    const { c } = started();
    expect(c).toMatchObject({ id: 'conv-1', state: 'ai', version: 1, createdAt: '2026-03-01T10:00:00.000Z' });
  });

  it('records customer and AI messages without changing state', () => {
    const { ctx, c } = started();
    const said = customerSays(c, ctx, { text: 'Where is my order?', clientId: 'k1' });
    expect(said).toEqual([
      { type: 'message', at: '2026-03-01T10:00:00.000Z', message: { id: 'id-1', from: 'customer', text: 'Where is my order?', clientId: 'k1' } },
    ]);
    const after = apply(c, said);
    expect(after.state).toBe('ai');
    expect(aiSays(after, ctx, 'It ships tomorrow.')[0]).toMatchObject({ message: { from: 'ai', text: 'It ships tomorrow.' } });
  });

  it('queues on handoff, with the reason and the time it started waiting', () => {
    const { ctx, c } = started();
    ctx.clock.advance(90_000);
    const events = requestHandoff(c, ctx, { trigger: 'customer_button' });
    const queued = apply(c, events);
    expect(queued).toMatchObject({ state: 'queued', queuedAt: '2026-03-01T10:01:30.000Z', handoffReason: 'The customer pressed "Talk to a person".' });
    expect(events[1]).toMatchObject({ type: 'message', message: { from: 'system' } });
    expect(requestHandoff(queued, ctx, { trigger: 'customer_request' })).toEqual([]);
  });

  it('keeps the AI quiet once the conversation is queued', () => {
    const { ctx, c } = started();
    const queued = apply(c, requestHandoff(c, ctx, { trigger: 'customer_button' }));
    expect(aiSays(queued, ctx, 'late answer')).toEqual([]);
  });

  it('gives a queued conversation to one agent only', () => {
    const { ctx, c } = started();
    const queued = apply(c, requestHandoff(c, ctx, { trigger: 'customer_button' }));
    const withSam = apply(queued, assign(queued, ctx, sam));
    expect(withSam).toMatchObject({ state: 'agent', agentId: 'agent-sam', agentName: 'Sam' });
    expect(assign(withSam, ctx, sam)).toEqual([]);
    expect(() => assign(withSam, ctx, kim)).toThrow(DomainError);
    expect(() => assign(c, ctx, kim)).toThrow(/no longer waiting/);
  });

  it('lets only the holding agent write and close', () => {
    const { ctx, c } = started();
    const queued = apply(c, requestHandoff(c, ctx, { trigger: 'customer_button' }));
    const held = apply(queued, assign(queued, ctx, sam));
    expect(agentSays(held, ctx, sam, { text: 'Hi', clientId: 'a1' })[0]).toMatchObject({ message: { from: 'agent', author: 'Sam', authorId: 'agent-sam' } });
    expect(() => agentSays(held, ctx, kim, { text: 'Hi', clientId: 'a2' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => close(held, ctx, { by: 'agent', agentId: 'agent-kim' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    const closed = apply(held, close(held, ctx, { by: 'agent', agentId: 'agent-sam', disposition: 'resolved', label: 'standard_change' }));
    expect(closed).toMatchObject({ state: 'closed', closedBy: 'agent', type: 'standard_change' });
  });

  it('takes one rating after the end, and no more messages', () => {
    const { ctx, c } = started();
    expect(() => rate(c, ctx, { score: 4 })).toThrow(/once it has ended/);
    const closed = apply(c, close(c, ctx, { by: 'customer' }));
    expect(close(closed, ctx, { by: 'customer' })).toEqual([]);
    expect(() => customerSays(closed, ctx, { text: 'hello?', clientId: 'x' })).toThrow(expect.objectContaining({ code: 'invalid_state' }));
    expect(() => rate(closed, ctx, { score: 6 })).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    const rated = apply(closed, rate(closed, ctx, { score: 4, comment: 'Good' }));
    expect(rated.rating).toEqual({ score: 4, comment: 'Good' });
    expect(() => rate(rated, ctx, { score: 5 })).toThrow(/already been rated/);
  });
});

describe('the queue', () => {
  function waiting(id: string, priority: Conversation['priority'], queuedAt: string): Conversation {
    const { ctx, c } = started();
    return { ...apply(c, requestHandoff(c, ctx, { trigger: 'customer_button' })), id, priority, queuedAt };
  }

  it('serves urgent before high before normal, then the longest waiting first', () => {
    const order = queueOrder([
      waiting('late-normal', 'normal', '2026-03-01T10:05:00.000Z'),
      waiting('early-normal', 'normal', '2026-03-01T10:01:00.000Z'),
      waiting('urgent', 'urgent', '2026-03-01T10:09:00.000Z'),
      waiting('high', 'high', '2026-03-01T10:08:00.000Z'),
    ]);
    expect(order.map((c) => c.id)).toEqual(['urgent', 'high', 'early-normal', 'late-normal']);
    expect(positionIn(order, 'early-normal')).toBe(3);
    expect(positionIn(order, 'nobody')).toBeNull();
  });
});

describe('the handoff summary', () => {
  const declinedRefund = {
    ...emptyMemory(),
    customer: { id: 'cus_ana', name: 'Ana Lindqvist', email: 'ana@example.com' },
    steps: [
      { at: '2026-03-01T10:00:00.000Z', kind: 'verified' as const, text: 'Identity checked: Ana Lindqvist <ana@example.com>, with order LP-10002.' },
      { at: '2026-03-01T10:00:00.000Z', kind: 'lookup' as const, text: 'Looked up order LP-10002: delivered, delivered 2026-10-10.' },
      {
        at: '2026-03-01T10:00:00.000Z',
        kind: 'declined' as const,
        text: 'Declined a refund of order LP-10002: Order LP-10002 was delivered 45 days ago, and refunds are possible within 30 days of delivery.',
      },
    ],
  };

  it('tells the agent what the customer wants, who they are, what the AI did and refused, and what to do next', () => {
    const brief = handoffBrief(
      { handoffReason: 'The customer accepted the assistant\'s offer of a person.', type: 'standard_change', priority: 'normal', assistant: declinedRefund },
      [
        { from: 'customer', text: 'I want a refund for LP-10002, ana@example.com' },
        { from: 'ai', text: 'Order LP-10002 was delivered 45 days ago…' },
        { from: 'customer', text: 'yes' },
      ],
    );
    expect(brief.wants).toBe('Routine change: "I want a refund for LP-10002, ana@example.com" (latest: "yes")');
    expect(brief.customer).toEqual({ name: 'Ana Lindqvist', email: 'ana@example.com' });
    expect(brief.aiSteps.map((s) => s.kind)).toEqual(['verified', 'lookup', 'declined']);
    expect(brief.reasons).toEqual(['The customer accepted the assistant\'s offer of a person.']);
    expect(brief.nextStep).toBe(
      'The assistant refused under the written rules (Order LP-10002 was delivered 45 days ago, and refunds are possible within 30 days of delivery). Decide whether an exception applies, record why, and tell the customer.',
    );
    expect(briefText(brief).split('\n')).toEqual([
      'Wants: Routine change: "I want a refund for LP-10002, ana@example.com" (latest: "yes")',
      'Customer: Ana Lindqvist <ana@example.com> (verified)',
      'Why a person: The customer accepted the assistant\'s offer of a person.',
      'What the assistant did:',
      '- Verified: Identity checked: Ana Lindqvist <ana@example.com>, with order LP-10002.',
      '- Looked up: Looked up order LP-10002: delivered, delivered 2026-10-10.',
      '- Refused: Declined a refund of order LP-10002: Order LP-10002 was delivered 45 days ago, and refunds are possible within 30 days of delivery.',
      'Priority normal.',
      'Suggested next step: ' + brief.nextStep,
    ]);
  });

  it('asks an agent taking a fraud case from an unverified customer to verify and secure the account first', () => {
    const brief = handoffBrief({ handoffReason: 'The escalation policy sent it to a person.', type: 'fraud_security', priority: 'urgent' }, [
      { from: 'customer', text: 'someone used my card, here it is 4111 1111 1111 1111' },
    ]);
    expect(brief.aiSteps).toEqual([]);
    expect(brief.nextStep).toMatch(/^Verify the customer \(order number and email\) before discussing their account\. Secure the account first/);
    expect(brief.signals).not.toContain(expect.stringContaining('pasted secrets'));
  });

  it('notes that secrets were pasted and masked', () => {
    const brief = handoffBrief({ handoffReason: null, type: null, priority: 'normal' }, [{ from: 'customer', text: 'my card is [card •••• 1111]' }]);
    expect(brief.signals).toContain('The customer pasted secrets (card number, password or code) in 1 message; they were masked before storage.');
  });
});

describe('secrets in what people write', () => {
  it('stores a pasted card number as its last four digits and tells the customer why', () => {
    const { c, ctx } = started();
    const events = customerSays(c, ctx, { clientId: 'x', text: 'my card is 4111 1111 1111 1111, please check it' });
    expect(events).toMatchObject([
      { type: 'message', message: { from: 'customer', text: 'my card is [card •••• 1111], please check it' } },
      { type: 'message', message: { from: 'system', text: SECRETS_MASKED_TEXT } },
    ]);
  });

  it('adds no note when there was nothing to mask', () => {
    const { c, ctx } = started();
    expect(customerSays(c, ctx, { clientId: 'x', text: 'I forgot my password' })).toHaveLength(1);
  });
});
