// The widget speaks English, German, Swedish and Spanish, in real Chromium: data-lang on the tag wins, else
// the page's <html lang>, else English; Tandem.setLanguage and a page that changes its lang switch it while it
// runs. Names, the live status and the transcript's log are read in that language (what a screen reader
// announces). The widget tells the server its language when a conversation opens: the server's own words (system
// messages, the queue's reason) follow it, and a language the assistant does not read goes to a person, whose
// console names it. The assistant's replies stay as the assistant wrote them.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { promiseSentence } from '../../shared/promise-words.ts';
import { chat as de } from '../../widget/customer/i18n/de.ts';
import { chat as en } from '../../widget/customer/i18n/en.ts';
import { chat as es } from '../../widget/customer/i18n/es.ts';
import { chat as sv } from '../../widget/customer/i18n/sv.ts';
import { SYSTEM_WORDS } from '../../server/core/system-words.ts';
import { browserSuite, chromiumAvailable, openWatchedPage } from '../support/browser.ts';
import { ADMIN, type TestTandem } from '../support/tandem.ts';
import { openHostPage } from '../support/widget-host.ts';

const runs = chromiumAvailable();
const WAIT = { timeout: 10_000 };

describe('the wait promise, star labels and counts in each language', () => {
  it('says the same rounded promise and kept share as the English the server writes', () => {
    const promise = { seconds: 150, confidence: 0.9 };
    expect(en.promise(promise)).toBe(promiseSentence(promise));
    expect(en.promise(promise)).toBe('A person will join within 2½ minutes — we keep this promise for 9 in 10 customers.');
    expect(de.promise(promise)).toBe(
      'Eine Person aus unserem Team ist innerhalb von 2½ Minuten für Sie da – dieses Versprechen halten wir bei 9 von 10 Kundinnen und Kunden.',
    );
    expect(sv.promise(promise)).toBe('En person ansluter inom 2½ minuter – det löftet håller vi för 9 av 10 kunder.');
    expect(es.promise(promise)).toBe('Una persona te atenderá en un máximo de 2½ minutos: cumplimos esta promesa con 9 de cada 10 clientes.');
    // Singular units, seconds off the minute grid, another share; 130 s is never said as 2 minutes.
    expect(de.promise({ seconds: 60, confidence: 0.95 })).toContain('innerhalb von 1 Minute für Sie da – dieses Versprechen halten wir bei 19 von 20');
    expect(sv.promise({ seconds: 75, confidence: 0.9 })).toContain('inom 75 sekunder');
    expect(es.promise({ seconds: 130, confidence: 0.99 })).toContain('en un máximo de 2½ minutos: cumplimos esta promesa con 99 de cada 100 clientes');
  });

  it('counts stars, characters and queue places in each language', () => {
    expect([1, 2, 5].map(en.stars)).toEqual(['1 star', '2 stars', '5 stars']);
    expect([1, 2, 5].map(de.stars)).toEqual(['1 Stern', '2 Sterne', '5 Sterne']);
    expect([1, 2, 5].map(sv.stars)).toEqual(['1 stjärna', '2 stjärnor', '5 stjärnor']);
    expect([1, 2, 5].map(es.stars)).toEqual(['1 estrella', '2 estrellas', '5 estrellas']);
    expect(de.queuePosition(3)).toBe('Sie sind an 3. Stelle in der Warteschlange.');
    expect(sv.agentJoined('Maria')).toBe('Maria har anslutit till chatten.');
    expect(es.agentJoined(null)).toBe('Una persona de nuestro equipo se ha unido a la conversación.');
  });
});

describe.runIf(runs)('the widget in four languages', () => {
  let tandem: TestTandem;
  let browser: Browser;

  browserSuite((suite) => ({ tandem, browser } = suite));

  /** Opens the chat by the launcher's `openChat` name, writes `text` and waits for it in the log named `log`. */
  async function chatIn(page: Page, names: { openChat: string; message: string; send: string; log: string }, text: string): Promise<void> {
    await page.getByRole('button', { name: names.openChat, exact: true }).click();
    await write(page, names, text);
  }

  /** Writes `text` in the open chat and waits for it in the log named `log`. */
  async function write(page: Page, names: { message: string; send: string; log: string }, text: string): Promise<void> {
    await page.getByRole('textbox', { name: names.message, exact: true }).fill(text);
    await page.getByRole('button', { name: names.send, exact: true }).click();
    await page.getByRole('log', { name: names.log, exact: true }).getByText(text).waitFor(WAIT);
  }

  it('speaks German with data-lang="de": names, the live status and the log', async () => {
    const { page, problems } = await openHostPage(browser, tandem.url, { data: { lang: 'de' } });
    await page.getByRole('button', { name: 'Chat öffnen', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toBe('Verbunden. Unser Assistent antwortet sofort.');
    expect(await page.getByRole('button', { name: 'Mit einem Menschen sprechen' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Chatfenster schließen' }).isVisible()).toBe(true);
    // A screen reader reads the widget with German rules.
    expect(await page.locator('tandem-chat .root').getAttribute('lang')).toBe('de');

    // The assistant reads English only, so a German question goes to a person at once (it used to get an English
    // answer): the queue's place and reason, and the transcript's note, all in German.
    await write(page, { message: 'Nachricht', send: 'Senden', log: 'Nachrichten' }, 'Wo ist meine Erstattung?');
    await expect
      .poll(() => page.getByRole('status').textContent(), WAIT)
      .toMatch(/^Sie sind an \d+\. Stelle in der Warteschlange\. (Wir berechnen gerade die Wartezeit …|Gerade ist niemand aus unserem Team online)/);
    const log = page.getByRole('log', { name: 'Nachrichten', exact: true });
    await log.getByText(SYSTEM_WORDS.de.queued).waitFor(WAIT);
    expect(await page.locator('tandem-chat .msg--ai').count()).toBe(0);

    // The customer ends the chat: the rating in German, with German plurals.
    await page.getByRole('button', { name: 'Chat beenden' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toBe('Dieser Chat ist beendet.');
    await log.getByText('Dieser Chat ist beendet. Wie zufrieden waren Sie mit uns?').waitFor(WAIT);
    await page.getByRole('group', { name: 'Wie war der Chat?' }).waitFor();
    expect(await page.getByRole('button', { name: '1 Stern', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '5 Sterne', exact: true }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('sends a German customer to a person, who reads the language in the handoff brief', async () => {
    const { page, problems } = await openHostPage(browser, tandem.url, { data: { lang: 'de' } });
    await chatIn(page, { openChat: 'Chat öffnen', message: 'Nachricht', send: 'Senden', log: 'Nachrichten' }, 'Wo ist meine Bestellung?');
    // Queued at once (triage would have called this fraud, urgent, reading German as English), told in German.
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toMatch(/^Sie sind an \d+\. Stelle in der Warteschlange\. /);
    const log = page.getByRole('log', { name: 'Nachrichten', exact: true });
    await log.getByText(SYSTEM_WORDS.de.queued).waitFor(WAIT);
    expect(await page.locator('tandem-chat .msg--ai').count()).toBe(0);

    const violations: string[] = [];
    const agent = await openWatchedPage(browser, `${tandem.url}/console/`, 'console', violations);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const waiting = agent.getByRole('list', { name: 'Queue' }).getByRole('listitem').filter({ hasText: 'Wo ist meine Bestellung?' });
    // In the queue: normal priority, untyped, and why.
    await waiting.getByText('Untyped: written in German').waitFor(WAIT);
    expect(await waiting.getByText('Normal', { exact: true }).count()).toBe(1);
    await waiting.getByRole('button', { name: 'Accept' }).click();

    const summary = agent.getByRole('region', { name: 'Handoff summary' });
    await summary.getByRole('term').first().waitFor(WAIT);
    const language = summary.getByRole('term').filter({ hasText: /^Language$/ });
    expect(await language.count()).toBe(1);
    expect((await summary.locator('.brief__language').textContent())?.trim()).toBe('German (de)');
    const reasons = await summary.getByRole('list', { name: 'Why a person' }).getByRole('listitem').allInnerTexts();
    expect(reasons.map((r) => r.trim())).toEqual(['The customer writes German; the assistant and triage read English only.']);

    // The customer hears that a person joined, in German, in the status and the transcript.
    await log.getByText('lead ist jetzt im Chat.').waitFor(WAIT);
    // (the status starts with the agent's initials, "L")
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toMatch(/lead ist jetzt im Chat\.$/);
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await agent.context().close();
    await page.context().close();
  }, 60_000);

  it("follows the page's <html lang> (Swedish), and data-lang wins over it", async () => {
    const swedish = await openHostPage(browser, tandem.url, { lang: 'sv-SE' });
    await swedish.page.getByRole('button', { name: 'Öppna chatten', exact: true }).click();
    await expect.poll(() => swedish.page.getByRole('status').textContent(), WAIT).toBe('Ansluten. Vår assistent svarar direkt.');
    expect(await swedish.page.getByRole('button', { name: 'Prata med en person' }).isVisible()).toBe(true);
    // Swedish is not a language the assistant reads: a person, told in Swedish.
    await write(swedish.page, { message: 'Meddelande', send: 'Skicka', log: 'Meddelanden' }, 'Var är min återbetalning?');
    await expect.poll(() => swedish.page.getByRole('status').textContent(), WAIT).toMatch(/^Du är nummer \d+ i kön för att prata med en person\. /);
    await swedish.page.getByRole('log', { name: 'Meddelanden', exact: true }).getByText(SYSTEM_WORDS.sv.queued).waitFor(WAIT);
    await swedish.page.context().close();

    const both = await openHostPage(browser, tandem.url, { lang: 'sv', data: { lang: 'de' } });
    await both.page.getByRole('button', { name: 'Chat öffnen', exact: true }).waitFor();
    await both.page.context().close();

    // A language we do not ship: English.
    const french = await openHostPage(browser, tandem.url, { lang: 'fr' });
    await french.page.getByRole('button', { name: 'Open chat', exact: true }).waitFor();
    await french.page.context().close();
  });

  it('switches at run time: Tandem.setLanguage, and a page that changes its own lang', async () => {
    const { page } = await openHostPage(browser, tandem.url);
    await chatIn(page, { openChat: 'Open chat', message: 'Message', send: 'Send', log: 'Messages' }, 'Where is my refund?');
    await page.getByText('From our help article "Refunds', { exact: false }).waitFor(WAIT);

    await page.evaluate(() => (window as unknown as { Tandem: { setLanguage(l: string): void } }).Tandem.setLanguage('es'));
    // Everything ours is Spanish at once; the transcript keeps what was written (the assistant's reply as sent).
    await page.getByRole('textbox', { name: 'Mensaje', exact: true }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Conectado. Nuestro asistente responde al instante.');
    const log = page.getByRole('log', { name: 'Mensajes', exact: true });
    expect(await log.getByText('Where is my refund?').count()).toBe(1);
    expect(await log.getByText('From our help article "Refunds', { exact: false }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Hablar con una persona' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Cerrar la ventana del chat' }).click();
    await page.getByRole('button', { name: 'Abrir el chat', exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { Tandem: { language: string } }).Tandem.language)).toBe('es');

    // Back to following the page, which switches to German by itself.
    await page.evaluate(() => {
      (window as unknown as { Tandem: { setLanguage(l: null): void } }).Tandem.setLanguage(null);
      document.documentElement.lang = 'de-CH';
    });
    await page.getByRole('button', { name: 'Chat öffnen', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Chat öffnen', exact: true }).click();
    await page.getByRole('textbox', { name: 'Nachricht', exact: true }).waitFor();
    await page.context().close();
  });

  it("switches with the demo shop's own Chat language picker (through Tandem.push)", async () => {
    const { page } = await openHostPage(browser, tandem.url);
    await page.getByRole('button', { name: 'Open chat', exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Chat language' }).selectOption({ label: 'Svenska' });
    await page.getByRole('button', { name: 'Öppna chatten', exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Chat language' }).selectOption({ label: "the page's (English)" });
    await page.getByRole('button', { name: 'Open chat', exact: true }).waitFor();
    await page.context().close();
  });
});
