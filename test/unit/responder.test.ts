// The embedded responder against the shipped knowledge base, and the "I want a person" detector.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/protocol.ts';
import { DEFAULT_KNOWLEDGE_DIR } from '../../server/config.ts';
import { asksForPerson } from '../../server/core/triage/person-request.ts';
import { EmbeddedResponder, GIVING_UP_TEXT, UNSURE_TEXT } from '../../server/responder/embedded.ts';
import { KnowledgeBase, parseArticle } from '../../server/responder/knowledge-base.ts';

const kb = KnowledgeBase.fromDirectory(DEFAULT_KNOWLEDGE_DIR);
const responder = new EmbeddedResponder(kb);

function aiMessage(text: string): Message {
  return { id: 'm', seq: 1, conversationId: 'c', from: 'ai', text, at: '2026-01-01T00:00:00.000Z' };
}

describe('the knowledge base', () => {
  it('splits an article into its summary and sections', () => {
    const parsed = parseArticle('---\ntitle: Refunds\nkeywords: money back\n---\n\nSummary here.\n\n## When\n\nWithin **30** days.\n', 'x');
    expect(parsed).toEqual({ title: 'Refunds', keywords: 'money back', summary: 'Summary here.', sections: [{ heading: 'When', text: 'Within 30 days.' }] });
  });

  it('loads the demo articles', () => {
    expect(kb.articles).toBeGreaterThanOrEqual(10);
    expect(kb.sections.length).toBeGreaterThan(kb.articles);
  });
});

describe('the embedded responder', () => {
  it.each([
    ['where is my refund?', 'refunds'],
    ['How do I return an item?', 'returns'],
    ['my card was stolen', 'lost-or-stolen-card'],
    ['can I move my due date', 'instalments-and-due-dates'],
    ['I forgot my password', 'account-and-login'],
    ['how much is the late fee', 'late-fees'],
    ['the item arrived broken', 'returns'],
  ])('answers "%s" from the %s article', async (question, article) => {
    const reply = await responder.reply({ text: question, history: [] });
    expect(reply.confident).toBe(true);
    expect(reply.source?.split('#')[0]).toBe(article);
  });

  it.each(['what is the weather in Paris', 'do you sell bitcoin', 'do you take payments in bitcoin?', 'can I pay with klarna', 'write my homework essay'])('does not pretend to know "%s"', async (question) => {
    const reply = await responder.reply({ text: question, history: [] });
    expect(reply).toEqual({ text: UNSURE_TEXT, confident: false });
  });

  it('asks for a person itself when unsure twice running', async () => {
    const reply = await responder.reply({ text: 'and the weather in Rome?', history: [aiMessage(UNSURE_TEXT)] });
    expect(reply).toEqual({ text: GIVING_UP_TEXT, confident: false, handoff: true });
  });
});

describe('asking for a person', () => {
  it.each(['Talk to a person', 'can I speak with someone please', 'I want a human', 'agent', 'Representative!!', 'connect me to a real person', 'get me an agent now', 'I need a real person', 'you are not a bot, right? not a bot please'])(
    'hears "%s"',
    (text) => expect(asksForPerson(text)).toBe(true),
  );
  it.each(['where is my refund?', 'I talked to my bank', 'I don\'t need to talk to anyone, just tell me the fee', 'the person at the door took my parcel'])(
    'does not hear it in "%s"',
    (text) => expect(asksForPerson(text)).toBe(false),
  );
});
