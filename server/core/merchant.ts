// The merchant's world as the AI sees it (customers, orders, payment plans, the written policy), and the
// policy's rules as pure functions. Tandem checks every action against these rules before it asks the
// merchant's API, whatever the model or the customer said; the demo merchant checks them again.
// Dates of instalments are calendar days (YYYY-MM-DD, UTC); instants are ISO 8601.

export interface CustomerRef {
  id: string;
  name: string;
  email: string;
  /** home address (billing and default delivery), when the merchant shares it */
  address?: Address;
}

export interface Address {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}

export type OrderStatus = 'confirmed' | 'dispatched' | 'delivered' | 'cancelled';

export interface OrderItem {
  id: string;
  name: string;
  /** e.g. electronics, clothing, personalised, hygiene, gift_card, digital */
  category: string;
  /** price of this item, in the order's currency */
  price: number;
  refunded: boolean;
}

export interface Order {
  number: string;
  store: string;
  placedAt: string;
  status: OrderStatus;
  items: OrderItem[];
  total: number;
  currency: string;
  dispatchedAt?: string;
  deliveredAt?: string;
  /** when an undelivered order is expected, YYYY-MM-DD */
  expectedDelivery?: string;
  carrier?: string;
  trackingUrl?: string;
}

export type InstalmentStatus = 'paid' | 'scheduled' | 'failed' | 'overdue' | 'cancelled';

export interface Instalment {
  /** 1-based */
  n: number;
  amount: number;
  /** YYYY-MM-DD */
  dueDate: string;
  status: InstalmentStatus;
  paidAt?: string;
  /** the latest collection attempt, when there was one */
  lastAttempt?: { at: string; outcome: 'succeeded' | 'failed'; reason?: string };
}

export interface PaymentPlan {
  orderNumber: string;
  /** e.g. "Pay in 4", "6 monthly instalments" */
  name: string;
  currency: string;
  /** how instalments are collected, masked: "Visa •••• 4242" */
  paymentMethod: string;
  instalments: Instalment[];
  /** a due date of this order has been moved already */
  dueDateMoved: boolean;
}

/** The merchant's written rules for what the AI may do. */
export interface MerchantPolicy {
  currency: string;
  refund: {
    /** days after delivery within which unused items may be refunded */
    windowDays: number;
    /** item categories never refunded */
    excludedCategories: string[];
  };
  dueDate: {
    /** the most days a due date may move */
    maxDays: number;
    /** how many times per order */
    movesPerOrder: number;
  };
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A refusal with a reason a customer can read and a code a test or an agent can rely on. */
export interface Refusal {
  ok: false;
  code: string;
  explanation: string;
}

export type RefundCheck = { ok: true; items: OrderItem[]; amount: number } | Refusal;

/** Whole days from one instant to another, rounded down. */
export function daysBetween(fromIso: string, toMs: number): number {
  return Math.floor((toMs - Date.parse(fromIso)) / DAY_MS);
}

/** Money in a customer's words: "89.90 EUR". */
export function money(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

/**
 * May these items of the order be refunded now under the policy? With no item ids, every item that still can
 * be. The condition of the items (unused, original packaging) cannot be checked here; the AI states it.
 */
export function refundEligibility(order: Order, policy: MerchantPolicy, now: number, itemIds?: readonly string[]): RefundCheck {
  const refuse = (code: string, explanation: string): Refusal => ({ ok: false, code, explanation });
  if (order.status === 'cancelled') return refuse('cancelled', `Order ${order.number} was cancelled, so there is nothing to refund.`);
  if (order.status !== 'delivered' || !order.deliveredAt) {
    return refuse(
      'not_delivered',
      `Order ${order.number} has not been delivered yet, so it cannot be returned for a refund. ` +
        'Until it is dispatched you can cancel it in the app under Orders.',
    );
  }
  const age = daysBetween(order.deliveredAt, now);
  if (age > policy.refund.windowDays) {
    return refuse(
      'outside_window',
      `Order ${order.number} was delivered ${age} days ago, and refunds are possible within ${policy.refund.windowDays} days of delivery.`,
    );
  }
  const wanted = itemIds?.length ? order.items.filter((i) => itemIds.includes(i.id)) : order.items;
  if (itemIds?.length && wanted.length !== itemIds.length) return refuse('unknown_item', `That item is not part of order ${order.number}.`);
  const open = wanted.filter((i) => !i.refunded);
  if (open.length === 0) return refuse('already_refunded', `Everything asked for in order ${order.number} has already been refunded.`);
  const excluded = open.filter((i) => policy.refund.excludedCategories.includes(i.category));
  const items = open.filter((i) => !policy.refund.excludedCategories.includes(i.category));
  if (items.length === 0) {
    return refuse(
      'excluded_category',
      `${excluded.map((i) => i.name).join(' and ')} cannot be refunded: ${categoryWords(excluded[0]!.category)} are excluded from refunds.`,
    );
  }
  const amount = Math.round(items.reduce((sum, i) => sum + i.price, 0) * 100) / 100;
  return { ok: true, items, amount };
}

function categoryWords(category: string): string {
  const words: Record<string, string> = {
    personalised: 'personalised items',
    hygiene: 'hygiene products once opened',
    gift_card: 'gift cards',
    digital: 'digital products',
  };
  return words[category] ?? `${category.replace(/_/g, ' ')} items`;
}

/** YYYY-MM-DD of an instant (UTC). */
export function calendarDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The day `days` after a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return calendarDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

/** The instalment still to be collected next (failed or overdue first, then the earliest scheduled), or null. */
export function nextInstalment(plan: PaymentPlan): Instalment | null {
  const unpaid = plan.instalments.filter((i) => i.status === 'failed' || i.status === 'overdue' || i.status === 'scheduled');
  return unpaid.sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0] ?? null;
}

export type DueDateCheck = { ok: true; instalment: Instalment; newDueDate: string; days: number } | Refusal;

/**
 * May the next instalment of this plan move by `days` now? Once per order, by at most the policy's days,
 * before the due date, and never when an instalment of the order is overdue or failed.
 */
export function dueDateMove(plan: PaymentPlan, policy: MerchantPolicy, now: number, days: number): DueDateCheck {
  const refuse = (code: string, explanation: string): Refusal => ({ ok: false, code, explanation });
  if (!Number.isInteger(days) || days < 1) return refuse('bad_days', 'A due date can only move later, by whole days.');
  if (days > policy.dueDate.maxDays) {
    return refuse('too_far', `A due date can move by at most ${policy.dueDate.maxDays} days, and ${days} days is more than that.`);
  }
  if (plan.dueDateMoved && policy.dueDate.movesPerOrder <= 1) {
    return refuse('already_moved', `A due date of order ${plan.orderNumber} has already been moved once, which is all the rules allow.`);
  }
  const behind = plan.instalments.find((i) => i.status === 'overdue' || i.status === 'failed');
  if (behind) {
    return refuse('overdue', `Instalment ${behind.n} of order ${plan.orderNumber} is not paid yet, and a due date cannot move while one is behind.`);
  }
  const next = nextInstalment(plan);
  if (!next) return refuse('nothing_due', `Order ${plan.orderNumber} is fully paid; there is no due date to move.`);
  if (calendarDay(now) >= next.dueDate) {
    return refuse('too_late', `Instalment ${next.n} of order ${plan.orderNumber} is due today or earlier; a due date can only move before it.`);
  }
  return { ok: true, instalment: next, newDueDate: addDays(next.dueDate, days), days };
}

/** A plausible email address (the merchant confirms it by a link). */
export function validEmail(email: string): boolean {
  return /^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$/.test(email) && email.length <= 254;
}
