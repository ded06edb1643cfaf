// The guard between the AI and the merchant's API. Every responder (embedded or LLM) acts only through this
// class, and it decides from what the server knows, never from what the model or the customer claims:
// - the customer is the one the conversation verified (an id from memory, never an argument from the model);
// - every change is first proposed, checked against the written policy with fresh data, and made only after
//   the customer's yes, when it is checked again (the merchant checks a third time);
// - every change carries an idempotency key, so a retry never refunds twice.
import type { Address, CustomerRef, MerchantPolicy, Order, PaymentPlan, Refusal } from '../core/merchant.ts';
import { dueDateMove, money, refundEligibility, validEmail } from '../core/merchant.ts';
import { withStep, type AssistantMemory, type PendingAction } from '../core/assistant-memory.ts';
import { isoNow, type Clock } from '../core/clock.ts';
import { MerchantRefusal, type MerchantApi, type RefundResult } from './merchant-api.ts';

/** How long the written policy is trusted before it is read again. */
const POLICY_TTL_MS = 5 * 60 * 1000;

export type Proposal = { ok: true; action: PendingAction } | Refusal;

export type Outcome =
  | { ok: true; kind: 'refund'; refund: RefundResult }
  | { ok: true; kind: 'change_email'; email: string }
  | { ok: true; kind: 'change_address'; address: Address }
  | { ok: true; kind: 'move_due_date'; plan: PaymentPlan }
  | Refusal;

export class MerchantActions {
  readonly #api: MerchantApi;
  readonly #clock: Clock;
  readonly #newId: () => string;
  #policy: { value: MerchantPolicy; at: number } | null = null;

  constructor(options: { api: MerchantApi; clock: Clock; newId: () => string }) {
    this.#api = options.api;
    this.#clock = options.clock;
    this.#newId = options.newId;
  }

  /** The customer this order number and email belong to, or null. */
  async verify(orderNumber: string, email: string): Promise<CustomerRef | null> {
    return this.#api.verifyCustomer({ orderNumber: orderNumber.trim().toUpperCase(), email: email.trim().toLowerCase() });
  }

  /**
   * Check an order number and email for a conversation: the memory afterwards, with the customer and a
   * `verified` step, or one more failure and a `failed` step. The same for every responder.
   */
  async checkIdentity(memory: AssistantMemory, orderNumber: string, email: string): Promise<AssistantMemory> {
    const at = isoNow(this.#clock);
    const customer = await this.verify(orderNumber, email);
    if (!customer) {
      const failed = { ...memory, verifyFailures: memory.verifyFailures + 1 };
      return withStep(failed, { at, kind: 'failed', text: `Identity check failed: order ${orderNumber} with ${email} did not match.` });
    }
    const text = `Identity checked: ${customer.name} <${customer.email}>, with order ${orderNumber.trim().toUpperCase()}.`;
    return withStep({ ...memory, customer, verifyFailures: 0 }, { at, kind: 'verified', text });
  }

  async orders(customer: CustomerRef): Promise<Order[]> {
    return this.#api.orders(customer.id);
  }

  async plans(customer: CustomerRef): Promise<PaymentPlan[]> {
    return this.#api.paymentPlans(customer.id);
  }

  async policy(): Promise<MerchantPolicy> {
    const now = this.#clock.now();
    if (!this.#policy || now - this.#policy.at > POLICY_TTL_MS) this.#policy = { value: await this.#api.policy(), at: now };
    return this.#policy.value;
  }

  async #order(customer: CustomerRef, orderNumber: string): Promise<Order | null> {
    const wanted = orderNumber.trim().toUpperCase();
    return (await this.orders(customer)).find((o) => o.number.toUpperCase() === wanted) ?? null;
  }

  async #plan(customer: CustomerRef, orderNumber: string): Promise<PaymentPlan | null> {
    const wanted = orderNumber.trim().toUpperCase();
    return (await this.plans(customer)).find((p) => p.orderNumber.toUpperCase() === wanted) ?? null;
  }

  /** A refund of an order's items (all that still can be, when none are named), if the policy allows it now. */
  async proposeRefund(customer: CustomerRef, orderNumber: string, itemIds?: readonly string[]): Promise<Proposal> {
    const order = await this.#order(customer, orderNumber);
    if (!order) return notYours(orderNumber);
    const check = refundEligibility(order, await this.policy(), this.#clock.now(), itemIds);
    if (!check.ok) return check;
    return {
      ok: true,
      action: {
        kind: 'refund',
        id: this.#newId(),
        orderNumber: order.number,
        itemIds: check.items.map((i) => i.id),
        itemNames: check.items.map((i) => i.name),
        amount: check.amount,
        currency: order.currency,
      },
    };
  }

  /** Moving the next instalment of an order by `days`, if the policy allows it now. */
  async proposeDueDateMove(customer: CustomerRef, orderNumber: string, days: number): Promise<Proposal> {
    const plan = await this.#plan(customer, orderNumber);
    if (!plan) return { ok: false, code: 'no_plan', explanation: `Order ${orderNumber} has no payment plan with us.` };
    const check = dueDateMove(plan, await this.policy(), this.#clock.now(), days);
    if (!check.ok) return check;
    return {
      ok: true,
      action: {
        kind: 'move_due_date',
        id: this.#newId(),
        orderNumber: plan.orderNumber,
        instalment: check.instalment.n,
        from: check.instalment.dueDate,
        to: check.newDueDate,
      },
    };
  }

  proposeEmail(customer: CustomerRef, email: string): Proposal {
    const clean = email.trim().toLowerCase();
    if (!validEmail(clean)) return { ok: false, code: 'bad_email', explanation: `"${email}" does not look like an email address.` };
    if (clean === customer.email.toLowerCase()) return { ok: false, code: 'same_email', explanation: `${clean} is already the email address on your account.` };
    return { ok: true, action: { kind: 'change_email', id: this.#newId(), email: clean } };
  }

  proposeAddress(customer: CustomerRef, address: Address): Proposal {
    if (!address.line1.trim() || !address.postalCode.trim() || !address.city.trim()) {
      return { ok: false, code: 'bad_address', explanation: 'An address needs a street, a postal code and a city.' };
    }
    const country = address.country.trim() || customer.address?.country || '';
    if (!country) return { ok: false, code: 'bad_address', explanation: 'Please tell me the country too.' };
    return { ok: true, action: { kind: 'change_address', id: this.#newId(), address: { ...address, country } } };
  }

  /**
   * Make a change the customer has just confirmed. The policy is checked again on fresh data (time has passed,
   * another channel may have acted); the action's id is the idempotency key.
   */
  async execute(customer: CustomerRef, action: PendingAction): Promise<Outcome> {
    try {
      switch (action.kind) {
        case 'refund': {
          const again = await this.proposeRefund(customer, action.orderNumber, action.itemIds);
          if (!again.ok) return again;
          if (again.action.kind !== 'refund' || again.action.amount !== action.amount) {
            return { ok: false, code: 'changed', explanation: `Order ${action.orderNumber} has changed since I checked it, so I have not refunded anything.` };
          }
          const refund = await this.#api.refund({
            customerId: customer.id,
            orderNumber: action.orderNumber,
            itemIds: action.itemIds,
            reason: 'Requested in chat, within the refund policy',
            idempotencyKey: action.id,
          });
          return { ok: true, kind: 'refund', refund };
        }
        case 'move_due_date': {
          const plan = await this.#plan(customer, action.orderNumber);
          if (!plan) return notYours(action.orderNumber);
          const days = Math.round((Date.parse(action.to) - Date.parse(action.from)) / 86_400_000);
          const check = dueDateMove(plan, await this.policy(), this.#clock.now(), days);
          if (!check.ok) return check;
          if (check.instalment.n !== action.instalment) {
            return { ok: false, code: 'changed', explanation: `The payment plan of order ${action.orderNumber} has changed since I checked it, so I have not moved anything.` };
          }
          const updated = await this.#api.moveDueDate({
            customerId: customer.id,
            orderNumber: action.orderNumber,
            instalment: action.instalment,
            newDueDate: action.to,
            idempotencyKey: action.id,
          });
          return { ok: true, kind: 'move_due_date', plan: updated };
        }
        case 'change_email': {
          const again = this.proposeEmail(customer, action.email);
          if (!again.ok) return again;
          const result = await this.#api.changeEmail({ customerId: customer.id, email: action.email, idempotencyKey: action.id });
          return { ok: true, kind: 'change_email', email: result.email };
        }
        case 'change_address': {
          const again = this.proposeAddress(customer, action.address);
          if (!again.ok) return again;
          const result = await this.#api.changeAddress({ customerId: customer.id, address: action.address, idempotencyKey: action.id });
          return { ok: true, kind: 'change_address', address: result.address };
        }
      }
    } catch (error) {
      if (error instanceof MerchantRefusal) return { ok: false, code: error.code, explanation: error.message };
      throw error;
    }
  }
}

function notYours(orderNumber: string): Refusal {
  return { ok: false, code: 'unknown_order', explanation: `I cannot find order ${orderNumber} among your orders.` };
}

const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** "Friday 27 November" for a YYYY-MM-DD day or an ISO instant. */
export function formatDay(day: string): string {
  const ms = Date.parse(day.length === 10 ? `${day}T12:00:00Z` : day);
  return Number.isNaN(ms) ? day : DAY.format(ms).replace(',', '');
}

/** One line describing a proposed change, for the confirmation question and the agent's summary. */
export function describeAction(action: PendingAction): string {
  switch (action.kind) {
    case 'refund':
      return `refund ${money(action.amount, action.currency)} for ${action.itemNames.join(' and ')} (order ${action.orderNumber})`;
    case 'move_due_date':
      return `move instalment ${action.instalment} of order ${action.orderNumber} from ${formatDay(action.from)} to ${formatDay(action.to)} (later instalments move by the same days)`;
    case 'change_email':
      return `change your email address to ${action.email}`;
    case 'change_address':
      return `change your home address to ${formatAddress(action.address)}`;
  }
}

/** An address on one line. */
export function formatAddress(a: Address): string {
  return [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country].filter(Boolean).join(', ');
}
