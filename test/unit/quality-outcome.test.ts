// What a conversation comes to, read from its event log when it ends, and the training examples it gives:
// pure, on logs made with the core's own commands and a clock that moves only when told.
import { describe, expect, it } from 'vitest';
import type { InteractionType } from '../../shared/protocol.ts';
import { ManualClock } from '../../server/core/clock.ts';
import {
  agentSays,
  aiSays,
  assign,
  close,
  customerSays,
  evolveAll,
  open,
  rate,
  recordTriage,
  requestHandoff,
  type Closer,
  type Conversation,
  type ConversationEvent,
  type CoreContext,
  type HandoffTrigger,
  type TriageRecord,
} from '../../server/core/conversation.ts';
import { outcomeOf, type InteractionOutcome } from '../../server/core/quality/outcome.ts';
import { examplesAtClose, examplesAtRating } from '../../server/core/quality/training-examples.ts';

const sam = { id: 'agent-sam', name: 'Sam' };

/** What triage said about a turn; a calm, confident, in-scope routine turn unless told otherwise. */
function judged(type: InteractionType, fields: Partial<TriageRecord> = {}): TriageRecord {
  return {
    type,
    confidence: 0.95,
    outOfScope: false,
    oodScore: 0.01,
    sentiment: 0,
    distress: 0,
    route: 'ai',
    priority: 'normal',
    reasons: [`${type} (0.95)`],
    ...fields,
  };
}

/** A conversation being played out: each step runs a core command on the current state and keeps its events. */
class Chat {
  readonly ctx: CoreContext & { clock: ManualClock };
  conversation: Conversation;
  readonly events: ConversationEvent[] = [];

  constructor() {
    let n = 0;
    this.ctx = { clock: new ManualClock('2026-03-02T10:00:00.000Z'), newId: () => `m${++n}` };
    const opened = open(this.ctx, 'conv-1');
    this.conversation = opened.conversation;
    this.#apply(opened.events);
  }

  #apply(events: ConversationEvent[]): ConversationEvent[] {
    this.events.push(...events);
    this.conversation = evolveAll(this.conversation, events);
    return events;
  }

  wait(seconds: number): this {
    this.ctx.clock.advance(seconds * 1000);
    return this;
  }

  /** The customer writes; `record` is triage's judgement of the turn (none: not triaged, as when a person holds it). */
  customer(text: string, record?: TriageRecord): string {
    const [said] = this.#apply(customerSays(this.conversation, this.ctx, { text, clientId: `c-${this.events.length}` }));
    const id = (said as Extract<ConversationEvent, { type: 'message' }>).message.id;
    if (record) this.#apply(recordTriage(this.conversation, this.ctx, id, record));
    return id;
  }

  ai(text: string): this {
    this.#apply(aiSays(this.conversation, this.ctx, text));
    return this;
  }

  handoff(trigger: HandoffTrigger): this {
    this.#apply(requestHandoff(this.conversation, this.ctx, { trigger }));
    return this;
  }

  assign(): this {
    this.#apply(assign(this.conversation, this.ctx, sam));
    return this;
  }

  agent(text: string): this {
    this.#apply(agentSays(this.conversation, this.ctx, sam, { text, clientId: `a-${this.events.length}` }));
    return this;
  }

  close(by: Closer, fields: { disposition?: string; label?: InteractionType } = {}): this {
    this.#apply(close(this.conversation, this.ctx, by === 'agent' ? { by, agentId: sam.id, ...fields } : { by, ...fields }));
    return this;
  }

  rate(score: number, comment?: string): this {
    this.#apply(rate(this.conversation, this.ctx, comment ? { score, comment } : { score }));
    return this;
  }

  outcome(customerKey: string | null = null): InteractionOutcome {
    return outcomeOf(this.conversation, this.events, customerKey);
  }
}

describe('the outcome of a conversation', () => {
  it('an AI-only chat is resolved by the AI, with its first answer time and no escalation', () => {
    const chat = new Chat();
    chat.customer('Where is my refund?', judged('account_status', { sentiment: 0.1 }));
    chat.wait(4).ai('Your refund was sent on Monday.');
    chat.wait(30).customer('Great, thanks a lot!', judged('account_status', { sentiment: 0.7 }));
    chat.wait(60).close('customer').rate(5, 'Quick');

    expect(chat.outcome('visitor:abc')).toMatchObject({
      conversationId: 'conv-1',
      type: 'account_status',
      predictedType: 'account_status',
      correctedType: null,
      resolver: 'ai',
      escalated: false,
      escalationTrigger: null,
      escalatedAfterAi: false,
      control: false,
      customerTurns: 2,
      firstAnswerSeconds: 4,
      toPersonSeconds: null,
      abandoned: false,
      csat: 5,
      csatComment: 'Quick',
      repeatsToPerson: 0,
      recontact: null,
      customerKey: 'visitor:abc',
      predictedCsat: null,
      openedAt: '2026-03-02T10:00:00.000Z',
      closedAt: '2026-03-02T10:01:34.000Z',
    });
  });

  it('the AI answered, then the customer asked for a person: AI then person, escalated after the AI, time to a person', () => {
    const chat = new Chat();
    chat.customer('I want to change the delivery address on my order', judged('standard_change'));
    chat.wait(3).ai('Which order is it?');
    chat.wait(20).customer('can I talk to a real person please', judged('standard_change', { route: 'human' }));
    chat.handoff('customer_request');
    chat.wait(95).assign();
    chat.wait(10).agent('Hi, I can change it for you.');
    chat.wait(120).close('agent', { disposition: 'resolved' });

    const o = chat.outcome();
    expect(o).toMatchObject({
      resolver: 'ai_then_person',
      escalated: true,
      escalationTrigger: 'customer_request',
      escalationReason: 'The customer asked for a person.',
      escalatedAfterAi: true,
      control: false,
      firstAnswerSeconds: 3,
      toPersonSeconds: 95,
      abandoned: false,
      disposition: 'resolved',
      csat: null,
    });
  });

  it('a person from the first turn (policy handoff before any AI message) is resolved by a person', () => {
    const chat = new Chat();
    chat.customer('I was charged twice for the same order', judged('billing_dispute', { route: 'human' }));
    chat.handoff('policy');
    chat.wait(40).assign();
    chat.wait(5).agent('I see two charges, refunding one now.');
    chat.wait(60).close('agent');

    expect(chat.outcome()).toMatchObject({
      type: 'billing_dispute',
      resolver: 'person',
      escalated: true,
      escalationTrigger: 'policy',
      escalatedAfterAi: false,
      toPersonSeconds: 40,
      // the agent's message is the first answer
      firstAnswerSeconds: 45,
      abandoned: false,
    });
  });

  it('a customer who leaves the queue abandoned it; one who leaves the AI did not', () => {
    const left = new Chat();
    left.customer('I was charged twice for the same order', judged('billing_dispute', { route: 'human' }));
    left.handoff('policy');
    left.wait(300).close('customer');
    expect(left.outcome()).toMatchObject({ abandoned: true, resolver: 'person', toPersonSeconds: null, firstAnswerSeconds: null });

    const afterAi = new Chat();
    afterAi.customer('Where is my refund?', judged('account_status'));
    afterAi.wait(2).ai('It was sent on Monday.');
    afterAi.handoff('customer_button');
    afterAi.wait(200).close('customer');
    expect(afterAi.outcome()).toMatchObject({ abandoned: true, escalatedAfterAi: true, escalationTrigger: 'customer_button' });

    const done = new Chat();
    done.customer('Where is my refund?', judged('account_status'));
    done.wait(2).ai('It was sent on Monday.');
    done.wait(10).close('customer');
    expect(done.outcome().abandoned).toBe(false);
  });

  it("an agent's label that differs from triage is the corrected type; the same label corrects nothing", () => {
    const played = (label: InteractionType) => {
      const chat = new Chat();
      chat.customer('How do I change my email address?', judged('standard_change'));
      chat.handoff('customer_button').assign();
      chat.close('agent', { label });
      return chat.outcome();
    };
    expect(played('policy_edge')).toMatchObject({ type: 'policy_edge', predictedType: 'standard_change', correctedType: 'policy_edge' });
    expect(played('standard_change')).toMatchObject({ type: 'standard_change', predictedType: 'standard_change', correctedType: null });
  });

  it('counts the customer repeating to the agent what they had told the AI, and only that', () => {
    const chat = new Chat();
    chat.customer('I want to change the delivery address on my order', judged('standard_change'));
    chat.ai('Which order is it?');
    chat.customer('let me talk to a person', judged('standard_change', { route: 'human' }));
    chat.handoff('customer_request').assign();
    chat.agent('Hello, how can I help?');
    chat.customer('As I said, I want to change the delivery address on my order');
    chat.customer('It should go to my office instead');
    chat.customer('yes'); // too short to repeat anything
    chat.customer('I want to change the delivery address on my order!!');
    chat.close('agent');
    expect(chat.outcome().repeatsToPerson).toBe(2);

    const fresh = new Chat();
    fresh.customer('I want to change the delivery address on my order', judged('standard_change'));
    fresh.handoff('customer_button').assign();
    fresh.customer('The new address is 4 Elm Street in Leeds');
    fresh.close('agent');
    expect(fresh.outcome().repeatsToPerson).toBe(0);
  });

  it('a control-group handoff is control, resolved by a person, and not an escalation after the AI', () => {
    const chat = new Chat();
    chat.customer('How do I change my email address?', judged('standard_change'));
    chat.handoff('control');
    chat.wait(30).assign();
    chat.agent('I can do that for you.');
    chat.close('agent');
    expect(chat.outcome()).toMatchObject({ control: true, resolver: 'person', escalated: true, escalationTrigger: 'control', escalatedAfterAi: false });
  });

  it("reads sentiment from triage's records (start, end, change) and counts novel turns", () => {
    const chat = new Chat();
    chat.customer('Where is my refund?', judged('account_status', { sentiment: 0.2 }));
    chat.ai('It was sent on Monday.');
    chat.customer('what is a good recipe for banana bread', judged('account_status', { outOfScope: true, oodScore: 0.75, sentiment: 0.44 }));
    chat.customer('still nothing on my card', judged('account_status', { oodScore: 0.8, sentiment: -0.35 }));
    chat.customer('This is useless', judged('account_status', { sentiment: -0.7 }));
    chat.close('customer');
    expect(chat.outcome()).toMatchObject({ sentimentStart: 0.2, sentimentEnd: -0.7, sentimentChange: -0.9, customerTurns: 4, novelTurns: 2 });

    const silent = new Chat();
    silent.close('customer');
    expect(silent.outcome()).toMatchObject({ sentimentStart: null, sentimentEnd: null, sentimentChange: null, customerTurns: 0, type: null });
  });
});

describe('training examples', () => {
  it('an escalation asked for in words teaches the person model with those words and the type with the rest', () => {
    const chat = new Chat();
    const matter = chat.customer('I want to change the delivery address on my order', judged('standard_change'));
    const terse = chat.customer('LP-20002', judged('standard_change', { answersAssistant: true }));
    const ask = chat.customer('let me talk to a person', judged('standard_change', { route: 'human' }));
    chat.handoff('customer_request').assign();
    chat.customer('Please change the delivery address of my order'); // after the handoff: not an escalation example
    chat.close('agent');
    const o = chat.outcome();
    const examples = examplesAtClose(o, chat.events);

    expect(examples.filter((e) => e.kind === 'escalation')).toEqual([
      expect.objectContaining({ id: `conv-1:escalation:${matter}`, messageId: matter, label: 'standard_change', labelSource: 'triage', predictedType: 'standard_change', escalationTrigger: 'customer_request' }),
      expect.objectContaining({ id: `conv-1:escalation:${ask}`, messageId: ask, text: 'let me talk to a person', label: 'person', labelSource: 'customer', escalationTrigger: 'customer_request' }),
    ]);
    expect(examples.map((e) => e.messageId)).not.toContain(terse);
    expect(examples.some((e) => e.kind === 'corrected_type' || e.kind === 'novelty')).toBe(false);
  });

  it("an agent's correction labels the escalation, the novel turns and a corrected_type example per turn about the matter", () => {
    const chat = new Chat();
    const matter = chat.customer('Can I get a refund on a sale item after 60 days?', judged('standard_change'));
    const novel = chat.customer('do you sell zorblat subscriptions here', judged('novel_product', { oodScore: 0.9 }));
    chat.handoff('policy').assign();
    chat.close('agent', { label: 'policy_edge' });
    const examples = examplesAtClose(chat.outcome(), chat.events);

    expect(examples.filter((e) => e.kind === 'escalation').map((e) => [e.messageId, e.label, e.labelSource, e.escalationTrigger])).toEqual([
      [matter, 'policy_edge', 'agent', 'policy'],
      [novel, 'policy_edge', 'agent', 'policy'],
    ]);
    expect(examples.filter((e) => e.kind === 'novelty')).toEqual([
      expect.objectContaining({ messageId: novel, label: 'policy_edge', labelSource: 'agent', oodScore: 0.9, predictedType: 'novel_product' }),
    ]);
    expect(examples.filter((e) => e.kind === 'corrected_type').map((e) => [e.messageId, e.label, e.labelSource])).toEqual([
      [matter, 'policy_edge', 'agent'],
      [novel, 'policy_edge', 'agent'],
    ]);
  });

  it('a novel turn with no correction is kept unlabeled, and a control-group chat gives no escalation examples', () => {
    const chat = new Chat();
    const novel = chat.customer('what is a good recipe for banana bread', judged('account_status', { outOfScope: true, oodScore: 0.75 }));
    chat.customer('How do I change my email address?', judged('standard_change'));
    chat.handoff('control').assign();
    chat.close('agent');
    const examples = examplesAtClose(chat.outcome(), chat.events);
    expect(examples).toEqual([expect.objectContaining({ kind: 'novelty', messageId: novel, label: null, labelSource: null })]);
  });

  it('a rating of 1 or 2 gives low_rating examples of the turns about the matter, labeled with the type; 3 and up give none', () => {
    const chat = new Chat();
    const matter = chat.customer('How do I change my email address?', judged('standard_change'));
    chat.ai('What is the new address?');
    chat.customer('new@example.com', judged('standard_change', { answersAssistant: true }));
    chat.customer('ok', judged('standard_change'));
    chat.close('customer');
    const o = chat.outcome();

    for (const score of [1, 2]) {
      expect(examplesAtRating(o, chat.events, score)).toEqual([
        expect.objectContaining({ id: `conv-1:low_rating:${matter}`, kind: 'low_rating', label: 'standard_change', labelSource: 'triage', csat: score }),
      ]);
    }
    for (const score of [3, 4, 5]) expect(examplesAtRating(o, chat.events, score)).toEqual([]);
    // with an agent's correction, the correction is the label
    expect(examplesAtRating({ ...o, correctedType: 'policy_edge' }, chat.events, 2)[0]).toMatchObject({ label: 'policy_edge', labelSource: 'agent' });
  });
});
