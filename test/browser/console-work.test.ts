// The console's work in real Chromium, through accessible names: an agent writes an internal note that the
// customer's widget never shows, inserts canned replies found by search with the conversation's variables
// filled in (and a blank selected where one is unknown), transfers a conversation to a colleague with a note
// through the Transfer dialog, and closes one with the disposition and the corrected type chosen beside "Close conversation".
// axe audits the console with the picker and each dialog open; one screenshot for the README.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { SessionPayload, StatePayload } from '../../shared/protocol.ts';
import { seriousViolations } from '../support/axe.ts';
import { browserSuite, chromiumAvailable, openWatchedPage, SCREENSHOTS } from '../support/browser.ts';
import { addAgent, ADMIN, connectCustomer, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';

const WAIT = { timeout: 10_000 };
const NOTE = 'Verified by order and email; she was charged twice, check the duplicate before refunding.';
const runs = chromiumAvailable();

describe.runIf(runs)('the console work in a real browser', () => {
  let tandem: TestTandem;
  let browser: Browser;
  const sockets: Socket[] = [];
  const cspViolations: string[] = [];

  browserSuite((suite) => ({ tandem, browser } = suite), { sockets });

  async function signIn(credentials: { email: string; password: string }, name: string, height?: number): Promise<Page> {
    const page = await openWatchedPage(browser, `${tandem.url}/console/`, name, cspViolations, height);
    await page.getByLabel('Email').fill(credentials.email);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('list', { name: 'Queue' }).waitFor({ ...WAIT, state: 'attached' });
    return page;
  }

  async function accept(agent: Page, words: string): Promise<void> {
    const waiting = agent.getByRole('list', { name: 'Queue' }).getByRole('listitem').filter({ hasText: words });
    await waiting.getByRole('button', { name: 'Accept' }).click();
    await agent.getByRole('list', { name: 'Transcript' }).getByText(words).first().waitFor(WAIT);
  }

  /** A customer over the real protocol, waiting for a person after writing `text`. */
  async function waitingCustomer(text: string): Promise<Socket> {
    const socket = connectCustomer(tandem.url);
    sockets.push(socket);
    await nextEvent<SessionPayload>(socket, 'session');
    const queued = nextEvent<StatePayload>(socket, 'state', (s) => s.state === 'queued');
    socket.emit('message', { clientId: 'c1', text }, () => {});
    await tandem.desk.idle();
    socket.emit('handoff', {}, () => {});
    await queued;
    return socket;
  }

  const dialogNamed = (page: Page, name: string): Locator => page.getByRole('dialog', { name });

  it('keeps notes from the customer, fills canned replies, transfers with a note and closes with a disposition', async () => {
    // A verified customer in the widget on the demo shop, handed to a person.
    const customer = await openWatchedPage(browser, `${tandem.url}/`, 'customer', cspViolations);
    await customer.getByRole('button', { name: 'Open chat' }).click();
    const say = async (text: string) => {
      await customer.getByRole('textbox', { name: 'Message' }).fill(text);
      await customer.getByRole('button', { name: 'Send' }).click();
    };
    await say('Where is my order?');
    await say('LP-10003, ana@example.com');
    await customer.getByText(/LP-10003/).nth(1).waitFor(WAIT);
    await customer.getByRole('button', { name: 'Talk to a person' }).click();
    await expect.poll(() => customer.getByRole('status').first().textContent(), WAIT).toMatch(/queue/i);

    // A taller window than the other stories: the screenshot shows the transcript, the note and the picker.
    const agent = await signIn(ADMIN, 'console', 1200);
    await accept(agent, 'LP-10003, ana@example.com');

    // An internal note: the composer's second mode, marked as never sent to the customer.
    await agent.getByRole('tab', { name: 'Internal note' }).click();
    await agent.getByRole('textbox', { name: 'Internal note' }).fill(NOTE);
    await agent.getByRole('button', { name: 'Add note' }).click();
    const transcript = agent.getByRole('list', { name: 'Transcript' });
    const noteEntry = transcript.getByRole('listitem').filter({ hasText: NOTE });
    await noteEntry.waitFor(WAIT);
    expect(await noteEntry.textContent()).toMatch(/^Internal note.*not sent to the customer/);
    await expect.poll(() => agent.getByRole('textbox', { name: 'Internal note' }).inputValue()).toBe('');

    // Back to Reply: the canned-reply picker, searched, its variables filled from the conversation.
    await agent.getByRole('tab', { name: 'Reply' }).click();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await agent.getByRole('button', { name: 'Canned replies' }).click();
    const search = agent.getByRole('combobox', { name: 'Search canned replies' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    const options = agent.getByRole('listbox', { name: 'Canned replies' }).getByRole('option');
    await options.first().waitFor(WAIT);
    expect(await options.count()).toBeGreaterThanOrEqual(6);
    await search.fill('order');
    await expect.poll(() => options.first().textContent()).toMatch(/^Checking the order/);
    // Each option shows the reply as it would be inserted: the verified customer's name and the order.
    expect(await options.first().textContent()).toContain('Thanks, Ana Lindqvist. I am checking order LP-10003 now');
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.screenshot({ path: join(SCREENSHOTS, 'console-work.png') });

    await search.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe('Thanks, Ana Lindqvist. I am checking order LP-10003 now; it will take a minute or two.');
    await expect.poll(() => reply.evaluate((el) => el === document.activeElement)).toBe(true);
    // Nothing went to the customer until Send.
    expect(await customer.getByText('I am checking order LP-10003').count()).toBe(0);
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    await customer.getByText('Thanks, Ana Lindqvist. I am checking order LP-10003 now', { exact: false }).waitFor(WAIT);

    // "/" at the start of an empty Reply box opens the picker; arrow keys choose; Escape goes back to the box.
    await reply.press('/');
    await search.waitFor(WAIT);
    expect(await reply.inputValue()).toBe('');
    await search.fill('goodbye');
    await search.press('Escape');
    await expect.poll(() => search.count()).toBe(0);
    await expect.poll(() => reply.evaluate((el) => el === document.activeElement)).toBe(true);

    // The customer's widget never showed the note, live or after a reload.
    expect(await customer.getByText(NOTE).count()).toBe(0);
    expect(await customer.getByText(/Internal note/i).count()).toBe(0);
    await customer.reload();
    await customer.getByText('I am checking order LP-10003', { exact: false }).waitFor(WAIT);
    expect(await customer.getByText(NOTE).count()).toBe(0);

    // Closing: the disposition and the interaction type (pre-filled with triage's, corrected here) beside the
    // button; one click on "Close conversation" closes.
    const closing = agent.getByRole('group', { name: 'How it ended' });
    const type = closing.getByRole('combobox', { name: 'Interaction type' });
    expect(await type.inputValue()).toBe('account_status');
    expect(await seriousViolations(agent)).toEqual([]);
    await closing.getByRole('combobox', { name: 'Disposition' }).selectOption({ label: 'Resolved' });
    await type.selectOption({ label: 'Billing dispute' });
    await agent.getByRole('button', { name: 'Close conversation', exact: true }).click();
    await agent.getByText('This conversation is closed.').waitFor(WAIT);
    await customer.getByRole('button', { name: '5 stars' }).waitFor(WAIT);
    const closedEvents = await tandem.store.db.selectFrom('conversation_events').select('data').where('kind', '=', 'closed').execute();
    expect(closedEvents.map((row) => JSON.parse(row.data ?? '{}'))).toEqual([{ by: 'agent', disposition: 'resolved', label: 'billing_dispute' }]);

    // A second conversation, with no order number known: the blank is selected, and Send refuses to send it.
    await waitingCustomer('I was charged twice and I want my money back');
    await accept(agent, 'I was charged twice');
    await reply.click();
    await agent.getByRole('button', { name: 'Canned replies' }).click();
    await search.fill('refund started');
    await options.filter({ hasText: 'Refund started' }).click();
    await expect.poll(() => reply.inputValue()).toMatch(/^I have started the refund for order \[order number\]\./);
    expect(await reply.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe('[order number]');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    await agent.getByText('Fill in [order number] before sending.').waitFor(WAIT);
    expect(await transcript.getByText('I have started the refund').count()).toBe(0);
    await reply.fill('');

    // The Transfer dialog: Escape closes it and gives the focus back; then to Kim, with a note.
    const kimCredentials = await addAgent(tandem, 'Kim');
    const kim = await signIn(kimCredentials, 'kim');
    await agent.getByRole('button', { name: 'Transfer', exact: true }).click();
    const transferring = dialogNamed(agent, 'Transfer conversation');
    await transferring.waitFor(WAIT);
    await agent.keyboard.press('Escape');
    await expect.poll(() => transferring.count()).toBe(0);
    await expect.poll(() => agent.evaluate(() => document.activeElement?.textContent)).toBe('Transfer');

    await agent.getByRole('button', { name: 'Transfer', exact: true }).click();
    await transferring.getByRole('radio', { name: 'An agent' }).check();
    const who = transferring.getByRole('combobox', { name: 'Agent' });
    await expect.poll(() => who.locator('option', { hasText: 'Kim' }).count()).toBe(1);
    await who.selectOption({ label: 'Kim (0 of 3 chats)' });
    await transferring.getByRole('textbox', { name: 'Note for the next agent' }).fill('Please check the duplicate charge');
    expect(await seriousViolations(agent)).toEqual([]);
    await transferring.getByRole('button', { name: 'Transfer', exact: true }).click();
    await expect.poll(() => transferring.count()).toBe(0);
    await agent.getByText('Transferred to Kim.').waitFor(WAIT);
    await agent.getByRole('tab', { name: /transferred to Kim/ }).waitFor(WAIT);

    // Kim has it, with the note at the top of the summary.
    const summary = kim.getByRole('region', { name: 'Handoff summary' });
    await summary.getByText('Transferred by lead to Kim:').waitFor(WAIT);
    await summary.getByText('Please check the duplicate charge').waitFor(WAIT);
    await kim.getByRole('textbox', { name: 'Reply' }).waitFor(WAIT);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
