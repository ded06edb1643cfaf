// Triage in real Chromium, driven by accessible names: a customer reports a card fraud in the demo page's
// widget without asking for a person; triage queues them for one at once, and the agent's console shows the
// chat as Fraud / security, urgent, with the customer's mood, its course and the reasons, before and after
// accepting it.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Message, StatePayload } from '../../shared/protocol.ts';
import { browserSuite, chromiumAvailable, openWatchedPage, SCREENSHOTS } from '../support/browser.ts';
import { ADMIN, connectCustomer, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';

const FRAUD_REPORT = "Someone used my card for a purchase I didn't make, 349 EUR at an electronics shop!";
const runs = chromiumAvailable();

describe.runIf(runs)('triage in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const sockets: Socket[] = [];
  const cspViolations: string[] = [];

  browserSuite((suite) => ({ tandem, browser } = suite), { sockets });

  // Both pages run under a strict CSP (no inline styles or scripts): what triage adds must work within it.
  const openPage = (path: string, name: string, height = 800): Promise<Page> =>
    openWatchedPage(browser, `${tandem.url}${path}`, name, cspViolations, height);

  /** A customer who writes `turns` over a socket, each after the AI's answer, until triage queues them. */
  async function queuedCustomer(turns: string[]): Promise<void> {
    const socket = connectCustomer(tandem.url);
    sockets.push(socket);
    await nextEvent(socket, 'session');
    const queued = nextEvent<StatePayload>(socket, 'state', (s) => s.state === 'queued');
    for (const [i, text] of turns.entries()) {
      const last = i === turns.length - 1;
      const answered = last ? null : nextEvent<Message>(socket, 'message', (m) => m.from === 'ai');
      socket.emit('message', { clientId: `turn-${i}`, text }, () => {});
      await answered;
    }
    await queued;
  }

  /** The term → definition pairs of a description list, as the accessibility tree has them. */
  async function signals(scope: Locator): Promise<Record<string, string>> {
    const terms = await scope.getByRole('term').allInnerTexts();
    const definitions = await scope.getByRole('definition').allInnerTexts();
    return Object.fromEntries(terms.map((term, i) => [term.trim(), (definitions[i] ?? '').replace(/\s+/g, ' ').trim()]));
  }

  /** What a queued chat's headline reads, words for screen readers included: "Urgent priority, Fraud / security". */
  async function headline(item: Locator): Promise<string> {
    const text = await item.getByRole('paragraph').filter({ hasText: / priority, / }).textContent();
    return (text ?? '').replace(/\s+/g, ' ').trim();
  }

  it('a fraud report reaches a person as urgent, and the agent sees why', async () => {
    // Others already waiting, so the queue shows triage's order and a mood that changed over the turns.
    await queuedCustomer(["I lost my job and I can't pay my instalment this month, I'm desperate and don't know what to do"]);
    await queuedCustomer(["Hi, I'd like to change my delivery address", "No, that doesn't help at all, this is really annoying"]);

    // The customer reports the fraud and never presses "Talk to a person".
    const customer = await openPage('/', 'customer');
    await customer.getByRole('button', { name: 'Open chat' }).click();
    await customer.getByRole('textbox', { name: 'Message' }).fill(FRAUD_REPORT);
    await customer.getByRole('button', { name: 'Send' }).click();
    const status = customer.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/in the queue for a person/i);
    await customer.getByText(/a person from our security team is taking over/i).waitFor();

    // The agent's queue: the fraud report first, as Fraud / security, urgent, with its reasons.
    const agent = await openPage('/console/', 'console', 1080); // tall enough to show the whole queue
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill(ADMIN.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const queue = agent.getByRole('list', { name: 'Queue' });
    const waiting = queue.getByRole('listitem').filter({ hasText: FRAUD_REPORT });
    await waiting.getByRole('button', { name: 'Accept' }).waitFor();
    await expect.poll(() => queue.getByRole('button', { name: 'Accept' }).count()).toBe(3);
    const first = queue.getByRole('listitem').filter({ has: agent.getByRole('button', { name: 'Accept' }) }).first();
    expect(await first.textContent()).toContain(FRAUD_REPORT);

    expect(await headline(waiting)).toBe('Urgent priority, Fraud / security');
    const inQueue = await signals(waiting);
    expect(inQueue.Mood).toMatch(/^(calm|frustrated|distressed)$/);
    const reasons = waiting.getByRole('list', { name: 'Reasons' }).getByRole('listitem');
    expect(await reasons.count()).toBeGreaterThanOrEqual(1);
    expect(await reasons.allInnerTexts()).toContain('fraud and security go to a person at once');
    await waiting.getByRole('img', { name: /^Sentiment: / }).waitFor();

    // The customer whose mood fell over two turns: their sparkline says so in words.
    const annoyed = queue.getByRole('listitem').filter({ hasText: 'this is really annoying' });
    await annoyed.getByRole('img', { name: /^Sentiment: .+ → .+, falling \(2 turns\)$/ }).waitFor();
    expect(await signals(annoyed)).toMatchObject({ Mood: 'frustrated' });
    expect(await headline(annoyed)).toMatch(/^Normal priority, /);
    const desperate = queue.getByRole('listitem').filter({ hasText: 'I lost my job' });
    expect(await signals(desperate)).toMatchObject({ Mood: 'distressed' });
    expect(await headline(desperate)).toMatch(/^High priority, /);

    await agent.screenshot({ path: join(SCREENSHOTS, 'console-triage.png') });

    // Accepted: the same signals at the top of the conversation, beside the handoff summary.
    await waiting.getByRole('button', { name: 'Accept' }).click();
    const triage = agent.getByRole('region', { name: 'Triage' });
    await triage.waitFor();
    await agent.getByRole('region', { name: 'Handoff summary' }).waitFor();
    const opened = await signals(triage);
    expect(opened).toMatchObject({ Type: 'Fraud / security', Mood: inQueue.Mood });
    expect(opened.Priority).toMatch(/^urgent$/i);
    expect(await triage.getByRole('list', { name: 'Reasons' }).getByRole('listitem').allInnerTexts()).toContain(
      'fraud and security go to a person at once',
    );
    await triage.getByRole('img', { name: /^Sentiment: / }).waitFor();
    await agent.getByRole('tab', { name: /urgent/i }).waitFor();
    await expect.poll(() => status.textContent()).toMatch(/joined/i);
    await expect.poll(() => queue.getByRole('button', { name: 'Accept' }).count()).toBe(2);

    expect(cspViolations).toEqual([]);
  }, 90_000);
});
