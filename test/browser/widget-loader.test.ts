// The loader in real Chromium: dist/widget.js shows the launcher at once and fetches the full widget
// (dist/widget-app.js) only when the customer opens the chat, when the page is idle, or at once when a stored
// conversation is to be resumed; a click that comes first opens the chat as soon as it has arrived; the
// keyboard goes launcher → Message textbox → (Escape) → launcher. Read through CONTRACT.md section 7's names.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumAvailable } from '../support/browser.ts';
import { REPO_ROOT } from '../../server/app.ts';
import { type TestTandem } from '../support/tandem.ts';
import { openHostPage } from '../support/widget-host.ts';

const runs = chromiumAvailable();

/** The element focused inside the widget's shadow root, by its accessible name or tag. */
function focusedInWidget(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const host = document.querySelector('tandem-chat');
    if (!host || document.activeElement !== host) return null;
    const el = host.shadowRoot!.activeElement as HTMLElement | null;
    return el ? (el.getAttribute('aria-label') ?? el.tagName.toLowerCase()) : null;
  });
}

describe.runIf(runs)('the widget loader', () => {
  let tandem: TestTandem;
  let browser: Browser;

  browserSuite((suite) => ({ tandem, browser } = suite));

  it('shows the launcher without the full widget, and fetches it when the customer opens the chat', async () => {
    const { page, fullWidgetRequests, problems } = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    // Idle time passes (requestIdleCallback would have fired long since): nothing is fetched with preload off.
    await page.waitForTimeout(1500);
    expect(fullWidgetRequests).toHaveLength(0);
    expect(await page.evaluate(() => typeof (window as { io?: unknown }).io)).toBe('undefined');

    await launcher.click();
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.waitFor();
    expect(fullWidgetRequests).toHaveLength(1);
    expect(await message.isEnabled()).toBe(true);
    expect(await focusedInWidget(page)).toBe('Message');
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/our assistant answers at once/i);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fetches the full widget by itself once the page is idle', async () => {
    const { page, fullWidgetRequests, problems } = await openHostPage(browser, tandem.url);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await expect.poll(() => fullWidgetRequests.length, { timeout: 5_000 }).toBe(1);
    // Preloaded, it connects to nobody until the customer opens the chat: no conversation is started for a visitor who only browses.
    await page.waitForFunction(() => (document.querySelector('tandem-chat')?.shadowRoot?.querySelectorAll('.panel').length ?? 0) === 1);
    expect(await page.evaluate(() => localStorage.getItem('tandem:token'))).toBeNull();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(fullWidgetRequests).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows the launcher busy while the full widget arrives, then opens the chat the click asked for', async () => {
    const { page, fullWidgetRequests } = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    // A slow network: the full widget takes 800 ms.
    await page.route(/\/widget-app\.js(\?|$)/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.click();
    expect(await launcher.getAttribute('aria-busy')).toBe('true');
    expect(await page.getByRole('status').filter({ hasText: 'Loading chat…' }).count()).toBe(1);
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.waitFor();
    expect(await focusedInWidget(page)).toBe('Message');
    expect(await launcher.isHidden()).toBe(true);
    expect(fullWidgetRequests).toHaveLength(1);
    await page.context().close();
  });

  it('says so when the full widget cannot be fetched, and tries again on the next click', async () => {
    const { page } = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    let refuse = true;
    await page.route(/\/widget-app\.js(\?|$)/, (route) => (refuse ? route.abort('connectionrefused') : route.continue()));
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.click();
    await page.getByRole('status').filter({ hasText: 'The chat could not be loaded. Please try again.' }).waitFor();
    expect(await launcher.getAttribute('aria-busy')).toBeNull();
    refuse = false;
    await launcher.click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await page.context().close();
  });

  it('resumes a stored conversation after a reload at once, without waiting for a click or for idle time', async () => {
    const { page, fullWidgetRequests } = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Where is my refund?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('From our help article "Refunds', { exact: false }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Close chat' }).click();

    const before = fullWidgetRequests.length;
    await page.reload();
    // Fetched at once (preload is off, and no one clicked): the stored conversation is shown again on open.
    await expect.poll(() => fullWidgetRequests.length, { timeout: 5_000 }).toBe(before + 1);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText('Where is my refund?').waitFor();

    // Open at the reload: the panel comes back open by itself.
    await page.reload();
    await page.getByRole('log', { name: 'Messages' }).getByText('Where is my refund?').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('goes by keyboard: Tab to the launcher, Enter opens into the Message textbox, Escape closes back to the launcher', async () => {
    // Cold: the full widget is fetched on Enter, so focus must reach the textbox across the lazy load.
    const { page, fullWidgetRequests } = await openHostPage(browser, tandem.url, { data: { preload: 'none' } });
    // The page's last control, then Tab: the launcher comes after everything of the page.
    await page.getByRole('button', { name: 'Chat with us' }).focus();
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('Open chat');

    await page.keyboard.press('Enter');
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.waitFor();
    await expect.poll(() => focusedInWidget(page)).toBe('Message');
    expect(fullWidgetRequests).toHaveLength(1);
    await page.keyboard.type('Hello');

    await page.keyboard.press('Escape');
    await message.waitFor({ state: 'hidden' });
    expect(await focusedInWidget(page)).toBe('Open chat');

    // Again, now warm; the draft is kept.
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedInWidget(page)).toBe('Message');
    expect(await message.inputValue()).toBe('Hello');
    // "Close chat" by keyboard returns the focus the same way.
    await page.getByRole('button', { name: 'Close chat' }).focus();
    await page.keyboard.press('Enter');
    expect(await focusedInWidget(page)).toBe('Open chat');
    await page.context().close();
  });

  it('serves the full widget like the loader: to any origin, briefly cached', async () => {
    for (const path of ['/widget.js', '/widget-app.js']) {
      const response = await fetch(`${tandem.url}${path}`, { headers: { origin: 'https://elsewhere.example' } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/javascript/);
      expect(response.headers.get('cross-origin-resource-policy'), path).toBe('cross-origin');
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.get('cache-control'), path).toBe('public, max-age=300');
    }
    // The loader names the full widget by its content hash; that address is kept for a year, a stale hash is not.
    const loader = await (await fetch(`${tandem.url}/widget.js`)).text();
    const version = /widget-app\.js\?v=([0-9a-f]{12})/.exec(loader)?.[1];
    expect(version).toBe(createHash('sha256').update(readFileSync(join(REPO_ROOT, 'dist/widget-app.js'))).digest('hex').slice(0, 12));
    const current = await fetch(`${tandem.url}/widget-app.js?v=${version}`);
    expect(current.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stale = await fetch(`${tandem.url}/widget-app.js?v=000000000000`);
    expect(stale.headers.get('cache-control')).toBe('public, max-age=300');
  });
});
