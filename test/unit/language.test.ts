// The customer's language, pure: a conversation in a language the AI does not read goes to a person at its first
// customer message (untyped, normal priority, with the reason), the customer is told in their language, and the
// agent's brief names the language. A clock that moves only when told.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/core/clock.ts';
import {
  assign,
  close,
  customerSays,
  evolveAll,
  handOffUnread,
  open,
  requestHandoff,
  requeue,
  transfer,
  type ConversationEvent,
  type CoreContext,
} from '../../server/core/conversation.ts';
import { briefText, handoffBrief } from '../../server/core/handoff-summary.ts';
import { outcomeOf } from '../../server/core/quality/outcome.ts';
import { examplesAtClose } from '../../server/core/quality/training-examples.ts';
import { SYSTEM_WORDS, systemWords } from '../../server/core/system-words.ts';
import { languageView, parseAiLanguages, readsLanguage, unreadLanguage } from '../../server/core/triage/language.ts';
import { loadTriage } from '../../server/triage/load.ts';
import { triageLine } from '../../server/cli.ts';
import { CustomerAuth } from '../../shared/protocol.ts';
import { loadConfig } from '../../server/config.ts';

function context(): CoreContext & { clock: ManualClock } {
  let n = 0;
  return { clock: new ManualClock('2026-03-01T10:00:00.000Z'), newId: () => `id-${++n}` };
}

const sam = { id: 'agent-sam', name: 'Sam' };

/** A conversation opened by a widget speaking `language`, after the customer's first message. */
function firstMessage(language: string | undefined, text = 'Wo ist meine Bestellung?') {
  const ctx = context();
  const opened = open(ctx, 'conv-1', undefined, language);
  const c = evolveAll(opened.conversation, opened.events);
  const said = customerSays(c, ctx, { text, clientId: 'k1' });
  const messageId = (said[0] as Extract<ConversationEvent, { type: 'message' }>).message.id;
  return { ctx, c: evolveAll(c, said), messageId, events: [...opened.events, ...said] };
}

/** The system messages among events. */
function systemTexts(events: readonly ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'message' && e.message.from === 'system' ? [e.message.text] : []));
}

describe('which languages the AI reads', () => {
  it('reads English by default, and a conversation without a language is English', () => {
    const served = parseAiLanguages(undefined);
    expect(served).toEqual(['en']);
    expect(readsLanguage(served, null)).toBe(true);
    expect(readsLanguage(served, 'en')).toBe(true);
    expect(readsLanguage(served, 'en-GB')).toBe(true);
    expect(readsLanguage(served, 'de')).toBe(false);
    expect(readsLanguage(served, 'sv-FI')).toBe(false);
  });

  it('takes TANDEM_AI_LANGUAGES as primary subtags, and refuses anything else', () => {
    expect(parseAiLanguages('en, DE ,sv,,en')).toEqual(['en', 'de', 'sv']);
    expect(parseAiLanguages('  ')).toEqual(['en']);
    expect(readsLanguage(parseAiLanguages('en,de'), 'de-AT')).toBe(true);
    expect(() => parseAiLanguages('en,de-AT')).toThrow(/"de-at" is not a language's primary subtag/);
    expect(() => parseAiLanguages('english')).toThrow(RangeError);
    expect(loadConfig({}).aiLanguages).toEqual(['en']);
    expect(loadConfig({ TANDEM_AI_LANGUAGES: 'en,de' }).aiLanguages).toEqual(['en', 'de']);
    expect(() => loadConfig({ TANDEM_AI_LANGUAGES: 'en,German' })).toThrow(/^Bad environment: TANDEM_AI_LANGUAGES: "german"/);
  });

  it('names a language in English for the agent, and keeps a tag without a name as it is', () => {
    expect(languageView('de')).toEqual({ tag: 'de', name: 'German' });
    expect(languageView('sv-FI')).toEqual({ tag: 'sv-FI', name: 'Swedish (Finland)' });
    expect(languageView('qaa')).toEqual({ tag: 'qaa', name: 'qaa' });
  });

  it('lets the customer handshake carry a short language tag, and nothing else there', () => {
    expect(CustomerAuth.parse({ lang: 'de' })).toEqual({ lang: 'de' });
    expect(CustomerAuth.parse({ lang: 'es-419' }).lang).toBe('es-419');
    expect(CustomerAuth.safeParse({ lang: 'de DE' }).success).toBe(false);
    expect(CustomerAuth.safeParse({ lang: 'x' }).success).toBe(false);
    expect(CustomerAuth.safeParse({ lang: `de-${'a'.repeat(40)}` }).success).toBe(false);
    expect(CustomerAuth.parse({})).toEqual({});
  });
});

describe('a conversation in a language the AI does not read', () => {
  it('goes to a person at the first German message: untyped, normal priority, with the reason, told in German', () => {
    const { ctx, c, messageId } = firstMessage('de');
    expect(c.language).toBe('de');
    const unread = unreadLanguage(['en'], c.language);
    expect(unread).not.toBeNull();
    ctx.clock.advance(2_000);
    const events = handOffUnread(c, ctx, messageId, unread!);
    expect(events.map((e) => e.type)).toEqual(['triaged', 'handoff_requested', 'message']);
    expect(events[1]).toEqual({
      type: 'handoff_requested',
      at: '2026-03-01T10:00:02.000Z',
      trigger: 'language',
      reason: 'The customer writes German; the assistant and triage read English only.',
    });
    expect(systemTexts(events)).toEqual([
      'Sie warten jetzt auf eine Person aus unserem Team. Schreiben Sie hier gern weiter: Wer Ihren Chat übernimmt, sieht das ganze Gespräch.',
    ]);

    const queued = evolveAll(c, events);
    expect(queued).toMatchObject({ state: 'queued', priority: 'normal', type: null, queuedAt: '2026-03-01T10:00:02.000Z', language: 'de' });
    expect(queued.triage).toMatchObject({
      latest: { route: 'human', priority: 'normal', type: null, language: 'de' },
      handoffReasons: ['The customer writes German; the assistant and triage read English only.'],
      // nothing was read, so no sentiment was measured
      sentiments: [],
    });
  });

  it('never raises the priority or types it on later turns, and does not hand it off twice', () => {
    const { ctx, c, messageId } = firstMessage('de');
    const unread = unreadLanguage(['en'], 'de')!;
    const queued = evolveAll(c, handOffUnread(c, ctx, messageId, unread));
    // "Betrug" (fraud) in German: the English model cannot read it, so it cannot make it urgent either.
    const said = customerSays(queued, ctx, { text: 'Das ist Betrug!!! Jemand hat meine Karte benutzt', clientId: 'k2' });
    const later = evolveAll(queued, said);
    const id = (said[0] as Extract<ConversationEvent, { type: 'message' }>).message.id;
    const events = handOffUnread(later, ctx, id, unread);
    expect(events.map((e) => e.type)).toEqual(['triaged']);
    expect(evolveAll(later, events)).toMatchObject({ state: 'queued', priority: 'normal', type: null });
  });

  it('names the served languages in the reason, and an unnamed tag as a tag', () => {
    expect(unreadLanguage(['en', 'sv'], 'es')?.reason).toBe('The customer writes Spanish; the assistant and triage read English and Swedish only.');
    expect(unreadLanguage(['en', 'de', 'sv'], 'es-419')?.reason).toBe(
      'The customer writes Latin American Spanish; the assistant and triage read English, German and Swedish only.',
    );
    expect(unreadLanguage(['en'], 'qaa')?.reason).toBe('The customer writes in a language tagged "qaa"; the assistant and triage read English only.');
  });

  it('stays with the AI when the language is served (German listed), and English is unchanged', () => {
    expect(unreadLanguage(['en', 'de'], 'de')).toBeNull();
    expect(unreadLanguage(['en', 'de'], 'de-CH')).toBeNull();
    expect(unreadLanguage(['en'], 'en')).toBeNull();
    expect(unreadLanguage(['en'], 'en-US')).toBeNull();
    expect(unreadLanguage(['en'], null)).toBeNull();
    // An English conversation is told in English, word for word as before.
    const { ctx, c } = firstMessage(undefined, 'Where is my order?');
    expect(c.language).toBeNull();
    expect(systemTexts(requestHandoff(c, ctx, { trigger: 'customer_button' }))).toEqual([
      'You are in the queue for a person. You can keep writing here: they will see the whole conversation.',
    ]);
  });

  it('gives the agent a brief that names the language and why it came to a person', () => {
    const { ctx, c, messageId } = firstMessage('de');
    const queued = evolveAll(c, handOffUnread(c, ctx, messageId, unreadLanguage(['en'], 'de')!));
    const brief = handoffBrief(queued, [{ from: 'customer', text: 'Wo ist meine Bestellung?' }]);
    expect(brief.language).toEqual({ tag: 'de', name: 'German' });
    expect(brief.reasons).toEqual(['The customer writes German; the assistant and triage read English only.']);
    expect(brief.wants).toBe('Not typed (triage does not read German): "Wo ist meine Bestellung?"');
    expect(brief.nextStep).toMatch(/^The customer writes German: answer in German if you can\. Verify the customer .*Read what the customer wrote/);
    const text = briefText(brief);
    expect(text).toContain('\nLanguage: German (de)\n');
    expect(text).toContain('Why a person: The customer writes German; the assistant and triage read English only.');
    expect(text).toContain('Mood and sentiment not measured');
    // An English conversation's brief has no language line.
    const english = firstMessage('en', 'Where is my order?');
    expect(handoffBrief(english.c, []).language).toBeUndefined();
    expect(briefText(handoffBrief(english.c, []))).not.toContain('Language:');
  });

  it('teaches the English triage model nothing from words it did not read', () => {
    const { ctx, c, messageId, events: before } = firstMessage('de', 'Wo ist meine Bestellung, bitte?');
    const handedOff = handOffUnread(c, ctx, messageId, unreadLanguage(['en'], 'de')!);
    const queued = evolveAll(c, handedOff);
    const held = assign(queued, ctx, sam);
    const withSam = evolveAll(queued, held);
    const closing = close(withSam, ctx, { by: 'agent', agentId: sam.id, label: 'account_status' });
    const events = [...before, ...handedOff, ...held, ...closing];
    const outcome = outcomeOf(evolveAll(withSam, closing), events);
    expect(outcome.escalationTrigger).toBe('language');
    expect(examplesAtClose(outcome, events)).toEqual([]);
  });
});

describe('system messages in the customer’s language', () => {
  it('tells a German customer in German, with "Sie", from the queue to the end', () => {
    const { ctx, c } = firstMessage('de-AT');
    const queued = evolveAll(c, requestHandoff(c, ctx, { trigger: 'customer_button' }));
    const joined = assign(queued, ctx, { id: 'agent-maria', name: 'Maria López' });
    const held = evolveAll(queued, joined);
    const passed = transfer(held, ctx, { id: 'agent-maria', name: 'Maria López' }, { to: { agentId: 'agent-kim', agentName: 'Kim' } });
    const toGroup = transfer(evolveAll(held, passed), ctx, { id: 'agent-kim', name: 'Kim' }, { to: { skill: 'billing_dispute' } });
    const left = requeue(held, ctx, { agentId: 'agent-maria', reason: 'gone' });
    const ended = close(held, ctx, { by: 'agent', agentId: 'agent-maria' });
    expect(systemTexts([...joined, ...passed, ...toGroup, ...left, ...ended])).toEqual([
      'Maria López ist jetzt im Chat.',
      'Wir übergeben Ihr Anliegen an Kim. Das ganze Gespräch ist dort zu sehen, und es geht hier weiter.',
      'Wir übergeben Ihr Anliegen an jemanden aus unserem Team, der sich darauf spezialisiert hat. Sie behalten Ihren Platz in der Warteschlange, und das ganze Gespräch ist dort zu sehen: Sie müssen nichts wiederholen.',
      'Maria López musste den Chat verlassen. Sie behalten Ihren Platz in der Warteschlange, vor allen, die nach Ihnen gekommen sind: Die nächste freie Person macht hier weiter.',
      'Dieser Chat ist beendet. Wie zufrieden waren Sie mit uns?',
    ]);
    // A masked card number, and the refusal to write into the ended chat.
    expect(systemTexts(customerSays(held, ctx, { text: 'Meine Karte: 4111 1111 1111 1111', clientId: 'k9' }))[0]).toMatch(/^Zu Ihrer Sicherheit/);
    expect(() => customerSays(evolveAll(held, ended), ctx, { text: 'Hallo?', clientId: 'k10' })).toThrow(
      'Dieser Chat ist beendet. Beginnen Sie einen neuen Chat, um wieder zu schreiben.',
    );
  });

  it('speaks Swedish and Spanish ("tú"), and English for any other language', () => {
    const said = (language: string) => {
      const { ctx, c } = firstMessage(language);
      return systemTexts(requestHandoff(c, ctx, { trigger: 'customer_button' }))[0];
    };
    expect(said('sv')).toBe('Du står nu i kö för att prata med en person. Du kan fortsätta skriva här: den som tar över ser hela konversationen.');
    expect(said('es-MX')).toBe('Estás en la cola para hablar con una persona. Puedes seguir escribiendo aquí: quien te atienda verá toda la conversación.');
    expect(said('fr')).toBe('You are in the queue for a person. You can keep writing here: they will see the whole conversation.');
    expect(systemWords('SV').joined('Kim')).toBe('Kim har anslutit till chatten.');
    expect(systemWords(null)).toBe(SYSTEM_WORDS.en);
  });

  it('words a moved promise with the same rounded number in every language', () => {
    expect(systemWords('en').revised(150)).toBe('Sorry, it is busier than we expected: a person will now join within 2½ minutes.');
    expect(systemWords('de').revised(150)).toBe('Entschuldigung, es ist mehr los als erwartet: Eine Person aus unserem Team ist jetzt innerhalb von 2½ Minuten für Sie da.');
    expect(systemWords('sv').late(60)).toBe('Förlåt, det tar längre tid än vi sa. Vår nya uppskattning: en person ansluter inom 1 minut.');
    expect(systemWords('es').late(45)).toBe(
      'Lo sentimos, está tardando más de lo que te dijimos. Nuestra nueva estimación: una persona te atenderá en un máximo de 45 segundos.',
    );
    expect(systemWords('es').revised(130)).toContain('2½ minutos');
  });

  it('has every text in every catalog', () => {
    const keys = Object.keys(SYSTEM_WORDS.en).sort();
    for (const [language, words] of Object.entries(SYSTEM_WORDS)) {
      expect(Object.keys(words).sort(), language).toEqual(keys);
      expect(Object.keys(words.noNumber).sort(), language).toEqual(['no_agents', 'overloaded', 'too_long']);
      for (const value of Object.values(words)) if (typeof value === 'string') expect(value.length, language).toBeGreaterThan(10);
    }
  });
});

describe('npx tandem triage with a language', () => {
  const triage = loadTriage({});

  it('decides a line in a language triage does not read as the server does: a person, untyped, normal', () => {
    const { output, ok } = triageLine(triage, JSON.stringify({ id: 'de-1', text: 'Wo ist meine Bestellung?', lang: 'de' }), 1);
    expect(ok).toBe(true);
    expect(output).toMatchObject({ id: 'de-1', type: null, route: 'human', priority: 'normal', language: 'de' });
    expect(output.reasons).toEqual(['The customer writes German; the assistant and triage read English only.']);
    const turns = triageLine(triage, JSON.stringify({ turns: ['Hej', 'Var är min beställning?'], lang: 'sv' }), 2).output;
    expect(turns).toMatchObject({ id: 2, escalateAtTurn: 1 });
  });

  it('judges English lines, and lines in a listed language, with the model as before', () => {
    const english = triageLine(triage, JSON.stringify({ text: 'Where is my order?', lang: 'en-GB' }), 1).output;
    expect(english).toEqual(triageLine(triage, JSON.stringify({ text: 'Where is my order?' }), 1).output);
    expect(english.type).toBe('account_status');
    const listed = triageLine(triage, JSON.stringify({ text: 'Hallo, guten Tag', lang: 'de' }), 1, ['en', 'de']).output;
    expect(listed).not.toHaveProperty('language');
    expect(listed.route).toBe('ai');
    expect(triageLine(triage, JSON.stringify({ text: 'x', lang: 'de DE' }), 3)).toMatchObject({ ok: false, output: { error: { code: 'bad_input' } } });
  });
});
