// The widget for everyone, in real Chromium: an axe-core audit (WCAG 2.2 AA and best practice) finds no
// serious or critical violation in the widget, closed and open through a whole conversation (assistant,
// queue, agent with initials, rating), in the light and the dark theme; the audit itself is shown to catch an
// unlabeled button in the shadow root. A 375×667 phone gets the panel full screen with the composer in view
// and nothing to scroll sideways; reduced motion stops every animation. Screenshots: widget-mobile.png and
// widget-dark.png in docs/screenshots (widget.png is whole-story's).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckResult, QueueItem } from '../../shared/protocol.ts';
import { seriousViolations } from '../support/axe.ts';
import { chromiumAvailable, launchChromium, requireBuild, SCREENSHOTS } from '../support/browser.ts';
import { connectAgent, login, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';
import { agentNamed, openHostPage, type HostPage } from '../support/widget-host.ts';

const runs = chromiumAvailable();
const WAIT = { timeout: 10_000 };

/** Computed style of an element (or its pseudo-element) inside the widget's shadow root. */
function styleIn(page: Page, selector: string, property: string, pseudo?: string): Promise<string> {
  return page.evaluate(
    ([sel, prop, pse]) => {
      const el = document.querySelector('tandem-chat')!.shadowRoot!.querySelector(sel!)!;
      return getComputedStyle(el, pse || null).getPropertyValue(prop!);
    },
    [selector, property, pseudo ?? ''] as const,
  );
}

describe.runIf(runs)('the widget is accessible', () => {
  let tandem: TestTandem;
  let browser: Browser;
  let desk: Socket;

  beforeAll(async () => {
    requireBuild();
    tandem = await startTestTandem('sqlite');
    browser = await launchChromium();
    const { token } = await login(tandem.url, await agentNamed(tandem, 'Maria López'));
    desk = connectAgent(tandem.url, token);
    await nextEvent(desk, 'me');
    await new Promise((resolve) => desk.emit('presence', { status: 'online', capacity: 10 }, resolve));
  });
  afterAll(async () => {
    desk?.disconnect();
    await browser?.close();
    await tandem?.destroy();
  });

  /**
   * Audits the widget at every stage of a conversation on a page set up as `host`: closed, open with the
   * assistant's answer, waiting for a person, with the agent, ended with the rating. Returns the page open
   * with the agent's reply in view.
   */
  async function auditWholeConversation(host: HostPage, screenshot?: string): Promise<Page> {
    const { page, problems } = await openHostPage(browser, tandem.url, host);
    const findings = async (stage: string) => ({ stage, findings: await seriousViolations(page, ['tandem-chat']) });
    const clean = (stage: string) => ({ stage, findings: [] });

    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await findings('closed')).toEqual(clean('closed'));

    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Where is my refund?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('From our help article "Refunds', { exact: false }).waitFor(WAIT);
    expect(await findings('with the assistant')).toEqual(clean('with the assistant'));

    const waiting = nextEvent<{ items: QueueItem[] }>(desk, 'queue', (q) => q.items.length > 0);
    await page.getByRole('button', { name: 'Talk to a person' }).click();
    const conversationId = (await waiting).items.find((item) => item.preview.includes('refund'))?.conversationId ?? (await waiting).items[0]!.conversationId;
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toMatch(/in the queue/);
    expect(await findings('in the queue')).toEqual(clean('in the queue'));

    expect(await new Promise<AckResult>((resolve) => desk.emit('accept', { conversationId }, resolve))).toMatchObject({ ok: true });
    await new Promise((resolve) => desk.emit('message', { conversationId, clientId: `hi-${conversationId}`, text: 'Hi, Maria here. I can see the refund went out on Monday.' }, resolve));
    await page.getByText('Hi, Maria here.', { exact: false }).waitFor(WAIT);
    await page.getByRole('textbox', { name: 'Message' }).fill('Thank you, I will check my bank.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('log').getByText('Thank you, I will check my bank.').waitFor(WAIT);
    expect(await findings('with the agent')).toEqual(clean('with the agent'));
    if (screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot) });

    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: '4 stars' }).click();
    expect(await findings('rating')).toEqual(clean('rating'));
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('Thank you for your rating.').waitFor();
    expect(await findings('rated')).toEqual(clean('rated'));
    await page.getByRole('button', { name: 'Close chat' }).click();
    expect(await findings('closed again')).toEqual(clean('closed again'));
    expect(problems).toEqual([]);
    return page;
  }

  it('has no serious violation in the light theme, closed or open at any stage', async () => {
    const page = await auditWholeConversation({});
    await page.context().close();
  }, 60_000);

  it('has no serious violation in the dark theme, and "auto" follows the system', async () => {
    const page = await auditWholeConversation({ data: { theme: 'dark' } }, 'widget-dark.png');
    expect(await styleIn(page, '.panel', 'background-color')).toBe('rgb(23, 25, 30)');
    await page.context().close();

    const auto = await openHostPage(browser, tandem.url, { data: { theme: 'auto' }, context: { colorScheme: 'dark' } });
    await auto.page.getByRole('button', { name: 'Open chat' }).click();
    await auto.page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await styleIn(auto.page, '.panel', 'background-color')).toBe('rgb(23, 25, 30)');
    // The system turns light while the chat is open: the widget follows (the media query's change event).
    await auto.page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => styleIn(auto.page, '.panel', 'background-color')).toBe('rgb(255, 255, 255)');
    await auto.page.context().close();
  }, 60_000);

  it('has an audit that does find a violation in the widget: an unlabeled button', async () => {
    const { page } = await openHostPage(browser, tandem.url);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.evaluate(() => {
      const planted = document.createElement('button');
      planted.className = 'planted';
      document.querySelector('tandem-chat')!.shadowRoot!.querySelector('.root')!.appendChild(planted);
    });
    const findings = await seriousViolations(page, ['tandem-chat']);
    expect(findings).toContainEqual(expect.objectContaining({ id: 'button-name', targets: [expect.stringContaining('.planted')] }));
    await page.context().close();
  });

  it('fills a 375×667 phone screen with the panel, the composer in view and nothing to scroll sideways', async () => {
    const { page } = await openHostPage(browser, tandem.url, {
      context: { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    const button = (await launcher.boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(375);
    expect(button.y + button.height).toBeLessThanOrEqual(667);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await launcher.tap();
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('Where is my refund?');
    await page.getByRole('button', { name: 'Send' }).tap();
    await page.getByText('From our help article "Refunds', { exact: false }).waitFor(WAIT);

    expect(await page.getByRole('dialog').boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    for (const control of [message, page.getByRole('button', { name: 'Send' }), page.getByRole('button', { name: 'Talk to a person' })]) {
      const box = (await control.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(667);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
    }
    // 16 px in the textbox: iOS zooms into smaller text on focus.
    expect(await styleIn(page, '.composer textarea', 'font-size')).toBe('16px');
    const sideways = await page.evaluate(() =>
      [...document.querySelector('tandem-chat')!.shadowRoot!.querySelectorAll<HTMLElement>('.panel, .scroll, .footer, .header')].map(
        (el) => el.scrollWidth - el.clientWidth,
      ),
    );
    expect(sideways).toEqual([0, 0, 0, 0]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, 'widget-mobile.png') });
    expect(await seriousViolations(page, ['tandem-chat'])).toEqual([]);
    await page.context().close();
  });

  it('moves nothing when the system asks for reduced motion', async () => {
    const moving = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    expect(await styleIn(moving.page, '.launcher', 'transition-duration')).toBe('0.15s');
    await moving.page.context().close();

    const { page } = await openHostPage(browser, tandem.url, { data: { preload: 'none' }, context: { reducedMotion: 'reduce' } });
    await page.route(/\/widget-app\.js(\?|$)/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    expect(await styleIn(page, '.launcher', 'transition-duration')).toBe('0s');
    await launcher.click();
    // The busy ring stands still.
    expect(await launcher.getAttribute('aria-busy')).toBe('true');
    expect(await styleIn(page, '.launcher', 'animation-name', '::after')).toBe('none');
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    // The panel appears without sliding in; typing dots do not blink.
    expect(await styleIn(page, '.panel', 'animation-name')).toBe('none');
    const stillAnimated = await page.evaluate(() =>
      [...document.querySelector('tandem-chat')!.shadowRoot!.querySelectorAll('*')].filter((el) => getComputedStyle(el).animationName !== 'none').length,
    );
    expect(stillAnimated).toBe(0);
    await page.context().close();
  });
});
