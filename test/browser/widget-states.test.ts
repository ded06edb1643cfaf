// The widget says where things stand, in real Chromium: a message written while the link is down shows as
// waiting for the connection (a silent cut the browser does not notice, and the browser going offline), then
// is delivered when the link comes back; an agent who joins shows with their name and initials, in the live
// status and beside their messages.
import type { Browser, WebSocketRoute } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { AckResult, QueueItem } from '../../shared/protocol.ts';
import { browserSuite, chromiumAvailable } from '../support/browser.ts';
import { connectAgent, login, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';
import { agentNamed, openHostPage } from '../support/widget-host.ts';

const runs = chromiumAvailable();
const WAIT = { timeout: 10_000 };

describe.runIf(runs)('the widget states honestly', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const sockets: Socket[] = [];

  browserSuite((suite) => ({ tandem, browser } = suite), { sockets });

  it('shows a message written while offline as waiting, and delivers it when the connection is back', async () => {
    // Every WebSocket of the page goes through this route, so the test can cut the link without the browser knowing.
    let cut = false;
    const links: WebSocketRoute[] = [];
    const { page, problems } = await openHostPage(browser, tandem.url, {
      prepare: (context) =>
        context.routeWebSocket(/\/socket\.io\//, (ws) => {
          if (cut) return void ws.close({ code: 4000, reason: 'cut by the test' });
          const server = ws.connectToServer();
          links.push(ws, server);
        }),
    });
    await page.getByRole('button', { name: 'Open chat' }).click();
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent(), WAIT).toMatch(/our assistant answers at once/i);
    const log = page.getByRole('log', { name: 'Messages' });

    // 1. The link drops silently (a dead Wi-Fi, a proxy that hung up): the widget sees the socket close.
    cut = true;
    for (const link of links.splice(0)) await link.close();
    await expect.poll(() => status.textContent(), WAIT).toBe('Connection lost. Reconnecting…');
    await page.getByRole('textbox', { name: 'Message' }).fill('Sent through a tunnel');
    await page.getByRole('button', { name: 'Send' }).click();
    const pendingOne = page.locator('tandem-chat .msg--pending', { hasText: 'Sent through a tunnel' });
    await pendingOne.getByText('Waiting for connection').waitFor();
    expect(await log.getByText('Sent through a tunnel').count()).toBe(0);
    cut = false; // socket.io tries again by itself, within its growing delay (at most 5 s)
    await log.getByText('Sent through a tunnel').waitFor(WAIT);
    await pendingOne.waitFor({ state: 'detached' });

    // 2. The browser goes offline: the widget says so in those words, and does not wait for missed pings.
    await page.context().setOffline(true);
    await expect.poll(() => status.textContent(), WAIT).toBe('You are offline. Your messages will be sent when the connection is back.');
    await page.getByRole('textbox', { name: 'Message' }).fill('Sent from the train');
    await page.getByRole('button', { name: 'Send' }).click();
    const pendingTwo = page.locator('tandem-chat .msg--pending', { hasText: 'Sent from the train' });
    await pendingTwo.getByText('Waiting for connection').waitFor();
    await page.context().setOffline(false);
    // Back online, it connects again at once rather than after socket.io's delay.
    await log.getByText('Sent from the train').waitFor({ timeout: 3_000 });
    await expect.poll(() => status.textContent(), WAIT).toMatch(/our assistant answers at once/i);
    expect(problems.filter((p) => !/WebSocket/.test(p))).toEqual([]);
    await page.context().close();
  });

  it('shows the agent who joined with their name and initials', async () => {
    const { page } = await openHostPage(browser, tandem.url);
    const { token } = await login(tandem.url, await agentNamed(tandem, 'Maria López'));
    const desk = connectAgent(tandem.url, token);
    sockets.push(desk);
    await nextEvent(desk, 'me');
    await new Promise((resolve) => desk.emit('presence', { status: 'online' }, resolve));

    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Where is my refund?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('From our help article "Refunds', { exact: false }).waitFor(WAIT);
    const waiting = nextEvent<{ items: QueueItem[] }>(desk, 'queue', (q) => q.items.length > 0);
    await page.getByRole('button', { name: 'Talk to a person' }).click();
    const conversationId = (await waiting).items[0]!.conversationId;
    expect(await new Promise<AckResult>((resolve) => desk.emit('accept', { conversationId }, resolve))).toMatchObject({ ok: true });

    const status = page.getByRole('status');
    await expect.poll(() => status.textContent(), WAIT).toBe('MLMaria López has joined the conversation.');
    // The initials are decoration: a screen reader hears the name once.
    const avatar = page.locator('tandem-chat .status .avatar');
    expect(await avatar.textContent()).toBe('ML');
    expect(await avatar.getAttribute('aria-hidden')).toBe('true');

    await new Promise((resolve) => desk.emit('message', { conversationId, clientId: 'hello-1', text: 'Hi, Maria here. Let me look.' }, resolve));
    const reply = page.locator('tandem-chat .msg--agent', { hasText: 'Hi, Maria here. Let me look.' });
    await reply.waitFor(WAIT);
    expect(await reply.locator('.avatar').textContent()).toBe('ML');
    expect(await reply.locator('.msg__who').textContent()).toBe('Maria López');
    await page.context().close();
  });
});

describe.runIf(runs)('the widget under a rate limit', () => {
  let tandem: TestTandem;
  let browser: Browser;

  // Two messages per two seconds from one address: a customer who types fast meets the limit at once.
  browserSuite((suite) => ({ tandem, browser } = suite), { env: { TANDEM_RATE_LIMITS: 'customerMessagesPerIp=2/2' } });

  it('tells a customer who writes too fast, in their language, and sends every message by itself', async () => {
    const { page, problems } = await openHostPage(browser, tandem.url, { data: { lang: 'de' } });
    await page.getByRole('button', { name: 'Chat öffnen' }).click();
    const box = page.getByRole('textbox', { name: 'Nachricht', exact: true });
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toMatch(/Assistent/);
    const texts = ['Erste Frage', 'Zweite Frage', 'Dritte Frage', 'Vierte Frage', 'Fünfte Frage'];
    for (const text of texts) {
      await box.fill(text);
      await box.press('Enter');
    }
    // Refused for now: said in German, the messages still pending, not failed.
    await page.getByRole('alert').getByText('Sie senden sehr schnell Nachrichten.', { exact: false }).waitFor(WAIT);
    expect(await page.getByText('Nicht gesendet', { exact: false }).count()).toBe(0);
    // Each is sent again by itself and stored once; the notice goes with the trouble.
    const log = page.getByRole('log', { name: 'Nachrichten' });
    for (const text of texts) await log.getByText(text, { exact: true }).waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByRole('alert').count(), WAIT).toBe(0);
    const stored = await tandem.store.db.selectFrom('conversation_events').select('text').where('kind', '=', 'message').where('sender', '=', 'customer').execute();
    expect(stored.map((row) => row.text).sort()).toEqual([...texts].sort());
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});
