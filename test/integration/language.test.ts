// The customer's language over real sockets and real storage (SQLite and PostgreSQL): a German widget's
// conversation goes to a person at its first message, untyped and at normal priority, the customer is told in
// German and the AI says nothing; the language survives a restart; a deployment whose AI serves German keeps it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { AssignedPayload, Message, QueueItem, SessionPayload, StatePayload } from '../../shared/protocol.ts';
import { SYSTEM_WORDS } from '../../server/core/system-words.ts';
import { enginesUnderTest } from '../support/engines.ts';
import { connectAgent, connectCustomer, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';

const engines = await enginesUnderTest();

const REASON = 'The customer writes German; the assistant and triage read English only.';
const de = SYSTEM_WORDS.de;
/** Every reason a German customer in the queue may read for having no number yet. */
const GERMAN_REASONS = [de.workingOutWait, ...Object.values(de.noNumber)];

describe.each(engines)('the customer’s language on %s storage', (engine) => {
  let tandem: TestTandem;
  const sockets: Socket[] = [];
  const track = (socket: Socket) => {
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    tandem = await startTestTandem(engine);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await tandem?.destroy();
  });

  it('queues a German customer at once: untyped, normal priority, told in German, and the AI says nothing', async () => {
    const customer = track(connectCustomer(tandem.url, { lang: 'de' }));
    const session = await nextEvent<SessionPayload>(customer, 'session');
    const conversationId = session.conversationId;
    expect(session.state).toBe('ai');

    const told = nextEvent<Message>(customer, 'message', (m) => m.from === 'system');
    const queued = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'queued');
    // No one is online: the status line's reason for giving no number, in German.
    const noOne = nextEvent<StatePayload>(customer, 'state', (s) => s.queue?.reason === de.noNumber.no_agents);
    expect(await send(customer, 'message', { clientId: 'de-1', text: 'Wo ist meine Bestellung?' })).toMatchObject({ ok: true });

    expect((await told).text).toBe(de.queued);
    const state = await queued;
    expect(state.queue).toMatchObject({ position: 1, promise: null });
    expect(GERMAN_REASONS).toContain(state.queue?.reason);
    await noOne;

    const stored = await tandem.desk.conversation(conversationId);
    expect(stored).toMatchObject({ state: 'queued', priority: 'normal', type: null, language: 'de', handoffReason: REASON });
    const events = await tandem.store.events(conversationId);
    expect(events.find((e) => e.type === 'handoff_requested')).toMatchObject({ trigger: 'language', reason: REASON });
    expect(events.find((e) => e.type === 'opened')).toMatchObject({ language: 'de' });

    // The agents' queue: untyped, normal, and why.
    const { token } = await login(tandem.url);
    const agent = track(connectAgent(tandem.url, token));
    const waiting = await nextEvent<{ items: QueueItem[] }>(agent, 'queue', (q) => q.items.some((i) => i.conversationId === conversationId));
    const item = waiting.items.find((i) => i.conversationId === conversationId)!;
    expect(item).toMatchObject({ type: null, priority: 'normal', preview: 'Wo ist meine Bestellung?' });
    expect(item.triage).toMatchObject({ reasons: [REASON], sentiments: [], unreadLanguage: { tag: 'de', name: 'German' } });

    // No AI message, now or later.
    await tandem.desk.idle();
    expect((await tandem.desk.messages(conversationId)).filter((m) => m.from === 'ai')).toEqual([]);

    // The agent's brief names the language and the reason; the customer is told the agent joined, in German.
    const assigned = nextEvent<AssignedPayload>(agent, 'assigned', (a) => a.conversationId === conversationId);
    const joined = nextEvent<Message>(customer, 'message', (m) => m.from === 'system' && m.text !== de.queued);
    expect(await send(agent, 'accept', { conversationId })).toEqual({ ok: true, conversationId });
    const { brief, summary } = await assigned;
    expect(brief.language).toEqual({ tag: 'de', name: 'German' });
    expect(brief.reasons).toEqual([REASON]);
    expect(summary).toContain('Language: German (de)');
    expect(summary).toContain(`Why a person: ${REASON}`);
    expect((await joined).text).toBe('lead ist jetzt im Chat.');

    const ended = nextEvent<Message>(customer, 'message', (m) => m.from === 'system' && m.text === de.ended);
    expect(await send(agent, 'close', { conversationId })).toEqual({ ok: true });
    await ended;
  });

  it('keeps an English customer exactly as before: the AI answers', async () => {
    const customer = track(connectCustomer(tandem.url, { lang: 'en' }));
    const session = await nextEvent<SessionPayload>(customer, 'session');
    const answer = nextEvent<Message>(customer, 'message', (m) => m.from === 'ai');
    await send(customer, 'message', { clientId: 'en-1', text: 'Where is my refund?' });
    expect((await answer).text).toContain('From our help article');
    expect(await tandem.desk.conversation(session.conversationId)).toMatchObject({ state: 'ai', language: 'en', type: 'account_status' });
  });

  it('keeps the conversation’s language across a restart, whatever the widget says when it comes back', async () => {
    let t = await startTestTandem(engine);
    try {
      const first = connectCustomer(t.url, { lang: 'de' });
      const session = await nextEvent<SessionPayload>(first, 'session');
      first.disconnect();
      t = await t.restart();

      // The page switched the widget to English meanwhile: the conversation stays German.
      const back = connectCustomer(t.url, { token: session.token, lang: 'en' });
      try {
        const resumed = await nextEvent<SessionPayload>(back, 'session');
        expect(resumed.conversationId).toBe(session.conversationId);
        const told = nextEvent<Message>(back, 'message', (m) => m.from === 'system');
        await send(back, 'message', { clientId: 'de-1', text: 'Wo ist meine Bestellung?' });
        expect((await told).text).toBe(de.queued);
        expect(await t.desk.conversation(session.conversationId)).toMatchObject({ state: 'queued', priority: 'normal', type: null, language: 'de' });
        await t.desk.idle();
        expect((await t.desk.messages(session.conversationId)).some((m) => m.from === 'ai')).toBe(false);
      } finally {
        back.disconnect();
      }
    } finally {
      await t.destroy();
    }
  });

  it('keeps a German conversation with the AI when TANDEM_AI_LANGUAGES lists German', async () => {
    // "Hallo, guten Tag": small talk the shipped model can tell; it reads no more German than that (docs/TRIAGE.md).
    const text = 'Hallo, guten Tag';
    const withGerman = await startTestTandem(engine, undefined, { TANDEM_AI_LANGUAGES: 'en,de' });
    try {
      const customer = connectCustomer(withGerman.url, { lang: 'de' });
      try {
        const session = await nextEvent<SessionPayload>(customer, 'session');
        const answer = nextEvent<Message>(customer, 'message', (m) => m.from === 'ai');
        await send(customer, 'message', { clientId: 'de-1', text });
        await answer;
        await withGerman.desk.idle();
        expect(await withGerman.desk.conversation(session.conversationId)).toMatchObject({ state: 'ai', language: 'de' });
        const events = await withGerman.store.events(session.conversationId);
        expect(events.some((e) => e.type === 'handoff_requested')).toBe(false);
      } finally {
        customer.disconnect();
      }
    } finally {
      await withGerman.destroy();
    }

    // The same words from a German widget where the AI reads English only: a person.
    const customer = track(connectCustomer(tandem.url, { lang: 'de' }));
    const session = await nextEvent<SessionPayload>(customer, 'session');
    const queued = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'queued');
    await send(customer, 'message', { clientId: 'de-1', text });
    await queued;
    await tandem.desk.idle();
    expect((await tandem.desk.messages(session.conversationId)).some((m) => m.from === 'ai')).toBe(false);
  });
});
