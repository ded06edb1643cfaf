// The assistant resolving routine requests through the demo merchant, in real Chromium, read through
// accessible names (../shared/CONTRACT.md section 7):
// a) a refund inside the 30-day window: the visitor finds what to type on the demo page, the assistant checks
//    who they are, proposes the refund and makes it only after "yes";
// b) a refund outside the window: the assistant explains the rule and offers a person, "yes" puts the customer
//    in the queue, and the agent who accepts reads in the "Handoff summary" who the customer is, what the
//    assistant did (verified, looked up, refused), why a person, and that an exception is theirs to decide.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMerchant } from '../../server/merchant/demo-merchant.ts';
import { chromiumAvailable, launchChromium, openWatchedPage, requireBuild, SCREENSHOTS } from '../support/browser.ts';
import { ADMIN, startTestTandem, type TestTandem } from '../support/tandem.ts';

const WAIT = { timeout: 10_000 };
const runs = chromiumAvailable();

describe.runIf(runs)('the assistant resolves routine requests in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;
  let merchant: DemoMerchant;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    requireBuild();
    tandem = await startTestTandem('sqlite');
    browser = await launchChromium();
    // The demo merchant (no TANDEM_MERCHANT_API): what the assistant did is checked in its books too.
    expect(tandem.merchant).toBeInstanceOf(DemoMerchant);
    merchant = tandem.merchant as DemoMerchant;
  });
  afterAll(async () => {
    await browser?.close();
    await tandem?.destroy();
  });

  /** The demo shop page with the chat open. */
  async function openChat(page: Page): Promise<{ messages: Locator; status: Locator }> {
    await page.getByRole('button', { name: 'Open chat' }).click();
    const messages = page.getByRole('log', { name: 'Messages' });
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent(), WAIT).toMatch(/our assistant answers at once/i);
    return { messages, status };
  }

  /** Write `text` in the widget and send it; it shows as the customer's stored message. */
  async function say(page: Page, text: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText(text, { exact: true }).last().waitFor(WAIT);
  }

  /** The term → definition pairs of the brief's description list, as the accessibility tree has them. */
  async function parts(scope: Locator): Promise<Record<string, string>> {
    const terms = await scope.getByRole('term').allTextContents();
    const definitions = await scope.getByRole('definition').allTextContents();
    expect(definitions).toHaveLength(terms.length);
    return Object.fromEntries(terms.map((term, i) => [flat(term), flat(definitions[i] ?? '')]));
  }

  it('shows what to try, then refunds an order inside the policy only after the customer says yes', async () => {
    const customer = await openWatchedPage(browser, `${tandem.url}/`, 'customer', cspViolations);

    // A visitor sees, without scrolling, what to type to try the assistant.
    const tryIt = customer.getByRole('region', { name: 'Try the assistant' });
    await tryIt.waitFor(WAIT);
    const suggestions = tryIt.getByRole('listitem');
    expect(await suggestions.count()).toBe(6);
    const listed = flat((await suggestions.allTextContents()).join(' | '));
    for (const words of ['Where is my order?', 'LP-10003, ana@example.com', 'I want a refund for LP-10001 (ana@example.com)', 'Did my payment go through? LP-20002, ben@example.com', 'I want a refund for LP-10002, my email is ana@example.com', 'Change my email', 'Someone used my card']) {
      expect(listed).toContain(words);
    }
    const heading = (await tryIt.getByRole('heading', { name: 'Try the assistant' }).boundingBox())!;
    expect(heading.y + heading.height).toBeLessThanOrEqual(800);
    await customer.screenshot({ path: join(SCREENSHOTS, 'demo-try-it.png') });

    const { messages, status } = await openChat(customer);
    await say(customer, 'I want a refund for order LP-10001');
    // The assistant knows the order from the message and asks only for what proves it is the customer's.
    await messages.getByText('And the email address you used for order LP-10001?', { exact: false }).waitFor(WAIT);
    await say(customer, 'ana@example.com');

    // It proposes the refund with the amount and the item, and has changed nothing yet.
    const question = 'Shall I refund 129.00 EUR for Wireless headphones (order LP-10001)?';
    await messages.getByText(question, { exact: false }).waitFor(WAIT);
    await expect.poll(() => status.textContent()).toMatch(/our assistant answers at once/i);
    expect(merchant.refunds()).toEqual([]);

    await say(customer, 'yes');
    const done = messages.getByText(/^Done: refund rf_\d+ of 129\.00 EUR for order LP-10001 has started\./);
    await done.waitFor(WAIT);
    expect(merchant.refunds()).toEqual([expect.objectContaining({ orderNumber: 'LP-10001', amount: 129, currency: 'EUR' })]);
    expect(await done.textContent()).toContain(merchant.refunds()[0]!.refundId);

    // The assistant finished it: the chat stays with the assistant, no one was called in.
    expect(await status.textContent()).toMatch(/our assistant answers at once/i);
    expect(await customer.getByRole('button', { name: 'Talk to a person' }).isVisible()).toBe(true);
    await customer.screenshot({ path: join(SCREENSHOTS, 'widget-refund.png') });
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('explains a refund outside the policy, hands it to a person on yes, and briefs the agent', async () => {
    const customer = await openWatchedPage(browser, `${tandem.url}/`, 'customer', cspViolations);
    const { messages, status } = await openChat(customer);

    await say(customer, 'I want a refund for LP-10002, my email is ana@example.com');
    const refusal = messages.getByText('Order LP-10002 was delivered 45 days ago, and refunds are possible within 30 days of delivery.', { exact: false });
    await refusal.waitFor(WAIT);
    // It does not pretend it can bend the rule, and offers a person in words a plain yes answers.
    expect(await refusal.textContent()).toMatch(/I cannot make an exception myself\. A person from our team can help with this: just say yes/);
    expect(await status.textContent()).toMatch(/our assistant answers at once/i);

    await say(customer, 'yes');
    await messages.getByText('I am bringing in a person from our team now.', { exact: false }).waitFor(WAIT);
    await expect.poll(() => status.textContent(), WAIT).toMatch(/you are number 1 in the queue for a person/i);
    expect(merchant.refunds().filter((r) => r.orderNumber === 'LP-10002')).toEqual([]);

    // The agent signs in and accepts it from the queue.
    const agent = await openWatchedPage(browser, `${tandem.url}/console/`, 'console', cspViolations);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const waiting = agent.getByRole('list', { name: 'Queue' }).getByRole('listitem').filter({ hasText: '“yes”' });
    await waiting.getByRole('button', { name: 'Accept' }).click(WAIT);
    await expect.poll(() => status.textContent(), WAIT).toMatch(/has joined the conversation/i);

    const summary = agent.getByRole('region', { name: 'Handoff summary' });
    await summary.getByRole('term').first().waitFor(WAIT);
    const brief = await parts(summary);

    expect(brief.Wants).toContain('I want a refund for LP-10002');
    // Who the customer proved to be: the name and email of the account the order belongs to.
    expect(brief.Customer).toContain('Ana Lindqvist');
    expect(brief.Customer).toContain('ana@example.com');
    expect(brief.Customer).toContain('Verified');

    // What the assistant did, in order: checked who it is, looked the order up, refused under the written rule.
    const steps = summary.getByRole('list', { name: 'What the assistant did' }).getByRole('listitem');
    const stepTexts = (await steps.allTextContents()).map(flat);
    expect(stepTexts).toHaveLength(3);
    expect(stepTexts[0]).toMatch(/^Verified:? Identity checked: Ana Lindqvist <ana@example\.com>, with order LP-10002\.$/);
    expect(stepTexts[1]).toMatch(/^Looked up:? Looked up order LP-10002: delivered on \d{4}-\d{2}-\d{2}\.$/);
    expect(stepTexts[2]).toMatch(/^Refused:? Declined a refund of order LP-10002: .*delivered 45 days ago.*within 30 days of delivery\.$/);

    // Why a person: the customer took up the assistant's offer.
    const reasons = (await summary.getByRole('list', { name: 'Why a person' }).getByRole('listitem').allTextContents()).map(flat);
    expect(reasons.some((reason) => /accepted the assistant's offer of a person/i.test(reason))).toBe(true);
    expect(brief.Signals).toBeTruthy();

    // The next step names the refusal and leaves the exception to the agent; the customer need not re-verify.
    expect(brief['Suggested next step']).toMatch(/delivered 45 days ago/);
    expect(brief['Suggested next step']).toMatch(/exception/i);
    expect(brief['Suggested next step']).not.toMatch(/verify the customer/i);

    // The transcript, the assistant's explanation included, is in view under the brief.
    await agent.getByRole('list', { name: 'Transcript' }).getByRole('listitem').filter({ hasText: 'delivered 45 days ago' }).first().waitFor(WAIT);
    await agent.screenshot({ path: join(SCREENSHOTS, 'console-handoff-refund.png') });
    expect(cspViolations).toEqual([]);
  }, 60_000);
});

function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
