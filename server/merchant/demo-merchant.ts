// Lumen Pay's systems, in memory: three customers with orders and payment plans seeded relative to the clock
// (so the demo works on any day), and actions that check the written policy again with the same pure rules
// Tandem checks first: the merchant has the last word. Every action is idempotent by its key, and nothing the
// caller receives shares memory with the store.
import type { Clock } from '../core/clock.ts';
import {
  addDays,
  calendarDay,
  DAY_MS,
  dueDateMove,
  refundEligibility,
  validEmail,
  type Address,
  type CustomerRef,
  type Instalment,
  type MerchantPolicy,
  type Order,
  type PaymentPlan,
  type Refusal,
} from '../core/merchant.ts';
import { MerchantRefusal, type MerchantApi, type RefundResult } from './merchant-api.ts';

/** The seeded customers: what a test or a demo types into the chat to be recognised. */
export const DEMO_CUSTOMERS = {
  ana: { id: 'cus_ana', name: 'Ana Lindqvist', email: 'ana@example.com', orders: ['LP-10001', 'LP-10002', 'LP-10003'] },
  ben: { id: 'cus_ben', name: 'Ben Okafor', email: 'ben@example.com', orders: ['LP-20001', 'LP-20002'] },
  carla: { id: 'cus_carla', name: 'Carla Ruiz', email: 'carla@example.com', orders: ['LP-30001', 'LP-30002', 'LP-30003'] },
} as const;

/** Lumen Pay's written rules (server/responder/knowledge/refunds.md, instalments-and-due-dates.md). */
export const DEMO_POLICY: MerchantPolicy = {
  currency: 'EUR',
  refund: { windowDays: 30, excludedCategories: ['personalised', 'hygiene', 'gift_card', 'digital'] },
  dueDate: { maxDays: 14, movesPerOrder: 1 },
};

interface CustomerRecord {
  customer: CustomerRef;
  /** a new email address waiting for the customer to open the confirmation link */
  pendingEmail?: string;
  orders: Order[];
  plans: PaymentPlan[];
}

const copy = <T>(value: T): T => structuredClone(value);
const cents = (amount: number): number => Math.round(amount * 100) / 100;
const refused = (refusal: Refusal): MerchantRefusal => new MerchantRefusal(refusal.code, refusal.explanation);

export class DemoMerchant implements MerchantApi {
  readonly #clock: Clock;
  readonly #policy: MerchantPolicy = copy(DEMO_POLICY);
  readonly #customers = new Map<string, CustomerRecord>();
  readonly #refunds: RefundResult[] = [];
  /** action + customer + key → the request's fingerprint and the first result */
  readonly #done = new Map<string, { request: string; result: unknown }>();

  constructor(options: { clock: Clock }) {
    this.#clock = options.clock;
    for (const record of seed(this.#clock.now())) this.#customers.set(record.customer.id, record);
  }

  async verifyCustomer(input: { orderNumber: string; email: string }): Promise<CustomerRef | null> {
    const number = input.orderNumber.trim().toUpperCase();
    const email = input.email.trim().toLowerCase();
    for (const record of this.#customers.values()) {
      if (record.customer.email.toLowerCase() !== email) continue;
      if (record.orders.some((o) => o.number.toUpperCase() === number)) return copy(record.customer);
    }
    return null;
  }

  async orders(customerId: string): Promise<Order[]> {
    const { orders } = this.#record(customerId);
    return copy(orders).sort((a, b) => Date.parse(b.placedAt) - Date.parse(a.placedAt));
  }

  async paymentPlans(customerId: string): Promise<PaymentPlan[]> {
    const { orders, plans } = this.#record(customerId);
    const placed = new Map(orders.map((o) => [o.number, Date.parse(o.placedAt)]));
    return copy(plans).sort((a, b) => (placed.get(b.orderNumber) ?? 0) - (placed.get(a.orderNumber) ?? 0));
  }

  async policy(): Promise<MerchantPolicy> {
    return copy(this.#policy);
  }

  async refund(input: { customerId: string; orderNumber: string; itemIds: string[]; reason: string; idempotencyKey: string }): Promise<RefundResult> {
    const { customerId, orderNumber, itemIds, reason, idempotencyKey } = input;
    return this.#once('refund', customerId, idempotencyKey, { orderNumber, itemIds, reason }, () => {
      const record = this.#record(customerId);
      const order = this.#order(record, orderNumber);
      const check = refundEligibility(order, this.#policy, this.#clock.now(), itemIds);
      if (!check.ok) throw refused(check);
      const refundedIds = new Set(check.items.map((i) => i.id));
      for (const item of order.items) if (refundedIds.has(item.id)) item.refunded = true;

      const plan = record.plans.find((p) => p.orderNumber === order.number);
      if (plan) {
        // Unpaid instalments: the refund takes them off, starting with the last; a full refund cancels them all.
        const unpaid = plan.instalments.filter((i) => i.status === 'scheduled' || i.status === 'failed' || i.status === 'overdue');
        if (order.items.every((i) => i.refunded)) {
          for (const instalment of unpaid) instalment.status = 'cancelled';
        } else {
          let left = check.amount;
          for (const instalment of unpaid.sort((a, b) => b.n - a.n)) {
            if (left <= 0) break;
            const taken = Math.min(instalment.amount, left);
            instalment.amount = cents(instalment.amount - taken);
            left = cents(left - taken);
            if (instalment.amount === 0) instalment.status = 'cancelled';
          }
        }
      }
      const refund: RefundResult = {
        refundId: `rf_${String(this.#refunds.length + 1).padStart(4, '0')}`,
        orderNumber: order.number,
        itemIds: check.items.map((i) => i.id),
        amount: check.amount,
        currency: order.currency,
        status: 'processing',
      };
      this.#refunds.push(refund);
      return refund;
    });
  }

  async changeEmail(input: { customerId: string; email: string; idempotencyKey: string }): Promise<{ email: string; confirmationSent: boolean }> {
    const email = input.email.trim();
    return this.#once('email', input.customerId, input.idempotencyKey, { email }, () => {
      const record = this.#record(input.customerId);
      if (!validEmail(email)) throw new MerchantRefusal('bad_email', `"${email}" does not look like an email address.`);
      if (email.toLowerCase() === record.customer.email.toLowerCase()) {
        throw new MerchantRefusal('same_email', `${email} is already the email address of this account.`);
      }
      const taken = [...this.#customers.values()].some((r) => r !== record && r.customer.email.toLowerCase() === email.toLowerCase());
      if (taken) throw new MerchantRefusal('email_in_use', 'That email address belongs to another Lumen Pay account.');
      // The old address stays the one that identifies the customer until the link in the confirmation is opened.
      record.pendingEmail = email;
      return { email, confirmationSent: true };
    });
  }

  async changeAddress(input: { customerId: string; address: Address; idempotencyKey: string }): Promise<{ address: Address }> {
    const address = cleanAddress(input.address);
    return this.#once('address', input.customerId, input.idempotencyKey, { address }, () => {
      const record = this.#record(input.customerId);
      const missing = (['line1', 'postalCode', 'city', 'country'] as const).filter((field) => !address[field]);
      if (missing.length) throw new MerchantRefusal('bad_address', `The address is missing ${missing.join(', ')}.`);
      record.customer.address = address;
      return { address };
    });
  }

  async moveDueDate(input: { customerId: string; orderNumber: string; instalment: number; newDueDate: string; idempotencyKey: string }): Promise<PaymentPlan> {
    const { customerId, orderNumber, instalment, newDueDate, idempotencyKey } = input;
    return this.#once('due-date', customerId, idempotencyKey, { orderNumber, instalment, newDueDate }, () => {
      const record = this.#record(customerId);
      const order = this.#order(record, orderNumber);
      const plan = record.plans.find((p) => p.orderNumber === order.number);
      if (!plan) throw new MerchantRefusal('no_plan', `Order ${order.number} has no payment plan.`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(newDueDate) || Number.isNaN(Date.parse(`${newDueDate}T00:00:00Z`)) || calendarDay(Date.parse(`${newDueDate}T00:00:00Z`)) !== newDueDate) {
        throw new MerchantRefusal('bad_date', `"${newDueDate}" is not a day (YYYY-MM-DD).`);
      }
      // First what is true of the plan whatever the days (moved already, behind, fully paid, due today), then
      // that the instalment asked for is the next one, then the days: each refusal then says what is wrong.
      const now = this.#clock.now();
      const probe = dueDateMove(plan, this.#policy, now, 1);
      if (!probe.ok) throw refused(probe);
      const next = probe.instalment;
      if (instalment !== next.n) {
        throw new MerchantRefusal('not_next_instalment', `Only the next instalment of order ${plan.orderNumber} (instalment ${next.n}) can be moved, not instalment ${instalment}.`);
      }
      const days = Math.round((Date.parse(`${newDueDate}T00:00:00Z`) - Date.parse(`${next.dueDate}T00:00:00Z`)) / DAY_MS);
      const check = dueDateMove(plan, this.#policy, now, days);
      if (!check.ok) throw refused(check);
      for (const i of plan.instalments) {
        if (i.n === check.instalment.n || (i.n > check.instalment.n && i.status === 'scheduled')) i.dueDate = addDays(i.dueDate, check.days);
      }
      plan.dueDateMoved = true;
      return plan;
    });
  }

  // ---- not part of MerchantApi: for tests and the demo ----

  /** Every refund made so far, oldest first. */
  refunds(): RefundResult[] {
    return copy(this.#refunds);
  }

  /** The customer opened the confirmation link: the pending email address becomes theirs. Returns it, or null. */
  confirmEmail(customerId: string): string | null {
    const record = this.#record(customerId);
    if (!record.pendingEmail) return null;
    record.customer.email = record.pendingEmail;
    delete record.pendingEmail;
    return record.customer.email;
  }

  /** The email address waiting for confirmation, if any. */
  pendingEmail(customerId: string): string | null {
    return this.#record(customerId).pendingEmail ?? null;
  }

  // ---- internals ----

  #record(customerId: string): CustomerRecord {
    const record = this.#customers.get(customerId);
    if (!record) throw new MerchantRefusal('unknown_customer', 'There is no customer with that id.');
    return record;
  }

  #order(record: CustomerRecord, orderNumber: string): Order {
    const number = orderNumber.trim().toUpperCase();
    const order = record.orders.find((o) => o.number.toUpperCase() === number);
    if (!order) throw new MerchantRefusal('unknown_order', `There is no order ${orderNumber} on this account.`);
    return order;
  }

  /**
   * Run an action once per idempotency key. A repeated key with the same request returns a copy of the first
   * result and changes nothing; with a different request it is refused. A refused action is not remembered,
   * so a retry is checked again.
   */
  async #once<T>(action: string, customerId: string, key: string, request: unknown, run: () => T): Promise<T> {
    const slot = `${action}\u0000${customerId}\u0000${key}`;
    const fingerprint = JSON.stringify(request);
    const earlier = this.#done.get(slot);
    if (earlier) {
      if (earlier.request !== fingerprint) {
        throw new MerchantRefusal('idempotency_key_reused', 'This idempotency key was already used for a different request.');
      }
      return copy(earlier.result as T);
    }
    const result = copy(run());
    this.#done.set(slot, { request: fingerprint, result });
    return copy(result);
  }
}

function cleanAddress(address: Address): Address {
  const line2 = address.line2?.trim();
  return {
    line1: address.line1.trim(),
    ...(line2 ? { line2 } : {}),
    postalCode: address.postalCode.trim(),
    city: address.city.trim(),
    country: address.country.trim(),
  };
}

// ---- the seed ----

function seed(now: number): CustomerRecord[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const ago = (days: number) => now - days * DAY_MS;

  /** Instalments due `offsets` days after the order was placed; paid ones were collected on their due day. */
  function instalments(placedMs: number, amounts: number[], offsets: number[], paid: number): Instalment[] {
    return amounts.map((amount, index) => {
      const dueMs = placedMs + (offsets[index] ?? 0) * DAY_MS;
      const instalment: Instalment = { n: index + 1, amount, dueDate: calendarDay(dueMs), status: index < paid ? 'paid' : 'scheduled' };
      if (index < paid) {
        instalment.paidAt = iso(dueMs);
        instalment.lastAttempt = { at: iso(dueMs), outcome: 'succeeded' };
      }
      return instalment;
    });
  }
  const payIn4 = [0, 14, 28, 42];
  const monthly6 = [0, 30, 60, 90, 120, 150];
  const plan = (orderNumber: string, name: string, paymentMethod: string, list: Instalment[], dueDateMoved = false): PaymentPlan => ({
    orderNumber,
    name,
    currency: 'EUR',
    paymentMethod,
    instalments: list,
    dueDateMoved,
  });
  const item = (id: string, name: string, category: string, price: number) => ({ id, name, category, price, refunded: false });

  // Ana Lindqvist, Stockholm
  const p10001 = ago(10);
  const p10002 = ago(50);
  const p10003 = ago(2);
  const ana: CustomerRecord = {
    customer: {
      id: 'cus_ana',
      name: 'Ana Lindqvist',
      email: 'ana@example.com',
      address: { line1: 'Storgatan 12', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
    },
    orders: [
      {
        number: 'LP-10001',
        store: 'Nordic Sound',
        placedAt: iso(p10001),
        status: 'delivered',
        items: [item('it_10001_1', 'Wireless headphones', 'electronics', 129.0)],
        total: 129.0,
        currency: 'EUR',
        dispatchedAt: iso(ago(8)),
        deliveredAt: iso(ago(6)),
        carrier: 'PostNord',
      },
      {
        number: 'LP-10002',
        store: 'Fjäll Outfitters',
        placedAt: iso(p10002),
        status: 'delivered',
        items: [item('it_10002_1', 'Winter jacket', 'clothing', 189.0)],
        total: 189.0,
        currency: 'EUR',
        deliveredAt: iso(ago(45)),
      },
      {
        number: 'LP-10003',
        store: 'Stride',
        placedAt: iso(p10003),
        status: 'dispatched',
        items: [item('it_10003_1', 'Running shoes', 'clothing', 99.9)],
        total: 99.9,
        currency: 'EUR',
        dispatchedAt: iso(ago(1)),
        expectedDelivery: calendarDay(now + 3 * DAY_MS),
        carrier: 'PostNord',
        trackingUrl: 'https://tracking.example/LP-10003',
      },
    ],
    plans: [
      plan('LP-10001', 'Pay in 4', 'Visa •••• 4242', instalments(p10001, [32.25, 32.25, 32.25, 32.25], payIn4, 1)),
      plan('LP-10002', 'Pay in 4', 'Visa •••• 4242', instalments(p10002, [47.25, 47.25, 47.25, 47.25], payIn4, 4)),
      plan('LP-10003', 'Pay in 4', 'Visa •••• 4242', instalments(p10003, [24.98, 24.98, 24.97, 24.97], payIn4, 1)),
    ],
  };

  // Ben Okafor, Berlin
  const p20001 = ago(70);
  const p20002 = ago(16);
  const ben20002 = instalments(p20002, [19.75, 19.75, 19.75, 19.75], payIn4, 1);
  ben20002[1]!.status = 'failed';
  ben20002[1]!.lastAttempt = { at: iso(ago(1)), outcome: 'failed', reason: 'insufficient funds' };
  const ben: CustomerRecord = {
    customer: {
      id: 'cus_ben',
      name: 'Ben Okafor',
      email: 'ben@example.com',
      address: { line1: 'Hauptstraße 5', postalCode: '10115', city: 'Berlin', country: 'DE' },
    },
    orders: [
      {
        number: 'LP-20001',
        store: 'Haus & Hof',
        placedAt: iso(p20001),
        status: 'delivered',
        items: [item('it_20001_1', 'Sofa', 'furniture', 1200.0)],
        total: 1200.0,
        currency: 'EUR',
        deliveredAt: iso(ago(60)),
      },
      {
        number: 'LP-20002',
        store: 'Nordic Sound',
        placedAt: iso(p20002),
        status: 'delivered',
        items: [item('it_20002_1', 'Coffee grinder', 'electronics', 79.0)],
        total: 79.0,
        currency: 'EUR',
        deliveredAt: iso(ago(12)),
      },
    ],
    plans: [
      plan('LP-20001', '6 monthly instalments', 'SEPA account •••• 3010', instalments(p20001, [200, 200, 200, 200, 200, 200], monthly6, 3), true),
      plan('LP-20002', 'Pay in 4', 'Mastercard •••• 5100', ben20002),
    ],
  };

  // Carla Ruiz, Madrid
  const p30001 = ago(7);
  const p30002 = ago(5);
  const p30003 = now;
  const carla: CustomerRecord = {
    customer: {
      id: 'cus_carla',
      name: 'Carla Ruiz',
      email: 'carla@example.com',
      address: { line1: 'Calle Mayor 3', postalCode: '28013', city: 'Madrid', country: 'ES' },
    },
    orders: [
      {
        number: 'LP-30001',
        store: 'Casa Regalo',
        placedAt: iso(p30001),
        status: 'delivered',
        items: [item('it_30001_1', 'Personalised mug', 'personalised', 24.0), item('it_30001_2', 'Tea sampler', 'grocery', 21.0)],
        total: 45.0,
        currency: 'EUR',
        deliveredAt: iso(ago(3)),
      },
      {
        number: 'LP-30002',
        store: 'Casa Regalo',
        placedAt: iso(p30002),
        status: 'delivered',
        items: [item('it_30002_1', 'Gift card 50 EUR', 'gift_card', 50.0)],
        total: 50.0,
        currency: 'EUR',
        deliveredAt: iso(p30002),
      },
      {
        number: 'LP-30003',
        store: 'Luz',
        placedAt: iso(p30003),
        status: 'confirmed',
        items: [item('it_30003_1', 'Desk lamp', 'home', 45.0)],
        total: 45.0,
        currency: 'EUR',
        expectedDelivery: calendarDay(now + 5 * DAY_MS),
      },
    ],
    plans: [
      plan('LP-30001', 'Pay in 4', 'Mastercard •••• 8812', instalments(p30001, [11.25, 11.25, 11.25, 11.25], payIn4, 1)),
      plan('LP-30002', 'Pay in 4', 'Mastercard •••• 8812', instalments(p30002, [12.5, 12.5, 12.5, 12.5], payIn4, 1)),
      plan('LP-30003', 'Pay in 4', 'Mastercard •••• 8812', instalments(p30003, [11.25, 11.25, 11.25, 11.25], payIn4, 1)),
    ],
  };

  return [ana, ben, carla];
}
