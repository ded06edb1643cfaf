// The handoff brief in real Chromium, read through accessible names: a customer reports a card fraud over the
// real customer protocol, triage sends it to a person at once (the AI never acts on fraud), and the agent who
// accepts it reads the "Handoff summary" in parts: what the customer wants, that they are not verified, that
// the assistant did nothing yet, why it came to a person, the signals and a suggested next step, with the
// transcript still in view on a 1280×800 screen.
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { StatePayload } from '../../shared/protocol.ts';
import { browserSuite, chromiumAvailable, openWatchedPage, SCREENSHOTS } from '../support/browser.ts';
import { ADMIN, connectCustomer, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';

const FRAUD_REPORT = "Someone used my card for a purchase I didn't make, I need help now";
const VIEWPORT_HEIGHT = 800;
const runs = chromiumAvailable();

describe.runIf(runs)('the handoff brief in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const sockets: Socket[] = [];
  const cspViolations: string[] = [];

  browserSuite((suite) => ({ tandem, browser } = suite), { sockets });

  /** The term → definition pairs of the brief's description list, as the accessibility tree has them. */
  async function parts(scope: Locator): Promise<Record<string, string>> {
    const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
    const terms = await scope.getByRole('term').allTextContents();
    const definitions = await scope.getByRole('definition').allTextContents();
    expect(definitions).toHaveLength(terms.length);
    return Object.fromEntries(terms.map((term, i) => [flat(term), flat(definitions[i] ?? '')]));
  }

  /** Where an element ends on screen, in CSS pixels from the top. */
  async function bottomOf(locator: Locator): Promise<number> {
    const box = await locator.boundingBox();
    if (!box) throw new Error('not on screen');
    return box.y + box.height;
  }

  it('shows the agent what the customer wants, why a person and what to do first', async () => {
    // The customer writes over the real protocol; fraud goes to people at once, so no AI flow is involved.
    const customer = connectCustomer(tandem.url);
    sockets.push(customer);
    await nextEvent(customer, 'session');
    const queued = nextEvent<StatePayload>(customer, 'state', (s) => s.state === 'queued');
    customer.emit('message', { clientId: 'fraud-1', text: FRAUD_REPORT }, () => {});
    await queued;

    const agent = await openWatchedPage(browser, `${tandem.url}/console/`, 'console', cspViolations, VIEWPORT_HEIGHT);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const waiting = agent.getByRole('list', { name: 'Queue' }).getByRole('listitem').filter({ hasText: FRAUD_REPORT });
    await waiting.getByRole('button', { name: 'Accept' }).click();

    const summary = agent.getByRole('region', { name: 'Handoff summary' });
    await summary.waitFor();
    // The brief's parts (an older server sends only the plain-text summary, which has no parts).
    await summary.getByRole('term').first().waitFor({ timeout: 10_000 });
    const brief = await parts(summary);

    // Wants: the customer's own words, or what triage made of them.
    expect(brief.Wants).toMatch(/someone used my card|purchase I didn't make|fraud/i);
    expect(brief.Customer).toBe('Not verified');

    // What the assistant did: nothing, the AI never touched a fraud report.
    expect(brief['What the assistant did']).toBe('Nothing yet.');
    expect(await summary.getByRole('list', { name: 'What the assistant did' }).getByRole('listitem').count()).toBe(0);

    // Why a person: at least one reason, as a list.
    const reasons = summary.getByRole('list', { name: 'Why a person' }).getByRole('listitem');
    expect(await reasons.count()).toBeGreaterThanOrEqual(1);
    for (const reason of await reasons.allInnerTexts()) expect(reason.trim()).not.toBe('');

    // Suggested next step: some text to act on.
    expect(brief['Suggested next step']).toBeTruthy();
    expect(brief['Suggested next step']!.length).toBeGreaterThan(3);

    // Triage's own panel is still beside it, and the transcript is still on screen between them and the Reply
    // box: the latest entry in full, in a view of a few lines at least.
    await agent.getByRole('region', { name: 'Triage' }).waitFor();
    const entries = agent.getByRole('list', { name: 'Transcript' }).getByRole('listitem');
    await entries.filter({ hasText: FRAUD_REPORT }).waitFor();
    const briefingBottom = Math.max(...(await Promise.all([summary, agent.getByRole('region', { name: 'Triage' })].map(bottomOf))));
    const replyTop = (await agent.getByRole('textbox', { name: 'Reply' }).boundingBox())!.y;
    expect(replyTop).toBeLessThanOrEqual(VIEWPORT_HEIGHT);
    expect(replyTop - briefingBottom).toBeGreaterThanOrEqual(120);
    const latest = (await entries.last().boundingBox())!;
    expect(latest.y).toBeGreaterThanOrEqual(briefingBottom);
    expect(latest.y + latest.height).toBeLessThanOrEqual(replyTop);

    await agent.screenshot({ path: join(SCREENSHOTS, 'console-handoff.png') });
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
