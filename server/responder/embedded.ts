// The embedded responder (no LLM). It completes the routine requests itself through short slot-filling flows
// over the merchant's API ("which order?" → lookup → answer), confirms before it changes anything, answers
// other questions from the knowledge base only when retrieval is confident, and otherwise says plainly that it
// does not know and offers a person. Unsure twice running, or stuck on the same question twice, it hands over
// itself, so a customer is never kept going round in circles.
import type { Message } from '../../shared/protocol.ts';
import { MAX_VERIFY_FAILURES, withStep, type AssistantMemory, type Flow, type Intent, type PendingAction, type StepKind } from '../core/assistant-memory.ts';
import { isoNow, type Clock } from '../core/clock.ts';
import { calendarDay, money, nextInstalment, type CustomerRef, type Order, type PaymentPlan, type Refusal } from '../core/merchant.ts';
import { MerchantUnavailable } from '../merchant/merchant-api.ts';
import { describeAction, formatAddress, formatDay, type MerchantActions, type Outcome } from '../merchant/merchant-actions.ts';
import { addressIn, daysIn, detectIntent, emailsIn, isNo, isYes, newEmailIn, orderNumbersIn } from './intents.ts';
import { OUT_OF_SCOPE_REPLY } from '../core/triage/customer-notes.ts';
import type { KnowledgeBase } from './knowledge-base.ts';
import type { Reply, ReplyInput, Responder } from './responder.ts';

/** Retrieval is trusted when the best section matched at least this share of the question's words… */
const MIN_COVERAGE = 0.5;
/** …and scored at least this much (MiniSearch BM25 units; below it matches are incidental). */
const MIN_SCORE = 6;

export const UNSURE_TEXT =
  'I am not sure I know the answer to that, and I would rather not guess. ' +
  'You can press "Talk to a person" (or just write "person") and someone from our team will take over, ' +
  'with this whole conversation in front of them.';

export const GIVING_UP_TEXT =
  'I still cannot answer that with confidence, so I am bringing in a person from our team. ' +
  'They will see everything you have written here.';

export const HANDING_OVER_TEXT = 'I am bringing in a person from our team now. They will see everything you have written here.';

const OFFER_PERSON = 'A person from our team can help with this: just say yes, or press "Talk to a person".';

const UNAVAILABLE_TEXT = 'I cannot reach our order system right now, so I cannot check or change anything at the moment.';

const NEVER_ASK = 'I will never ask for your card number, password or security codes.';

const GREETING = /^\s*(hi|hello|hey|hallo|hej|hola|good (morning|afternoon|evening))\b[\s!.,]*(there)?[\s!.]*$/i;
const THANKS = /^\s*(thanks|thank you|thx|cheers|great,? thanks|perfect,? thanks)\b[\s\S]{0,20}$/i;

const INTRO: Record<Intent, string> = {
  order_status: 'I can look up your order.',
  next_payment: 'I can look up your payment plan.',
  payment_status: 'I can check your payments.',
  refund: 'I can start a refund here for unused items delivered in the last 30 days.',
  change_email: 'I can change your email address here.',
  change_address: 'I can change your home address here.',
  move_due_date: 'I can move a due date here: once per order, by up to 14 days, before the payment is due.',
};

function lastAiText(history: readonly Message[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.from === 'ai') return history[i]!.text;
  return undefined;
}

function orderLabel(order: Order): string {
  return `${order.number} (${order.items.map((i) => i.name).join(', ')} from ${order.store})`;
}

/** What one order's status is, in a sentence. */
export function orderStatusText(order: Order): string {
  const label = orderLabel(order);
  switch (order.status) {
    case 'confirmed':
      return `Order ${label} is confirmed and will be dispatched within 2 business days${order.expectedDelivery ? `; it is expected to arrive by ${formatDay(order.expectedDelivery)}` : ''}.`;
    case 'dispatched':
      return (
        `Order ${label} was dispatched${order.dispatchedAt ? ` on ${formatDay(order.dispatchedAt)}` : ''}${order.carrier ? ` with ${order.carrier}` : ''}` +
        `${order.expectedDelivery ? ` and is expected to arrive by ${formatDay(order.expectedDelivery)}` : ''}.` +
        (order.trackingUrl ? ` You can follow it here: ${order.trackingUrl}` : '')
      );
    case 'delivered':
      return `Order ${label} was delivered${order.deliveredAt ? ` on ${formatDay(order.deliveredAt)}` : ''}.`;
    case 'cancelled':
      return `Order ${label} was cancelled.`;
  }
}

/** The next payment of one plan, in a sentence. */
export function nextPaymentText(plan: PaymentPlan): string {
  const next = nextInstalment(plan);
  if (!next) return `Order ${plan.orderNumber} is fully paid.`;
  const amount = money(next.amount, plan.currency);
  const of = `instalment ${next.n} of ${plan.instalments.length}`;
  if (next.status === 'failed' || next.status === 'overdue') {
    return (
      `Order ${plan.orderNumber} (${plan.name}): ${of}, ${amount}, was due on ${formatDay(next.dueDate)} and has not been paid yet` +
      `${next.lastAttempt?.reason ? ` (the last attempt failed: ${next.lastAttempt.reason})` : ''}. You can pay it now in the app under Payments > Pay now.`
    );
  }
  return `Order ${plan.orderNumber} (${plan.name}): ${of}, ${amount}, is due on ${formatDay(next.dueDate)} and will be collected from ${plan.paymentMethod}.`;
}

/** Whether the latest collection of one plan went through, in a sentence. */
export function paymentStatusText(plan: PaymentPlan): string {
  const attempts = plan.instalments.filter((i) => i.lastAttempt).sort((a, b) => a.lastAttempt!.at.localeCompare(b.lastAttempt!.at));
  const latest = attempts.at(-1);
  if (!latest) return `No payment has been collected yet for order ${plan.orderNumber}.`;
  const amount = money(latest.amount, plan.currency);
  if (latest.lastAttempt!.outcome === 'succeeded') {
    return `Your latest payment for order ${plan.orderNumber}, ${amount} on ${formatDay(latest.lastAttempt!.at)}, went through.`;
  }
  return (
    `The payment of ${amount} for order ${plan.orderNumber} on ${formatDay(latest.lastAttempt!.at)} did not go through` +
    `${latest.lastAttempt!.reason ? ` (${latest.lastAttempt!.reason})` : ''}. We try again once a day for 3 days after the due date, ` +
    'and there is no late fee if it is paid within those 3 days. You can also pay it now in the app under Payments > Pay now.'
  );
}

/** The question that asks the customer to confirm a change. */
export function confirmationQuestion(action: PendingAction): string {
  const condition =
    action.kind === 'refund'
      ? ' The items need to be unused and in their original packaging; you will get a free return label by email. Paid instalments go back to your original payment method within 5-10 business days and the remaining ones for these items are cancelled.'
      : action.kind === 'change_email'
        ? ' We will send a confirmation link to the new address; the change takes effect when you open it.'
        : '';
  return `Shall I ${describeAction(action)}?${condition} Please answer yes or no.`;
}

/** What the customer is told once a confirmed change is made. */
function doneText(outcome: Extract<Outcome, { ok: true }>): string {
  switch (outcome.kind) {
    case 'refund':
      return (
        `Done: refund ${outcome.refund.refundId} of ${money(outcome.refund.amount, outcome.refund.currency)} for order ${outcome.refund.orderNumber} has started. ` +
        'You will get the return label by email. Money you have already paid reaches your account within 5-10 business days after we receive the items, and the remaining instalments for them are cancelled.'
      );
    case 'change_email':
      return `Done: we have sent a confirmation link to ${outcome.email}. The change takes effect when you open it (the link is valid for 24 hours).`;
    case 'change_address':
      return `Done: your home address is now ${formatAddress(outcome.address)}. Orders you have already placed keep their delivery address.`;
    case 'move_due_date': {
      const next = nextInstalment(outcome.plan);
      return `Done: ${next ? `instalment ${next.n} of order ${outcome.plan.orderNumber} is now due on ${formatDay(next.dueDate)}, and the later ones moved by the same days` : 'the due date has moved'}.`;
    }
  }
}

function stepText(outcome: Extract<Outcome, { ok: true }>, action: PendingAction): string {
  switch (outcome.kind) {
    case 'refund':
      return `Refund ${outcome.refund.refundId} started: ${money(outcome.refund.amount, outcome.refund.currency)} for ${action.kind === 'refund' ? action.itemNames.join(', ') : ''} (order ${outcome.refund.orderNumber}).`;
    case 'change_email':
      return `Email change to ${outcome.email} requested (confirmation link sent).`;
    case 'change_address':
      return `Home address changed to ${formatAddress(outcome.address)}.`;
    case 'move_due_date':
      return action.kind === 'move_due_date' ? `Moved instalment ${action.instalment} of order ${action.orderNumber} from ${action.from} to ${action.to}.` : 'Moved a due date.';
  }
}

/** A turn being composed: the memory as it evolves, and the answer. */
class Turn {
  memory: AssistantMemory;
  readonly #clock: Clock;
  constructor(memory: AssistantMemory, clock: Clock) {
    this.memory = memory;
    this.#clock = clock;
  }
  step(kind: StepKind, text: string): void {
    this.memory = withStep(this.memory, { at: isoNow(this.#clock), kind, text });
  }
  reply(text: string, extra: Partial<Omit<Reply, 'text' | 'memory'>> = {}): Reply {
    return { text, confident: true, ...extra, memory: this.memory };
  }
  /** Answer, drop the flow, and offer a person (a plain yes will hand over). */
  offer(text: string): Reply {
    this.memory = { ...this.memory, flow: null, pending: null, offeredPerson: true };
    return this.reply(`${text} ${OFFER_PERSON}`);
  }
}

export class EmbeddedResponder implements Responder {
  readonly name = 'embedded';
  readonly #kb: KnowledgeBase;
  readonly #actions: MerchantActions;
  readonly #clock: Clock;

  constructor(options: { knowledgeBase: KnowledgeBase; actions: MerchantActions; clock: Clock }) {
    this.#kb = options.knowledgeBase;
    this.#actions = options.actions;
    this.#clock = options.clock;
  }

  async reply(input: ReplyInput): Promise<Reply> {
    const settled = await this.settle(input);
    if (settled) return settled;
    const turn = new Turn({ ...input.memory, offeredPerson: false }, this.#clock);
    try {
      return await this.#respond(turn, input);
    } catch (error) {
      if (!(error instanceof MerchantUnavailable)) throw error;
      turn.step('failed', `The merchant's system could not be reached (${error.message}).`);
      return turn.offer(UNAVAILABLE_TEXT);
    }
  }

  /**
   * The part of a turn every responder shares and no model decides: the customer's yes or no to a change the
   * AI proposed, and to its offer of a person. Returns null when the message is neither.
   */
  async settle(input: ReplyInput): Promise<Reply | null> {
    const { text, memory } = input;
    const turn = new Turn(memory, this.#clock);
    if (memory.pending && memory.customer) {
      const action = memory.pending;
      if (isYes(text)) {
        turn.memory = { ...turn.memory, pending: null, flow: null, offeredPerson: false };
        let outcome: Outcome;
        try {
          outcome = await this.#actions.execute(memory.customer, action);
        } catch (error) {
          if (!(error instanceof MerchantUnavailable)) throw error;
          turn.step('failed', `Could not ${describeAction(action)}: the merchant's system could not be reached.`);
          return turn.offer(`I could not reach our system to ${describeAction(action)}, so nothing has changed.`);
        }
        if (!outcome.ok) {
          turn.step('declined', `Refused to ${describeAction(action)}: ${outcome.explanation}`);
          return turn.offer(`I have not made that change: ${outcome.explanation}`);
        }
        turn.step('action', stepText(outcome, action));
        return turn.reply(`${doneText(outcome)} Is there anything else I can help with?`);
      }
      if (isNo(text)) {
        turn.memory = { ...turn.memory, pending: null, flow: null, offeredPerson: false };
        return turn.reply('All right, I have not changed anything. Is there anything else I can help with?');
      }
      // Anything else: the customer moved on, and the proposal lapses.
      return null;
    }
    if (memory.offeredPerson) {
      if (isYes(text)) {
        turn.memory = { ...turn.memory, offeredPerson: false, flow: null };
        return turn.reply(HANDING_OVER_TEXT, { handoff: 'customer_request', handoffReason: 'The customer accepted the assistant\'s offer of a person.' });
      }
      if (isNo(text)) {
        turn.memory = { ...turn.memory, offeredPerson: false };
        return turn.reply('All right. Is there anything else I can help with?');
      }
    }
    return null;
  }

  async #respond(turn: Turn, input: ReplyInput): Promise<Reply> {
    const { text, history } = input;
    turn.memory = { ...turn.memory, pending: null };
    const intent = detectIntent(text);
    const flow = turn.memory.flow;

    if (intent) {
      const orderNumber = orderNumbersIn(text)[0];
      const started: Flow = { intent, awaiting: null, misses: 0 };
      if (orderNumber) started.orderNumber = orderNumber;
      else if (flow?.orderNumber && flow.intent === intent) started.orderNumber = flow.orderNumber;
      const newEmail = intent === 'change_email' ? newEmailIn(text) : null;
      if (newEmail) started.newEmail = newEmail;
      turn.memory = { ...turn.memory, flow: started };
      return this.#advance(turn, text, true);
    }
    if (flow?.awaiting) return this.#advance(turn, text, false);
    if (input.outOfScope) return turn.reply(OUT_OF_SCOPE_REPLY);

    if (GREETING.test(text)) {
      return turn.reply(
        'Hello! I can check your orders and payments, start a refund, move a due date, and change your email or address. ' +
          'I also answer questions about Lumen Pay. What can I do for you? If you would rather talk to a person, press "Talk to a person" at any time.',
      );
    }
    if (THANKS.test(text)) return turn.reply('You are welcome! Is there anything else I can help with?');

    const [best] = this.#kb.search(text);
    if (best && best.coverage >= MIN_COVERAGE && best.score >= MIN_SCORE) {
      const { section } = best;
      const heading = section.heading === section.title ? section.title : `${section.title}: ${section.heading}`;
      return turn.reply(`${section.text}\n\n(From our help article "${heading}". If this does not solve it, press "Talk to a person".)`, {
        source: section.id,
      });
    }
    if (lastAiText(history)?.startsWith(UNSURE_TEXT)) {
      return turn.reply(GIVING_UP_TEXT, { confident: false, handoff: 'ai_unsure', handoffReason: 'The assistant could not answer twice running.' });
    }
    return turn.reply(UNSURE_TEXT, { confident: false });
  }

  /** Fill the flow's next slot from the message, then act or ask for what is still missing. */
  async #advance(turn: Turn, text: string, fresh: boolean): Promise<Reply> {
    const flow = { ...turn.memory.flow! };
    const intro = fresh ? `${INTRO[flow.intent]} ` : '';

    // Who is it? An order number and the email it was placed with, together the proof of identity.
    if (!turn.memory.customer) {
      const orderNumber = orderNumbersIn(text)[0] ?? flow.orderNumber;
      const email = (newEmailIn(text) && flow.intent === 'change_email' ? undefined : emailsIn(text)[0]) ?? flow.email;
      if (orderNumber) flow.orderNumber = orderNumber;
      if (email) flow.email = email;
      if (!orderNumber || !email) {
        const usable = Boolean(orderNumbersIn(text)[0] || email);
        return this.#ask(turn, flow, 'identity', usable || fresh, intro + identityQuestion(orderNumber, email));
      }
      turn.memory = await this.#actions.checkIdentity(turn.memory, orderNumber, email);
      if (!turn.memory.customer) {
        if (turn.memory.verifyFailures >= MAX_VERIFY_FAILURES) {
          return turn.offer('I still cannot match that order number and email, so I cannot look into your account here.');
        }
        delete flow.orderNumber;
        delete flow.email;
        return this.#ask(turn, flow, 'identity', true, `I could not find order ${orderNumber} with the email ${email}. Please check both and write them again (the order number starts with LP- and is in your order confirmation).`);
      }
      delete flow.email;
    }
    const customer = turn.memory.customer!;
    turn.memory = { ...turn.memory, flow };

    switch (flow.intent) {
      case 'order_status':
        return this.#orderStatus(turn, customer, flow);
      case 'next_payment':
      case 'payment_status':
        return this.#payments(turn, customer, flow);
      case 'refund':
        return this.#refund(turn, customer, flow, text, fresh);
      case 'move_due_date':
        return this.#moveDueDate(turn, customer, flow, text, fresh);
      case 'change_email':
        return this.#changeEmail(turn, customer, flow, text, fresh);
      case 'change_address':
        return this.#changeAddress(turn, customer, flow, text, fresh);
    }
  }

  /** Ask for a slot; asked twice without a usable answer, offer a person instead of asking a third time. */
  #ask(turn: Turn, flow: Flow, slot: Flow['awaiting'], progressed: boolean, question: string): Reply {
    const misses = progressed || flow.awaiting !== slot ? 0 : flow.misses + 1;
    if (misses >= 2) return turn.offer('I am not getting this right, and I do not want to keep you going in circles.');
    turn.memory = { ...turn.memory, flow: { ...flow, awaiting: slot, misses } };
    return turn.reply(question);
  }

  /** The order the customer means among `candidates`: named by number or item, or the only one. */
  #pick(flow: Flow, text: string, candidates: readonly Order[]): Order | null {
    const byNumber = orderNumbersIn(text)[0] ?? flow.orderNumber;
    if (byNumber) return candidates.find((o) => o.number === byNumber) ?? null;
    const words = text.toLowerCase();
    const named = candidates.filter((o) => o.items.some((i) => i.name.toLowerCase().split(/\s+/).some((w) => w.length > 3 && words.includes(w))));
    if (named.length === 1) return named[0]!;
    return candidates.length === 1 ? candidates[0]! : null;
  }

  async #orderStatus(turn: Turn, customer: CustomerRef, flow: Flow): Promise<Reply> {
    const orders = await this.#actions.orders(customer);
    const order = flow.orderNumber ? orders.find((o) => o.number === flow.orderNumber) : undefined;
    const shown = order ? [order] : orders.filter((o) => o.status !== 'delivered' && o.status !== 'cancelled');
    const list = shown.length ? shown : orders.slice(0, 3);
    turn.step('lookup', `Looked up ${list.map((o) => `${o.number}: ${o.status}`).join('; ') || 'orders: none'}.`);
    turn.memory = { ...turn.memory, flow: null };
    if (list.length === 0) return turn.reply('I cannot find any orders on your account.');
    const late = list.find((o) => o.status === 'dispatched' && o.expectedDelivery && o.expectedDelivery < calendarDay(this.#clock.now()));
    const tail = late
      ? ` Order ${late.number} is later than expected; if it has not arrived 10 business days after dispatch, a person can trace it with the carrier.`
      : ' Is there anything else I can help with?';
    return turn.reply(`${list.map(orderStatusText).join('\n')}${tail}`);
  }

  async #payments(turn: Turn, customer: CustomerRef, flow: Flow): Promise<Reply> {
    const plans = await this.#actions.plans(customer);
    const chosen = flow.orderNumber ? plans.filter((p) => p.orderNumber === flow.orderNumber) : plans;
    const relevant = flow.intent === 'next_payment' ? chosen.filter((p) => nextInstalment(p)) : chosen.filter((p) => p.instalments.some((i) => i.lastAttempt));
    turn.memory = { ...turn.memory, flow: null };
    if (flow.intent === 'next_payment') {
      turn.step('lookup', `Looked up payment plans: ${relevant.map((p) => `${p.orderNumber} next ${nextInstalment(p)!.dueDate} (${nextInstalment(p)!.status})`).join('; ') || 'nothing due'}.`);
      if (relevant.length === 0) return turn.reply('Everything is paid: you have no payments due. Is there anything else I can help with?');
      return turn.reply(`${relevant.map(nextPaymentText).join('\n')}\nWe remind you 3 days before each due date.`);
    }
    // The failed ones first: they are what the customer most likely asks about.
    const failedFirst = [...relevant].sort((a, b) => Number(hasFailed(b)) - Number(hasFailed(a)));
    turn.step('lookup', `Checked payments: ${failedFirst.map((p) => `${p.orderNumber} ${hasFailed(p) ? 'last collection failed' : 'last collection succeeded'}`).join('; ') || 'none collected yet'}.`);
    if (failedFirst.length === 0) return turn.reply('No payments have been collected from you yet.');
    return turn.reply(failedFirst.slice(0, 3).map(paymentStatusText).join('\n'));
  }

  async #refund(turn: Turn, customer: CustomerRef, flow: Flow, text: string, fresh: boolean): Promise<Reply> {
    const orders = await this.#actions.orders(customer);
    const candidates = orders.filter((o) => o.items.some((i) => !i.refunded) && o.status !== 'cancelled');
    // An order named by number is checked even when nothing in it can be refunded now: the customer hears why.
    const named = orderNumbersIn(text)[0] ?? flow.orderNumber;
    const order =
      (named ? orders.find((o) => o.number === named) : undefined) ??
      this.#pick({ ...flow, orderNumber: undefined }, text, fresh ? candidates.filter((o) => o.status === 'delivered') : candidates);
    if (!order) {
      if (candidates.length === 0) return turn.offer('I cannot find an order of yours that could still be refunded.');
      return this.#ask(turn, { ...flow, orderNumber: undefined }, 'order', fresh, `Which order would you like a refund for? ${choices(candidates)}`);
    }
    turn.step('lookup', `Looked up order ${order.number}: ${order.deliveredAt ? `delivered on ${order.deliveredAt.slice(0, 10)}` : order.status}.`);
    const proposal = await this.#actions.proposeRefund(customer, order.number);
    return this.#propose(turn, proposal, `a refund of order ${order.number}`);
  }

  async #moveDueDate(turn: Turn, customer: CustomerRef, flow: Flow, text: string, fresh: boolean): Promise<Reply> {
    const plans = await this.#actions.plans(customer);
    const orders = await this.#actions.orders(customer);
    const open = orders.filter((o) => plans.some((p) => p.orderNumber === o.number && nextInstalment(p)));
    if (!flow.orderNumber || !open.some((o) => o.number === flow.orderNumber)) {
      const order = this.#pick({ ...flow, orderNumber: undefined }, text, open);
      if (!order) {
        if (open.length === 0) return turn.offer('All your orders are paid, so there is no due date to move.');
        return this.#ask(turn, flow, 'order', fresh, `Which order's payment would you like to move? ${choices(open)}`);
      }
      flow.orderNumber = order.number;
    }
    const days = daysIn(text);
    if (days === null) {
      const plan = plans.find((p) => p.orderNumber === flow.orderNumber)!;
      const next = nextInstalment(plan)!;
      return this.#ask(
        turn,
        flow,
        'days',
        fresh || flow.awaiting !== 'days',
        `Instalment ${next.n} of order ${plan.orderNumber}, ${money(next.amount, plan.currency)}, is due on ${formatDay(next.dueDate)}. By how many days would you like to move it (at most 14)?`,
      );
    }
    turn.step('lookup', `Looked up the payment plan of order ${flow.orderNumber}.`);
    const proposal = await this.#actions.proposeDueDateMove(customer, flow.orderNumber, days);
    return this.#propose(turn, proposal, `moving a due date of order ${flow.orderNumber} by ${days} days`);
  }

  async #changeEmail(turn: Turn, customer: CustomerRef, flow: Flow, text: string, fresh: boolean): Promise<Reply> {
    const candidate = newEmailIn(text) ?? flow.newEmail ?? (flow.awaiting === 'email' ? emailsIn(text)[0] : undefined);
    if (!candidate) {
      return this.#ask(turn, flow, 'email', fresh || flow.awaiting !== 'email', `Your email address with us is ${customer.email}. What should the new one be?`);
    }
    return this.#propose(turn, this.#actions.proposeEmail(customer, candidate), 'an email change');
  }

  async #changeAddress(turn: Turn, customer: CustomerRef, flow: Flow, text: string, fresh: boolean): Promise<Reply> {
    const parsed = flow.awaiting === 'address' || !fresh ? addressIn(text) : addressIn(text.replace(/^.*?\baddress\b/i, ''));
    if (!parsed) {
      const now = customer.address ? ` Your home address with us is ${formatAddress(customer.address)}.` : '';
      return this.#ask(
        turn,
        flow,
        'address',
        fresh || flow.awaiting !== 'address',
        `${now} Please write the new address on one line: street and number, postal code and city, for example "Storgatan 12, 111 22 Stockholm". (To change where an order that has not been dispatched yet is delivered, use Orders > Change delivery address in the app.)`.trim(),
      );
    }
    const address = { line1: parsed.line1, postalCode: parsed.postalCode, city: parsed.city, country: parsed.country || customer.address?.country || '' };
    return this.#propose(turn, this.#actions.proposeAddress(customer, address), 'an address change');
  }

  /** A proposal becomes the confirmation question; a refusal is explained, logged and a person offered. */
  #propose(turn: Turn, proposal: { ok: true; action: PendingAction } | Refusal, what: string): Reply {
    if (!proposal.ok) {
      turn.step('declined', `Declined ${what}: ${proposal.explanation}`);
      return turn.offer(`${proposal.explanation} I cannot make an exception myself.`);
    }
    turn.memory = { ...turn.memory, flow: null, pending: proposal.action };
    return turn.reply(confirmationQuestion(proposal.action));
  }
}

function hasFailed(plan: PaymentPlan): boolean {
  return plan.instalments.some((i) => i.lastAttempt?.outcome === 'failed' && (i.status === 'failed' || i.status === 'overdue'));
}

function choices(orders: readonly Order[]): string {
  return `Your orders: ${orders.map((o) => `${orderLabel(o)}, ${o.status}`).join('; ')}. Which one (the order number is enough)?`;
}

function identityQuestion(orderNumber: string | undefined, email: string | undefined): string {
  if (orderNumber && !email) return `Thanks. And the email address you used for order ${orderNumber}? ${NEVER_ASK}`;
  if (email && !orderNumber) return 'Thanks. And the order number? It starts with LP- and is in your order confirmation email.';
  return `First I need to check it is you: please write your order number (it starts with LP-, you find it in your order confirmation) and the email address you used for it. ${NEVER_ASK}`;
}

