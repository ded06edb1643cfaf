// The console shell in real Chromium, by accessible names: two chats side by side with their briefs on top,
// the tab's title and icon counting a customer's words in a chat the agent is not looking at, desktop
// notifications asked for with a button (never on load) and shown for a new assignment, the keyboard shortcuts
// (accept, next chat, send, close) and their help dialog; then the Admin page: an invite link that a second
// browser opens to set a password and land signed in, skills and capacity reaching the invitee's header live,
// the per-type policy's mode, priority and target; an axe audit of each screen with no serious finding.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Message, SessionPayload, StatePayload } from '../../shared/protocol.ts';
import { seriousViolations } from '../support/axe.ts';
import { browserSuite, chromiumAvailable, SCREENSHOTS } from '../support/browser.ts';
import { ADMIN, connectAgent, connectCustomer, login, send, type TestTandem } from '../support/tandem.ts';
import { eventually, nextEvent } from '../support/waiting.ts';

const runs = chromiumAvailable();

/** Records every desktop notification the page makes (the real one still runs). */
const RECORD_NOTIFICATIONS = `
  window.__notifications = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options && options.body });
    }
  };
  // Every tone the console plays, by its pitch (Hz), when it starts.
  window.__tones = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__tones.push(this.frequency.value);
    return start.apply(this, args);
  };
`;

describe.runIf(runs)('the console shell in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const sockets: Socket[] = [];

  browserSuite((suite) => ({ tandem, browser } = suite), { sockets });

  /** A customer whose words send them to a person; resolves once they wait in the queue. */
  async function waitingCustomer(text: string): Promise<{ socket: Socket; id: string }> {
    const socket = connectCustomer(tandem.url);
    sockets.push(socket);
    const session = await nextEvent<SessionPayload>(socket, 'session');
    expect(await send(socket, 'message', { clientId: `c-${Math.random()}`, text })).toMatchObject({ ok: true });
    await eventually(async () => ((await tandem.store.findConversation(session.conversationId))?.state === 'queued' ? true : undefined));
    return { socket, id: session.conversationId };
  }

  async function signIn(page: Page, credentials = ADMIN): Promise<void> {
    await page.goto(`${tandem.url}/console/`);
    await page.getByLabel('Email').fill(credentials.email);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
  }

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('console page error:', error));
    return page;
  }

  it('holds two chats side by side, counts what waits in the tab, notifies, and works by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(RECORD_NOTIFICATIONS);
    const page = await newPage(context);
    await page.goto(`${tandem.url}/console/`);
    expect(await seriousViolations(page)).toEqual([]);
    await signIn(page);
    // Nothing is asked on load: the button asks.
    const askButton = page.getByRole('button', { name: 'Turn on notifications' });
    await askButton.waitFor();
    expect(await page.evaluate(() => Notification.permission)).toBe('default');

    const refund = await waitingCustomer('Charged twice for order LP-10003, I want to dispute the second charge');
    const parcel = await waitingCustomer('Parcel never arrived and tracking has not moved for a week, I want to talk to a person');
    const queue = page.getByRole('list', { name: 'Queue' });
    await expect.poll(() => queue.getByRole('button', { name: 'Accept' }).count()).toBe(2);
    // Two chats wait that this agent may take: the tab says so.
    await expect.poll(() => page.title()).toBe('(2) Tandem console');
    const firstAccept = queue.getByRole('button', { name: 'Accept' }).first();
    expect(await firstAccept.getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+A');

    // Accept both by keyboard.
    await page.keyboard.press('Alt+Shift+A');
    await page.getByRole('tab', { name: /Charged twice/ }).waitFor();
    await page.keyboard.press('Alt+Shift+A');
    await page.getByRole('tab', { name: /Parcel never arrived/ }).waitFor();
    await expect.poll(() => queue.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    await expect.poll(() => page.title()).toBe('Tandem console');

    // Side by side: both transcripts and both briefs in view, at 1280×800 and at 1600×900.
    await page.getByRole('button', { name: 'Side by side' }).click();
    expect(await page.getByRole('button', { name: 'Side by side' }).getAttribute('aria-pressed')).toBe('true');
    const refundColumn = page.getByRole('region', { name: /Charged twice/ });
    const parcelColumn = page.getByRole('region', { name: /Parcel never arrived/ });
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1600, height: 900 },
    ]) {
      await page.setViewportSize(size);
      for (const column of [refundColumn, parcelColumn]) {
        for (const part of [column.getByRole('list', { name: 'Transcript' }), column.getByRole('region', { name: 'Handoff summary' }), column.getByRole('textbox', { name: 'Reply' })]) {
          const box = (await part.boundingBox())!;
          expect(box.width).toBeGreaterThan(250);
          expect(box.x + box.width).toBeLessThanOrEqual(size.width);
          expect(box.y + Math.min(box.height, 40)).toBeLessThanOrEqual(size.height);
        }
      }
    }
    await parcelColumn.getByRole('list', { name: 'Transcript' }).getByText('tracking has not moved for a week').waitFor();
    await refundColumn.getByRole('list', { name: 'Transcript' }).getByText('dispute the second charge').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The agent works in the refund chat; the parcel customer writes: the tab counts it, and the icon too.
    await refundColumn.getByRole('textbox', { name: 'Reply' }).click();
    const iconBefore = await page.locator('link[rel="icon"]').getAttribute('href');
    await send(parcel.socket, 'message', { clientId: 'p-2', text: 'Are you still there?' });
    await expect.poll(() => page.title()).toBe('(1) Tandem console');
    expect(await page.locator('link[rel="icon"]').getAttribute('data-count')).toBe('1');
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).not.toBe(iconBefore);
    await parcelColumn.getByText('1 unread').waitFor();

    // Next chat moves to the parcel chat (read now) and into its Reply box; send by shortcut.
    await page.keyboard.press('Alt+Shift+N');
    await expect.poll(() => page.title()).toBe('Tandem console');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`reply-${parcel.id}`);
    await page.keyboard.type('Yes, I am here. Let me look at the tracking.');
    const heard = nextEvent<Message>(parcel.socket, 'message', (m) => m.from === 'agent');
    await page.keyboard.press('Alt+Shift+S');
    expect((await heard).text).toBe('Yes, I am here. Let me look at the tracking.');
    await parcelColumn.getByRole('list', { name: 'Transcript' }).getByText('Yes, I am here.', { exact: false }).waitFor();
    await send(refund.socket, 'message', { clientId: 'r-2', text: 'The second charge was on 3 March, 49.90 €.' });
    await refundColumn.getByText('1 unread').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-side-by-side.png') });
    expect(await parcelColumn.getByRole('button', { name: 'Send' }).getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+S');

    // "?" while typing is a question mark; outside the box it opens the shortcuts.
    await page.keyboard.type('?');
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(0);
    await page.keyboard.press('Backspace');
    await page.getByRole('heading', { name: 'Open conversations' }).click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const keys of ['Alt', 'Shift', 'A', 'N', 'S', 'C']) await help.getByText(keys, { exact: true }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);

    // Close by shortcut, with the disposition chosen beside the button.
    expect(await parcelColumn.getByRole('button', { name: 'Close conversation' }).getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+C');
    await parcelColumn.getByRole('combobox', { name: 'Disposition' }).selectOption({ label: 'Customer left' });
    await page.getByRole('heading', { name: 'Open conversations' }).click();
    const parcelClosed = nextEvent<StatePayload>(parcel.socket, 'state', (s) => s.state === 'closed');
    await page.keyboard.press('Alt+Shift+C');
    await parcelClosed;
    await parcelColumn.getByText('This conversation is closed.').waitFor();
    const closedAs = await tandem.store.db.selectFrom('conversation_events').select('data').where('kind', '=', 'closed').where('conversation_id', '=', parcel.id).execute();
    expect(closedAs.map((row) => JSON.parse(row.data ?? '{}'))).toEqual([{ by: 'agent', disposition: 'customer_left', label: 'account_status' }]);

    // Desktop notifications, once allowed: a chat assigned to this agent elsewhere (their other console) is news.
    await context.grantPermissions(['notifications']);
    await askButton.click();
    await expect.poll(() => askButton.count()).toBe(0);
    const third = await waitingCustomer('Someone changed my password and I did not do it');
    const otherConsole = connectAgent(tandem.url, (await login(tandem.url)).token);
    sockets.push(otherConsole);
    await nextEvent(otherConsole, 'queue');
    expect(await send(otherConsole, 'accept', { conversationId: third.id })).toMatchObject({ ok: true });
    await page.getByRole('region', { name: /changed my password/ }).waitFor();
    const shown = await eventually(() => page.evaluate(() => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications[0]));
    expect(shown.title).toBe('New chat: Fraud / security (urgent)');
    // …and a tone: two rising notes for a new chat. With the sound off, the next one is silent.
    const tones = () => page.evaluate(() => (window as unknown as { __tones: number[] }).__tones.slice());
    await expect.poll(tones).toEqual(expect.arrayContaining([660, 880]));
    const sound = page.getByRole('button', { name: /Sound/ });
    expect(await sound.getAttribute('aria-pressed')).toBe('true');
    await sound.click();
    expect(await sound.getAttribute('aria-pressed')).toBe('false');
    const heardBefore = (await tones()).length;
    const fourth = await waitingCustomer('My card was stolen and someone is using it right now');
    expect(await send(otherConsole, 'accept', { conversationId: fourth.id })).toMatchObject({ ok: true });
    await page.getByRole('region', { name: /card was stolen/ }).waitFor();
    expect((await tones()).length).toBe(heardBefore);

    // Four columns at 1600 px, each still readable; the audit finds nothing serious.
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Tabs' }).click();
    await page.getByRole('tab', { name: /Charged twice/ }).waitFor();
    await context.close();
  }, 120_000);
  it('lets an admin invite an agent by link, set their skills and capacity, and change the per-type policy', async () => {
    // A team: Kim (routine types, four at once, signed in once) and Noor (invited, not there yet).
    const lead = await login(tandem.url);
    const adminApi = (path: string, body: object) =>
      fetch(`${tandem.url}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${lead.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ inviteUrl: string }>,
      );
    const kim = await adminApi('/admin/agents', { email: 'kim@example.test', name: 'Kim Berg', role: 'agent', skills: ['account_status', 'standard_change'], capacity: 4 });
    await adminApi('/auth/invite', { token: new URL(kim.inviteUrl).hash.slice('#invite='.length), password: 'kim has a long password' });
    await adminApi('/admin/agents', { email: 'noor@example.test', name: 'Noor Haddad', role: 'admin' });

    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(adminContext);
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Console pages' });
    await nav.getByRole('link', { name: 'Quality' }).click();
    await page.getByRole('heading', { name: 'Quality', level: 2 }).waitFor();
    await page.getByRole('list', { name: 'AI per type' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await nav.getByRole('link', { name: 'Admin' }).click();
    expect(new URL(page.url()).pathname).toBe('/console/admin');
    await page.getByRole('heading', { name: 'Admin', level: 2 }).waitFor();
    const agents = page.getByRole('table', { name: 'Agents' });
    await agents.getByRole('rowheader', { name: /lead/ }).waitFor();

    // Invite Ana: an agent for billing disputes, two chats at once.
    const invite = page.getByRole('region', { name: 'Invite an agent' });
    await invite.getByLabel('Email').fill('ana@example.test');
    await invite.getByLabel('Name').fill('Ana Lima');
    await invite.getByLabel('Role').selectOption('agent');
    await invite.getByLabel('Capacity').fill('2');
    await invite.getByRole('checkbox', { name: 'Every type' }).uncheck();
    for (const other of ['Account / order status', 'Routine change', 'Policy exception', 'Unknown product or feature', 'Fraud / security']) {
      await invite.getByRole('checkbox', { name: other }).uncheck();
    }
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
    expect(link).toMatch(new RegExp(`/console/#invite=[\\w-]{43}$`));
    const row = agents.getByRole('row').filter({ hasText: 'Ana Lima' });
    await row.getByText('Invited').waitFor();
    expect(await row.textContent()).toContain('Billing dispute');
    expect(await seriousViolations(page)).toEqual([]);

    // Ana opens the link in her own browser, sets a password, and lands signed in (no Admin for her).
    const anaContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const ana = await newPage(anaContext);
    await ana.goto(link);
    await ana.getByLabel('New password').fill('ana chooses a long password');
    await ana.getByLabel('Repeat the password').fill('ana chooses a long password');
    expect(await seriousViolations(ana)).toEqual([]);
    await ana.getByRole('button', { name: 'Set password and sign in' }).click();
    const anaNav = ana.getByRole('navigation', { name: 'Console pages' });
    await anaNav.waitFor();
    expect(new URL(ana.url()).hash).toBe('');
    expect(await anaNav.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    const anaCapacity = ana.getByRole('combobox', { name: 'Capacity' });
    await expect.poll(() => anaCapacity.locator('option').allTextContents()).toEqual(['1', '2']);
    await ana.getByText('0 of 2 chats').waitFor();
    // Back on the admin's page, a refresh shows her online, the invite used.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByText('Online').waitFor();
    expect(await row.getByText('Invited').count()).toBe(0);

    // The admin gives Ana three chats at once and policy exceptions too: her header follows at once.
    await row.getByRole('button', { name: 'Edit Ana Lima' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Ana Lima' });
    await edit.getByLabel('Capacity').fill('3');
    await edit.getByRole('checkbox', { name: 'Policy exception' }).check();
    expect(await seriousViolations(page)).toEqual([]);
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('3');
    expect(await row.textContent()).toContain('Billing dispute, Policy exception');
    await expect.poll(() => anaCapacity.locator('option').allTextContents()).toEqual(['1', '2', '3']);
    await ana.getByText('0 of 3 chats').waitFor();
    // Ana may choose fewer herself.
    await anaCapacity.selectOption('1');
    await ana.getByText('0 of 1 chats').waitFor();

    // The policy: account status to shadow, billing disputes at high priority with a 60 s target.
    const policy = page.getByRole('list', { name: 'Per-type policy' });
    await policy.getByLabel('AI for Account / order status').selectOption('shadow');
    await policy.getByRole('button', { name: 'Save Account / order status' }).click();
    const account = policy.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Account / order status' }) });
    await account.getByText('Configured: AI on.', { exact: false }).waitFor();
    await policy.getByLabel('Priority for Billing dispute').selectOption('high');
    await policy.getByLabel('Wait target for Billing dispute (seconds)').fill('60');
    const billing = policy.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Billing dispute' }) });
    await billing.getByText('1 min').waitFor();
    await policy.getByRole('button', { name: 'Save Billing dispute' }).click();
    await billing.getByText('Configured: normal priority, target 2 min. Changed by lead.').waitFor();
    expect(tandem.quality.policy().account_status.ai).toBe('shadow');
    expect(tandem.quality.targets().billing_dispute).toMatchObject({ priority: 'high', targetSeconds: 60 });
    expect(await policy.getByLabel('AI for Fraud / security').isDisabled()).toBe(true);

    // The team's canned replies: a typo in a variable is caught before saving, then the reply is listed.
    const newReply = page.getByRole('form', { name: 'New canned reply' });
    await newReply.getByLabel('Title').fill('Card blocked');
    await newReply.getByLabel('Text').fill('Hi {customer.nme}, your card is blocked.');
    await newReply.getByText('Unknown variable {customer.nme}.').waitFor();
    expect(await newReply.getByRole('button', { name: 'Add canned reply' }).isDisabled()).toBe(true);
    await newReply.getByLabel('Text').fill('Hi {customer.name}, I have blocked your card; a new one is on its way.');
    await newReply.getByRole('button', { name: 'Add canned reply' }).click();
    const replies = page.getByRole('list', { name: 'Canned replies' });
    await replies.getByText('I have blocked your card', { exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The whole page in one picture.
    await page.setViewportSize({ width: 1280, height: 1580 });
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'console-admin.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    // The last admin cannot step down; the page says why.
    const me = agents.getByRole('row').filter({ hasText: ADMIN.email });
    await me.getByRole('button', { name: /^Edit / }).click();
    const self = page.getByRole('dialog', { name: /^Edit / });
    await self.getByLabel('Role').selectOption('agent');
    await self.getByRole('button', { name: 'Save' }).click();
    await self.getByRole('alert').getByText('This is the last admin who can sign in: make another agent an admin first.').waitFor();
    await self.getByRole('button', { name: 'Cancel' }).click();
    await anaContext.close();
    await adminContext.close();
  }, 120_000);
});
