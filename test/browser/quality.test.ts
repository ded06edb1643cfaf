// The Quality page in real Chromium, read through accessible names: three weeks of conversations go through
// the quality service as closed conversations' outcomes do (account status mostly answered by the AI, routine
// changes, billing disputes answered by people, a control group), then a run of account-status chats the AI
// handles badly (the customer ends far unhappier than they began). The alarms fire on the server; a team lead
// signs in, opens Quality, sees the alarm naming the type and the metric and that the type's AI went to shadow,
// reads the figures per type and the charts, acknowledges the alarm, sees another acknowledged elsewhere arrive
// over the socket, and switches the type's AI back on.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionType } from '../../shared/protocol.ts';
import type { Resolver } from '../../shared/quality.ts';
import type { InteractionOutcome } from '../../server/core/quality/outcome.ts';
import { chromiumAvailable, launchChromium, openWatchedPage, requireBuild, SCREENSHOTS } from '../support/browser.ts';
import { ADMIN, login, startTestTandem, type TestTandem } from '../support/tandem.ts';

const runs = chromiumAvailable();
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ACCOUNT_STATUS = 'Account / order status';

/** A small seeded generator, so every run sees the same conversations. */
function random(seed: number): { next: () => number; normal: (mean: number, sd: number) => number } {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

interface Sketch {
  type: InteractionType;
  resolver: Resolver;
  control?: boolean;
  ageMs: number;
  sentimentStart: number;
  sentimentChange: number;
  escalatedAfterAi?: boolean;
}

const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The conversations of three weeks: a healthy stretch, then the AI failing account-status customers. */
function sketches(): Sketch[] {
  const r = random(20250614);
  const out: Sketch[] = [];
  const healthy = (type: InteractionType, n: number, mix: [Resolver, number][], controlShare: number) => {
    for (let i = 0; i < n; i++) {
      const ageMs = 21 * DAY_MS * r.next() + 8 * HOUR_MS;
      if (r.next() < controlShare) {
        out.push({ type, resolver: 'person', control: true, ageMs, sentimentStart: r.normal(0, 0.3), sentimentChange: r.normal(0.25, 0.25) });
        continue;
      }
      let pick = r.next();
      const resolver = mix.find(([, share]) => (pick -= share) < 0)?.[0] ?? 'ai';
      out.push({
        type,
        resolver,
        ageMs,
        sentimentStart: r.normal(0, 0.3),
        sentimentChange: r.normal(resolver === 'ai' ? 0.2 : 0.1, 0.25),
        escalatedAfterAi: resolver === 'ai_then_person',
      });
    }
  };
  healthy('account_status', 820, [['ai', 0.82], ['ai_then_person', 0.1], ['person', 0.08]], 0.08);
  healthy('standard_change', 160, [['ai', 0.7], ['ai_then_person', 0.2], ['person', 0.1]], 0.08);
  healthy('billing_dispute', 100, [['person', 1]], 0);
  out.sort((a, b) => b.ageMs - a.ageMs);
  // The last hours: account-status chats the AI keeps go badly; some customers give up on it for a person.
  for (let i = 0; i < 40; i++) {
    const escalated = r.next() < 0.3;
    out.push({
      type: 'account_status',
      resolver: escalated ? 'ai_then_person' : 'ai',
      ageMs: 6 * HOUR_MS - i * 8 * 60_000,
      sentimentStart: r.normal(0.1, 0.2),
      sentimentChange: r.normal(-0.9, 0.2),
      escalatedAfterAi: escalated,
    });
  }
  return out;
}

/** The outcome of a closed conversation with these signals, as outcomeOf would read it from the log. */
function closedOutcome(s: Sketch, conversationId: string, now: number, r: ReturnType<typeof random>): InteractionOutcome {
  const start = clamp(s.sentimentStart, -1, 1);
  const end = clamp(start + s.sentimentChange, -1, 1);
  const withPerson = s.resolver !== 'ai';
  const closedAt = now - s.ageMs;
  const rated = r.next() < 0.15;
  const csat = rated ? clamp(Math.round(4.1 + 0.9 * end + 0.5 * (end - start) + r.normal(0, 0.6)), 1, 5) : null;
  const recent = s.ageMs < 7 * DAY_MS;
  return {
    conversationId,
    type: s.type,
    predictedType: s.type,
    correctedType: null,
    resolver: s.resolver,
    escalated: withPerson,
    escalationTrigger: s.control ? 'control' : withPerson ? 'customer_button' : null,
    escalationReason: s.control ? 'control group' : withPerson ? 'the customer asked for a person' : null,
    escalatedAfterAi: s.escalatedAfterAi ?? false,
    control: s.control ?? false,
    sentimentStart: round3(start),
    sentimentEnd: round3(end),
    sentimentChange: round3(end - start),
    customerTurns: 2 + Math.floor(r.next() * 4),
    // Novel questions grow in the last week (drift).
    novelTurns: r.next() < (recent ? 0.12 : 0.03) ? 1 : 0,
    firstAnswerSeconds: 2,
    toPersonSeconds: withPerson ? Math.round(30 + r.next() * 300) : null,
    abandoned: false,
    csat,
    csatComment: null,
    disposition: withPerson ? 'resolved' : null,
    repeatsToPerson: s.resolver === 'ai_then_person' && r.next() < 0.2 ? 1 : 0,
    recontact: recent ? null : r.next() < (s.resolver === 'ai' ? 0.06 : 0.04),
    customerKey: null,
    predictedCsat: null,
    openedAt: new Date(closedAt - 6 * 60_000).toISOString(),
    closedAt: new Date(closedAt).toISOString(),
  };
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.runIf(runs)('the Quality page in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    requireBuild();
    tandem = await startTestTandem('sqlite', undefined, { TANDEM_CONTROL_SHARE: '0.08' });
    browser = await launchChromium();
    const now = Date.now();
    const r = random(7);
    // Each outcome belongs to a stored conversation, as a closed one's does.
    for (const sketch of sketches()) {
      const { conversation } = await tandem.desk.openConversation();
      await tandem.quality.ingest(closedOutcome(sketch, conversation.id, now, r));
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await tandem?.destroy();
  });

  it('shows a lead the alarm, the figures and the charts, and lets them acknowledge it and turn the AI back on', async () => {
    const report = await tandem.quality.report();
    const fired = report.alarms.filter((a) => a.type === 'account_status');
    expect(fired.length, 'the degraded account-status run raised an alarm').toBeGreaterThan(0);
    expect(report.policy.account_status.ai).toBe('shadow');

    const page = await openWatchedPage(browser, `${tandem.url}/console/`, 'console', cspViolations, 1000);
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Console pages' });
    await expect.poll(() => nav.getByRole('link', { name: 'Chats' }).getAttribute('aria-current')).toBe('page');
    await nav.getByRole('link', { name: 'Quality' }).click();
    expect(new URL(page.url()).pathname).toBe('/console/quality');
    expect(await nav.getByRole('link', { name: 'Quality' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('heading', { name: 'Quality', level: 2 }).waitFor();

    // Alarms come first and name the type, the metric, and what was done to the type's AI.
    const alarms = page.getByRole('list', { name: 'Alarms' });
    await alarms.waitFor();
    const items = alarms.getByRole('listitem');
    expect(await items.count()).toBe(report.alarms.length);
    const first = items.first();
    await expect.poll(() => first.textContent()).toContain(ACCOUNT_STATUS);
    expect(await first.textContent()).toMatch(/predicted satisfaction|sentiment change|escalations after an AI answer/);
    expect(await alarms.getByText('AI switched to shadow').count()).toBe(1);
    // The policy says why account status is in shadow although configured on.
    const policy = page.getByRole('list', { name: 'AI per type' }).getByRole('listitem').filter({ hasText: ACCOUNT_STATUS });
    expect(await policy.textContent()).toMatch(/AI shadow.*Configured: on\..*alarm on/);

    // The table per type: the figures of the 7-day window, the AI beside people.
    const table = page.getByRole('table', { name: 'Per type' });
    const week = report.windows.find((w) => w.name === '7d')!.byType.account_status;
    const accountRows = table.getByRole('rowgroup').filter({ has: page.getByRole('rowheader', { name: ACCOUNT_STATUS }) });
    const total = accountRows.getByRole('row').first();
    expect(await total.getByRole('cell').first().textContent()).toBe(week.all.interactions.toLocaleString('en-US'));
    expect(await total.getByRole('cell').nth(3).textContent()).toBe(week.all.predictedCsatMean!.toFixed(1));
    await accountRows.getByRole('rowheader', { name: 'AI alone' }).waitFor();
    await accountRows.getByRole('rowheader', { name: 'People' }).waitFor();
    await page.getByRole('radio', { name: '28 days' }).check();
    const month = report.windows.find((w) => w.name === '28d')!.byType.account_status.all.interactions;
    await expect.poll(() => total.getByRole('cell').first().textContent()).toBe(month.toLocaleString('en-US'));
    await page.getByRole('radio', { name: '7 days' }).check();

    // The charts for account status: a canvas drawn in each named figure, a table of its figures underneath.
    await page.getByLabel('Type', { exact: true }).selectOption('account_status');
    const satisfaction = page.getByRole('figure', { name: /^Predicted satisfaction per day/ });
    await satisfaction.scrollIntoViewIfNeeded();
    const canvas = satisfaction.locator('canvas');
    await canvas.waitFor();
    expect((await canvas.boundingBox())!.width).toBeGreaterThan(200);
    await page.getByRole('figure', { name: /^Escalation rate per day/ }).locator('canvas').waitFor();
    const figures = satisfaction.getByText('Figures as a table');
    await figures.click();
    const asTable = satisfaction.getByRole('table', { name: /^Predicted satisfaction per day/ });
    expect(await asTable.getByRole('row').count()).toBe(report.series.days.length + 1);
    await figures.click();
    await page.getByText(/^Mean error$/).waitFor();

    await page.getByRole('heading', { name: 'Quality', level: 2 }).scrollIntoViewIfNeeded();
    await screenshotWholePage(page, join(SCREENSHOTS, 'console-quality.png'));

    // Acknowledge the first alarm: its button goes, and it says who acknowledged it.
    await first.getByRole('button', { name: 'Acknowledge' }).click();
    const acknowledged = items.filter({ hasText: /Acknowledged by/ });
    await expect.poll(() => acknowledged.count()).toBe(1);
    expect(await acknowledged.first().getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect((await tandem.quality.report()).alarms.filter((a) => a.acknowledgedAt).length).toBe(1);

    // An alarm acknowledged elsewhere (another lead's console) arrives over the socket, no reload needed.
    const { token } = await login(tandem.url);
    for (const alarm of (await tandem.quality.report()).alarms.filter((a) => !a.acknowledgedAt)) {
      const res = await fetch(`${tandem.url}/api/quality/alarms/${alarm.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    await expect.poll(() => alarms.getByRole('button', { name: 'Acknowledge' }).count(), { timeout: 5_000 }).toBe(0);

    // The lead turns the AI for account status back on.
    await policy.getByLabel(`AI for ${ACCOUNT_STATUS}`).selectOption('on');
    await policy.getByRole('button', { name: `Apply to ${ACCOUNT_STATUS}` }).click();
    await expect.poll(() => policy.textContent()).toMatch(/^Account \/ order statusAI on/);
    expect(await policy.textContent()).not.toContain('Configured');
    expect(tandem.quality.policy().account_status.ai).toBe('on');

    // A reload stays on the page.
    await page.reload();
    await page.getByRole('heading', { name: 'Quality', level: 2 }).waitFor();
    await page.getByRole('list', { name: 'Alarms' }).waitFor();

    expect(cspViolations).toEqual([]);
  }, 90_000);
});

/** The whole page in one picture: the viewport grown to the page's scrolling height for the shot. */
async function screenshotWholePage(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => {
    const main = document.querySelector('.quality');
    return document.documentElement.clientHeight + (main ? main.scrollHeight - main.clientHeight : 0);
  });
  await page.setViewportSize({ width: viewport.width, height: Math.ceil(height) });
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
}
