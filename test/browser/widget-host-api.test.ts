// What a shop's page can do with the widget, in real Chromium: theme it (data-color, data-position,
// data-title, data-launcher-text, and CSS custom properties on tandem-chat), and drive and hear it through
// window.Tandem (open, close, identify, events), calls queued before the loader ran included. The events
// follow one conversation: opened, handedOff (Talk to a person), agentJoined, ended (End chat), rated, closed.
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { AckResult, QueueItem } from '../../shared/protocol.ts';
import { browserSuite, chromiumAvailable } from '../support/browser.ts';
import { connectAgent, login, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';
import { agentNamed, openHostPage } from '../support/widget-host.ts';

const runs = chromiumAvailable();
const IDENTITY_SECRET = 'a test secret of at least thirty-two bytes, shared with the shop';

/** The shop's server signs who its signed-in customer is (docs/SECURITY.md). */
function identityToken(userId: string, name: string): Promise<string> {
  return new SignJWT({ name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode(IDENTITY_SECRET));
}

// Runs before the widget's tag (a file, as the page's CSP allows no inline script): the stub queue of
// docs/WIDGET.md, holding handlers for every event until the loader replays them.
const SHOP_SCRIPT = `
window.heard = [];
window.Tandem = window.Tandem || [];
for (const name of ['opened', 'closed', 'handedOff', 'agentJoined', 'ended', 'rated']) {
  window.Tandem.push(['on', name, function (detail) { window.heard.push([name, detail]); }]);
}
window.addEventListener('tandem:ready', function (e) { window.heard.push(['ready', typeof e.detail.open]); });
`;

/** Computed style of an element inside the widget's shadow root. */
function styleIn(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate(
    ([sel, prop]) => getComputedStyle(document.querySelector('tandem-chat')!.shadowRoot!.querySelector(sel)!).getPropertyValue(prop),
    [selector, property] as const,
  );
}

describe.runIf(runs)('the widget on a shop page: theming and the JavaScript API', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const sockets: Socket[] = [];

  browserSuite((suite) => ({ tandem, browser } = suite), { env: { TANDEM_IDENTITY_SECRET: IDENTITY_SECRET }, sockets });

  it('takes its colour, corner, title and launcher text from the tag, and its shape and font from the page CSS', async () => {
    const { page, problems } = await openHostPage(browser, tandem.url, {
      data: { color: '#0f766e', position: 'left', title: 'Lumen help desk', launcherText: 'Questions? Chat with us' },
      css: 'tandem-chat { --tandem-radius: 4px; --tandem-font: Georgia, serif; --tandem-offset-bottom: 40px; }',
    });
    // The visible text is the shop's; the accessible name stays the contract's.
    const launcher = page.getByRole('button', { name: 'Open chat', exact: true });
    await launcher.waitFor();
    expect(await launcher.innerText()).toBe('Questions? Chat with us');
    const box = (await launcher.boundingBox())!;
    expect(box.x).toBe(20); // data-position="left", at --tandem-offset-side
    expect(800 - (box.y + box.height)).toBe(40); // --tandem-offset-bottom from the page's stylesheet
    expect(box.width).toBeGreaterThan(box.height * 2); // a pill with the text, not the round icon
    expect(await styleIn(page, '.launcher', 'background-color')).toBe('rgb(15, 118, 110)');
    expect(await styleIn(page, '.launcher', 'font-family')).toBe('Georgia, serif');

    await launcher.click();
    await page.getByRole('dialog', { name: 'Lumen help desk' }).waitFor();
    expect(await styleIn(page, '.panel', 'border-top-left-radius')).toBe('4px');
    expect(await styleIn(page, '.header', 'background-color')).toBe('rgb(15, 118, 110)');
    expect(await styleIn(page, '.header', 'color')).toBe('rgb(255, 255, 255)');
    const panel = (await page.getByRole('dialog').boundingBox())!;
    expect(panel.x).toBe(20);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('writes dark text on a light accent that the page sets in its own CSS', async () => {
    const { page } = await openHostPage(browser, tandem.url, { css: 'tandem-chat { --tandem-accent: #fde047; }' });
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await styleIn(page, '.launcher', 'background-color')).toBe('rgb(253, 224, 71)');
    expect(await styleIn(page, '.launcher', 'color')).toBe('rgb(17, 17, 17)');
    await page.context().close();
  });

  it('opens and closes from the page, and tells the page what happens in the conversation, with calls queued before it loaded', async () => {
    const { page, problems } = await openHostPage(browser, tandem.url, { script: SHOP_SCRIPT, data: { preload: 'none' } });
    const heard = () => page.evaluate(() => (window as unknown as { heard: [string, unknown][] }).heard);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await heard()).toEqual([['ready', 'function']]);

    // The page opens the chat (cold: the full widget is fetched for it); the focus goes into the panel.
    await page.evaluate(() => (window as unknown as { Tandem: { open(): void } }).Tandem.open());
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.waitFor();
    await page.getByRole('status').filter({ hasText: /our assistant answers at once/i }).waitFor({ timeout: 10_000 });
    expect(await heard()).toEqual([['ready', 'function'], ['opened', {}]]);

    // An agent is on duty; the customer asks for a person.
    const { token } = await login(tandem.url, await agentNamed(tandem, 'Maria López'));
    const desk = connectAgent(tandem.url, token);
    sockets.push(desk);
    await nextEvent(desk, 'me');
    await new Promise((resolve) => desk.emit('presence', { status: 'online' }, resolve));
    await message.fill('Where is my refund?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('From our help article "Refunds', { exact: false }).waitFor({ timeout: 10_000 });
    const waiting = nextEvent<{ items: QueueItem[] }>(desk, 'queue', (q) => q.items.length > 0);
    await page.getByRole('button', { name: 'Talk to a person' }).click();
    const { items } = await waiting;
    const conversationId = items[0]!.conversationId;
    await expect.poll(heard).toContainEqual(['handedOff', { conversationId }]);

    const accepted = await new Promise<AckResult>((resolve) => desk.emit('accept', { conversationId }, resolve));
    expect(accepted).toMatchObject({ ok: true });
    await expect.poll(heard).toContainEqual(['agentJoined', { conversationId, name: 'Maria López' }]);

    await page.getByRole('button', { name: 'End chat' }).click();
    await expect.poll(heard).toContainEqual(['ended', { conversationId }]);
    await page.getByRole('button', { name: '5 stars' }).click();
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('Thank you for your rating.').waitFor();
    await expect.poll(heard).toContainEqual(['rated', { conversationId, score: 5 }]);

    // The page closes the chat; it had not the focus, so the launcher does not take it.
    await page.evaluate(() => (window as unknown as { Tandem: { close(): void } }).Tandem.close());
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect((await heard()).map(([name]) => name)).toEqual(['ready', 'opened', 'handedOff', 'agentJoined', 'ended', 'rated', 'closed']);

    // Calls after the load go the same way, through push as well; off stops a handler.
    await page.evaluate(() => {
      const api = (window as unknown as { Tandem: { push(c: unknown[]): void; on(e: string, h: () => void): void; off(e: string, h: () => void): void } }).Tandem;
      const again = () => (window as unknown as { heard: unknown[] }).heard.push(['opened again', {}]);
      api.on('opened', again);
      api.push(['open']);
      api.off('opened', again);
      api.push(['close']);
      api.push(['open']);
    });
    expect((await heard()).map(([name]) => name).slice(7)).toEqual(['opened', 'opened again', 'closed', 'opened']);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("opens from the demo shop's own button, through the API", async () => {
    const { page, problems } = await openHostPage(browser, tandem.url);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await page.evaluate(() => document.querySelector('tandem-chat')!.shadowRoot!.activeElement?.getAttribute('aria-label'))).toBe('Message');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('identifies the shop user: a new conversation is theirs, and another user gets a conversation of their own', async () => {
    const { page } = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    const ann = await identityToken('ann-42', 'Ann Lee');
    // Before the full widget exists: the loader keeps it for the first handshake.
    await page.evaluate((token) => (window as unknown as { Tandem: { identify(t: string): void } }).Tandem.identify(token), ann);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello, this is Ann');
    await page.getByRole('button', { name: 'Send' }).click();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Hello, this is Ann').waitFor();
    const annConversation = await conversationWith('Hello, this is Ann');
    expect(await tandem.desk.identity(annConversation)).toMatchObject({ userId: 'ann-42', name: 'Ann Lee' });

    // Another user signs in at the shop on this browser: the widget connects again with their token, and the
    // server, which resumes a conversation only for its own user, opens a new one; Ann's is not shown.
    const ben = await identityToken('ben-7', 'Ben Okafor');
    await page.evaluate((token) => (window as unknown as { Tandem: { identify(t: string): void } }).Tandem.identify(token), ben);
    await log.getByText('Hello, this is Ann').waitFor({ state: 'detached' });
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello, this is Ben');
    await page.getByRole('button', { name: 'Send' }).click();
    await log.getByText('Hello, this is Ben').waitFor();
    const benConversation = await conversationWith('Hello, this is Ben');
    expect(benConversation).not.toBe(annConversation);
    expect(await tandem.desk.identity(benConversation)).toMatchObject({ userId: 'ben-7' });
    await page.context().close();
  });

  /** The id of the conversation in which the customer wrote `text`. */
  async function conversationWith(text: string): Promise<string> {
    const rows = await tandem.store.db.selectFrom('conversations').select('id').execute();
    for (const { id } of rows) {
      if ((await tandem.desk.messages(id)).some((m) => m.from === 'customer' && m.text === text)) return id;
    }
    throw new Error(`no conversation has "${text}"`);
  }
});
