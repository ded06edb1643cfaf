// The written policy as pure rules (server/core/merchant.ts), at fixed instants: what Tandem checks before it
// asks the merchant, and what the demo merchant checks again.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  calendarDay,
  daysBetween,
  dueDateMove,
  money,
  nextInstalment,
  refundEligibility,
  validEmail,
  type Instalment,
  type MerchantPolicy,
  type Order,
  type OrderItem,
  type PaymentPlan,
} from '../../server/core/merchant.ts';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const TODAY = '2026-03-10';

const policy: MerchantPolicy = {
  currency: 'EUR',
  refund: { windowDays: 30, excludedCategories: ['personalised', 'hygiene', 'gift_card', 'digital'] },
  dueDate: { maxDays: 14, movesPerOrder: 1 },
};

function item(id: string, category: string, price: number, refunded = false): OrderItem {
  return { id, name: `Item ${id}`, category, price, refunded };
}

function delivered(deliveredAt: string, items: OrderItem[]): Order {
  return {
    number: 'LP-1',
    store: 'Test store',
    placedAt: '2026-02-01T10:00:00.000Z',
    status: 'delivered',
    items,
    total: items.reduce((sum, i) => sum + i.price, 0),
    currency: 'EUR',
    dispatchedAt: '2026-02-02T10:00:00.000Z',
    deliveredAt,
  };
}

function plan(instalments: Partial<Instalment>[], dueDateMoved = false): PaymentPlan {
  return {
    orderNumber: 'LP-1',
    name: 'Pay in 4',
    currency: 'EUR',
    paymentMethod: 'Visa •••• 4242',
    instalments: instalments.map((i, index) => ({ n: index + 1, amount: 25, dueDate: TODAY, status: 'scheduled', ...i })),
    dueDateMoved,
  };
}

describe('refund eligibility', () => {
  it('allows every item of an order delivered inside the window, for the sum of their prices', () => {
    const order = delivered('2026-03-01T09:00:00.000Z', [item('a', 'electronics', 129), item('b', 'clothing', 20.9)]);
    const check = refundEligibility(order, policy, NOW);
    expect(check).toEqual({ ok: true, items: order.items, amount: 149.9 });
  });

  it('allows a refund 30 whole days after delivery and refuses it from day 31', () => {
    const lastDay = delivered('2026-02-08T12:00:00.000Z', [item('a', 'electronics', 50)]);
    expect(daysBetween(lastDay.deliveredAt!, NOW)).toBe(30);
    expect(refundEligibility(lastDay, policy, NOW).ok).toBe(true);

    const dayAfter = delivered('2026-02-07T12:00:00.000Z', [item('a', 'electronics', 50)]);
    expect(daysBetween(dayAfter.deliveredAt!, NOW)).toBe(31);
    expect(refundEligibility(dayAfter, policy, NOW)).toMatchObject({ ok: false, code: 'outside_window' });
  });

  it('refuses an order delivered outside the window and says how long ago it was delivered', () => {
    const order = delivered('2026-01-20T12:00:00.000Z', [item('a', 'clothing', 189)]);
    const check = refundEligibility(order, policy, NOW);
    expect(check).toMatchObject({ ok: false, code: 'outside_window' });
    expect(!check.ok && check.explanation).toContain('49 days ago');
    expect(!check.ok && check.explanation).toContain('30 days');
  });

  it('refuses an order whose only item is in an excluded category, naming the category in words', () => {
    const order = delivered('2026-03-05T12:00:00.000Z', [{ ...item('g', 'gift_card', 50), name: 'Gift card 50 EUR' }]);
    const check = refundEligibility(order, policy, NOW);
    expect(check).toMatchObject({ ok: false, code: 'excluded_category' });
    expect(!check.ok && check.explanation).toBe('Gift card 50 EUR cannot be refunded: gift cards are excluded from refunds.');
  });

  it('refunds only the allowed items of a partly excluded order, for their amount', () => {
    const mug = { ...item('mug', 'personalised', 24), name: 'Personalised mug' };
    const tea = { ...item('tea', 'grocery', 21), name: 'Tea sampler' };
    const order = delivered('2026-03-07T12:00:00.000Z', [mug, tea]);

    const whole = refundEligibility(order, policy, NOW);
    expect(whole).toEqual({ ok: true, items: [tea], amount: 21 });

    const askedForBoth = refundEligibility(order, policy, NOW, ['mug', 'tea']);
    expect(askedForBoth).toEqual({ ok: true, items: [tea], amount: 21 });

    expect(refundEligibility(order, policy, NOW, ['mug'])).toMatchObject({ ok: false, code: 'excluded_category' });
  });

  it('adds the prices of several items to the cent', () => {
    const order = delivered('2026-03-07T12:00:00.000Z', [item('a', 'home', 0.1), item('b', 'home', 0.2), item('c', 'home', 19.99)]);
    expect(refundEligibility(order, policy, NOW)).toMatchObject({ ok: true, amount: 20.29 });
  });

  it('refuses an order that has not been delivered yet, whether confirmed or dispatched', () => {
    const dispatched: Order = { ...delivered('2026-03-07T12:00:00.000Z', [item('a', 'clothing', 99.9)]), status: 'dispatched' };
    delete dispatched.deliveredAt;
    expect(refundEligibility(dispatched, policy, NOW)).toMatchObject({ ok: false, code: 'not_delivered' });
    const confirmed: Order = { ...dispatched, status: 'confirmed' };
    expect(refundEligibility(confirmed, policy, NOW)).toMatchObject({ ok: false, code: 'not_delivered' });
  });

  it('refuses a cancelled order', () => {
    const order: Order = { ...delivered('2026-03-07T12:00:00.000Z', [item('a', 'clothing', 10)]), status: 'cancelled' };
    expect(refundEligibility(order, policy, NOW)).toMatchObject({ ok: false, code: 'cancelled' });
  });

  it('refuses items that were already refunded and leaves them out of a later refund', () => {
    const order = delivered('2026-03-07T12:00:00.000Z', [item('a', 'clothing', 30, true), item('b', 'clothing', 12.5)]);
    expect(refundEligibility(order, policy, NOW, ['a'])).toMatchObject({ ok: false, code: 'already_refunded' });
    expect(refundEligibility(order, policy, NOW)).toMatchObject({ ok: true, amount: 12.5, items: [order.items[1]] });

    const allDone = delivered('2026-03-07T12:00:00.000Z', [item('a', 'clothing', 30, true)]);
    expect(refundEligibility(allDone, policy, NOW)).toMatchObject({ ok: false, code: 'already_refunded' });
  });

  it('refuses an item id that is not part of the order', () => {
    const order = delivered('2026-03-07T12:00:00.000Z', [item('a', 'clothing', 30)]);
    expect(refundEligibility(order, policy, NOW, ['a', 'zzz'])).toMatchObject({ ok: false, code: 'unknown_item' });
  });
});

describe('moving a due date', () => {
  const future = (days: number) => addDays(TODAY, days);

  it('moves the next instalment by whole days within the limit', () => {
    const p = plan([{ status: 'paid', dueDate: future(-14) }, { dueDate: future(4) }, { dueDate: future(18) }]);
    const check = dueDateMove(p, policy, NOW, 14);
    expect(check).toEqual({ ok: true, instalment: p.instalments[1], newDueDate: future(18), days: 14 });
  });

  it('refuses more days than the policy allows', () => {
    const p = plan([{ status: 'paid', dueDate: future(-14) }, { dueDate: future(4) }]);
    const check = dueDateMove(p, policy, NOW, 15);
    expect(check).toMatchObject({ ok: false, code: 'too_far' });
    expect(!check.ok && check.explanation).toContain('at most 14 days');
  });

  it('refuses zero, negative or fractional days', () => {
    const p = plan([{ dueDate: future(4) }]);
    for (const days of [0, -3, 1.5]) expect(dueDateMove(p, policy, NOW, days)).toMatchObject({ ok: false, code: 'bad_days' });
  });

  it('refuses a second move on the same order', () => {
    const p = plan([{ status: 'paid', dueDate: future(-30) }, { dueDate: future(20) }], true);
    expect(dueDateMove(p, policy, NOW, 3)).toMatchObject({ ok: false, code: 'already_moved' });
  });

  it('allows a second move when the policy allows more than one per order', () => {
    const p = plan([{ status: 'paid', dueDate: future(-30) }, { dueDate: future(20) }], true);
    expect(dueDateMove(p, { ...policy, dueDate: { maxDays: 14, movesPerOrder: 2 } }, NOW, 3)).toMatchObject({ ok: true });
  });

  it('refuses while an instalment is failed or overdue, naming it', () => {
    const failed = plan([{ status: 'paid', dueDate: future(-16) }, { status: 'failed', dueDate: future(-2) }, { dueDate: future(12) }]);
    const check = dueDateMove(failed, policy, NOW, 5);
    expect(check).toMatchObject({ ok: false, code: 'overdue' });
    expect(!check.ok && check.explanation).toContain('Instalment 2');

    const overdue = plan([{ status: 'overdue', dueDate: future(-5) }, { dueDate: future(9) }]);
    expect(dueDateMove(overdue, policy, NOW, 5)).toMatchObject({ ok: false, code: 'overdue' });
  });

  it('refuses on the due date itself: a due date can only move before it', () => {
    const p = plan([{ status: 'paid', dueDate: future(-14) }, { dueDate: TODAY }]);
    expect(dueDateMove(p, policy, NOW, 3)).toMatchObject({ ok: false, code: 'too_late' });
    expect(dueDateMove(plan([{ status: 'paid', dueDate: future(-14) }, { dueDate: future(1) }]), policy, NOW, 3)).toMatchObject({ ok: true });
  });

  it('refuses when the plan is fully paid', () => {
    const p = plan([{ status: 'paid', dueDate: future(-28) }, { status: 'paid', dueDate: future(-14) }]);
    expect(dueDateMove(p, policy, NOW, 3)).toMatchObject({ ok: false, code: 'nothing_due' });
  });

  it('takes the earliest unpaid instalment as the next, skipping paid and cancelled ones', () => {
    const p = plan([{ status: 'paid', dueDate: future(-14) }, { status: 'cancelled', dueDate: future(0) }, { dueDate: future(28) }, { dueDate: future(14) }]);
    expect(nextInstalment(p)?.n).toBe(4);
    expect(nextInstalment(plan([{ status: 'paid' }]))).toBeNull();
  });
});

describe('dates, money and email addresses', () => {
  it('counts calendar days in UTC and across month ends', () => {
    expect(calendarDay(NOW)).toBe(TODAY);
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2026-03-10', -10)).toBe('2026-02-28');
    expect(addDays('2026-10-20', 14)).toBe('2026-11-03');
  });

  it('writes money with two decimals and the currency', () => {
    expect(money(99.9, 'EUR')).toBe('99.90 EUR');
    expect(money(1200, 'EUR')).toBe('1200.00 EUR');
  });

  it('accepts plausible email addresses and rejects the rest', () => {
    for (const ok of ['ana@example.com', 'ben.okafor+lumen@mail.example.de', 'x@a.io']) expect(validEmail(ok), ok).toBe(true);
    for (const bad of ['', 'ana', 'ana@', '@example.com', 'ana@example', 'ana @example.com', 'ana@exa mple.com', 'a@b@c.com', 'ana@example..com', `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`]) {
      expect(validEmail(bad), bad).toBe(false);
    }
  });
});
