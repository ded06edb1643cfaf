// The whole story in real Chromium, driven by the accessible names of ../shared/CONTRACT.md section 7:
// customer → AI answer → reload resumes → "Talk to a person" → agent accepts in the console → messages both
// ways with typing → agent closes → customer rates 4 stars → the rating is stored.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumAvailable, openWatchedPage, SCREENSHOTS } from '../support/browser.ts';
import { ADMIN, type TestTandem } from '../support/tandem.ts';

const runs = chromiumAvailable();

describe.runIf(runs)('the whole story in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;

  browserSuite((suite) => ({ tandem, browser } = suite));

  const cspViolations: string[] = [];

  // The demo page runs under a strict CSP (no inline styles or scripts): the widget must work within it.
  const customerPage = (): Promise<Page> => openWatchedPage(browser, `${tandem.url}/`, 'customer', cspViolations);

  it('goes from the AI to a person and ends with a stored 4-star rating', async () => {
    const customer = await customerPage();
    await customer.getByRole('button', { name: 'Open chat' }).click();
    const message = customer.getByRole('textbox', { name: 'Message' });
    await message.fill('Where is my refund?');
    await customer.getByRole('button', { name: 'Send' }).click();
    await customer.getByText('From our help article "Refunds', { exact: false }).waitFor();

    // A reload mid-conversation resumes the same conversation with its whole history.
    await customer.reload();
    await customer.getByText('Where is my refund?').waitFor();
    await customer.getByText('From our help article "Refunds', { exact: false }).waitFor();

    await customer.getByRole('button', { name: 'Talk to a person' }).click();
    const status = customer.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/number 1 in the queue/i);
    await customer.screenshot({ path: join(SCREENSHOTS, 'widget.png') });

    // The agent signs in, sees the queue live and accepts.
    const agent = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    agent.on('pageerror', (error) => console.error('console page error:', error));
    await agent.goto(`${tandem.url}/console/`);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const waiting = agent.getByRole('list', { name: 'Queue' }).getByRole('listitem').filter({ hasText: 'Where is my refund?' });
    await waiting.getByRole('button', { name: 'Accept' }).click();

    // The whole transcript, AI part included, and the customer is told who joined.
    await agent.getByText('From our help article "Refunds', { exact: false }).first().waitFor();
    await expect.poll(() => status.textContent()).toMatch(/joined/i);

    // Typing indicators and messages both ways.
    await customer.getByRole('textbox', { name: 'Message' }).pressSequentially('Thanks');
    await agent.getByText(/customer is typing/i).waitFor();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Hi, I am checking your refund now.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await customer.getByText('Hi, I am checking your refund now.').waitFor();
    await customer.getByRole('textbox', { name: 'Message' }).fill('Thanks, it is order 1042.');
    await customer.getByRole('button', { name: 'Send' }).click();
    await agent.getByText('Thanks, it is order 1042.').waitFor();
    await agent.screenshot({ path: join(SCREENSHOTS, 'console.png') });

    // The agent closes; the customer rates 4 stars with a comment; it is stored.
    await agent.getByRole('button', { name: 'Close conversation' }).click();
    await customer.getByRole('button', { name: '4 stars' }).click();
    await customer.getByRole('textbox', { name: 'Comment (optional)' }).fill('Quick and friendly');
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await customer.getByText(/thank you for your rating/i).waitFor();
    await customer.screenshot({ path: join(SCREENSHOTS, 'widget-rated.png') });

    const rated = await tandem.store.db.selectFrom('conversations').select(['csat_score', 'csat_comment', 'state']).where('csat_score', 'is not', null).execute();
    expect(rated).toEqual([{ csat_score: 4, csat_comment: 'Quick and friendly', state: 'closed' }]);
    await agent.getByText(/rated 4\/5/i).waitFor();
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
