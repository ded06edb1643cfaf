// The demo merchant: the seed other tests and the demo rely on, and what its actions change.
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/core/clock.ts';
import { addDays, calendarDay, DAY_MS, type Instalment, type PaymentPlan } from '../../server/core/merchant.ts';
import { DEMO_CUSTOMERS, DemoMerchant } from '../../server/merchant/demo-merchant.ts';
import { MerchantRefusal } from '../../server/merchant/merchant-api.ts';
import { CustomerRefSchema, MerchantPolicySchema, OrderSchema, PaymentPlanSchema } from '../../server/merchant/schema.ts';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const day = (offset: number) => addDays(calendarDay(NOW), offset);
const ago = (days: number) => new Date(NOW - days * DAY_MS).toISOString();

async function planOf(merchant: DemoMerchant, customerId: string, orderNumber: string): Promise<PaymentPlan> {
  const plan = (await merchant.paymentPlans(customerId)).find((p) => p.orderNumber === orderNumber);
  if (!plan) throw new Error(`no plan for ${orderNumber}`);
  return plan;
}
const summary = (plan: PaymentPlan) => plan.instalments.map((i: Instalment) => [i.n, i.amount, i.dueDate, i.status]);

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MerchantRefusal);
    return (error as MerchantRefusal).code;
  }
  throw new Error('expected a refusal');
}

describe('the demo merchant', () => {
  let clock: ManualClock;
  let merchant: DemoMerchant;
  beforeEach(() => {
    clock = new ManualClock(NOW);
    merchant = new DemoMerchant({ clock });
  });

  it('is seeded relative to its clock, and everything it returns matches the wire schemas', async () => {
    expect(await merchant.policy()).toEqual({
      currency: 'EUR',
      refund: { windowDays: 30, excludedCategories: ['personalised', 'hygiene', 'gift_card', 'digital'] },
      dueDate: { maxDays: 14, movesPerOrder: 1 },
    });
    MerchantPolicySchema.parse(await merchant.policy());
    for (const seeded of Object.values(DEMO_CUSTOMERS)) {
      const customer = await merchant.verifyCustomer({ orderNumber: seeded.orders[0], email: seeded.email });
      expect(customer).toMatchObject({ id: seeded.id, name: seeded.name, email: seeded.email });
      CustomerRefSchema.parse(customer);
      for (const order of await merchant.orders(seeded.id)) OrderSchema.parse(order);
      for (const plan of await merchant.paymentPlans(seeded.id)) PaymentPlanSchema.parse(plan);
    }
  });

  it('seeds Ana: delivered headphones, a fully paid jacket and dispatched running shoes, newest first', async () => {
    const orders = await merchant.orders('cus_ana');
    expect(orders.map((o) => o.number)).toEqual(['LP-10003', 'LP-10001', 'LP-10002']);
    const [shoes, headphones, jacket] = orders;
    expect(headphones).toEqual({
      number: 'LP-10001',
      store: 'Nordic Sound',
      placedAt: ago(10),
      status: 'delivered',
      items: [{ id: 'it_10001_1', name: 'Wireless headphones', category: 'electronics', price: 129, refunded: false }],
      total: 129,
      currency: 'EUR',
      dispatchedAt: ago(8),
      deliveredAt: ago(6),
      carrier: 'PostNord',
    });
    expect(jacket).toMatchObject({ store: 'Fjäll Outfitters', placedAt: ago(50), deliveredAt: ago(45), status: 'delivered', total: 189 });
    expect(shoes).toMatchObject({
      store: 'Stride',
      status: 'dispatched',
      placedAt: ago(2),
      dispatchedAt: ago(1),
      expectedDelivery: day(3),
      carrier: 'PostNord',
      trackingUrl: 'https://tracking.example/LP-10003',
      total: 99.9,
    });

    const headphonesPlan = await planOf(merchant, 'cus_ana', 'LP-10001');
    expect(headphonesPlan).toMatchObject({ name: 'Pay in 4', currency: 'EUR', paymentMethod: 'Visa •••• 4242', dueDateMoved: false });
    expect(summary(headphonesPlan)).toEqual([
      [1, 32.25, day(-10), 'paid'],
      [2, 32.25, day(4), 'scheduled'],
      [3, 32.25, day(18), 'scheduled'],
      [4, 32.25, day(32), 'scheduled'],
    ]);
    expect(headphonesPlan.instalments[0]).toMatchObject({ paidAt: ago(10), lastAttempt: { at: ago(10), outcome: 'succeeded' } });
    expect((await planOf(merchant, 'cus_ana', 'LP-10002')).instalments.every((i) => i.status === 'paid' && i.amount === 47.25)).toBe(true);
    const shoesPlan = await planOf(merchant, 'cus_ana', 'LP-10003');
    expect(shoesPlan.instalments.map((i) => i.amount)).toEqual([24.98, 24.98, 24.97, 24.97]);
    expect(shoesPlan.instalments.map((i) => i.status)).toEqual(['paid', 'scheduled', 'scheduled', 'scheduled']);
  });

  it('seeds Ben: a sofa on six monthly instalments moved once already, and a grinder with a failed instalment', async () => {
    const sofa = await planOf(merchant, 'cus_ben', 'LP-20001');
    expect(sofa).toMatchObject({ name: '6 monthly instalments', paymentMethod: 'SEPA account •••• 3010', dueDateMoved: true });
    expect(summary(sofa)).toEqual([
      [1, 200, day(-70), 'paid'],
      [2, 200, day(-40), 'paid'],
      [3, 200, day(-10), 'paid'],
      [4, 200, day(20), 'scheduled'],
      [5, 200, day(50), 'scheduled'],
      [6, 200, day(80), 'scheduled'],
    ]);
    const grinder = await planOf(merchant, 'cus_ben', 'LP-20002');
    expect(grinder.paymentMethod).toBe('Mastercard •••• 5100');
    expect(grinder.instalments[1]).toEqual({
      n: 2,
      amount: 19.75,
      dueDate: day(-2),
      status: 'failed',
      lastAttempt: { at: ago(1), outcome: 'failed', reason: 'insufficient funds' },
    });
    expect((await merchant.orders('cus_ben')).map((o) => [o.number, o.status, o.deliveredAt])).toEqual([
      ['LP-20002', 'delivered', ago(12)],
      ['LP-20001', 'delivered', ago(60)],
    ]);
  });

  it('seeds Carla: a personalised mug with a tea sampler, a gift card and a lamp placed today', async () => {
    const orders = await merchant.orders('cus_carla');
    expect(orders.map((o) => [o.number, o.store, o.status, o.total])).toEqual([
      ['LP-30003', 'Luz', 'confirmed', 45],
      ['LP-30002', 'Casa Regalo', 'delivered', 50],
      ['LP-30001', 'Casa Regalo', 'delivered', 45],
    ]);
    expect(orders[0]).toMatchObject({ placedAt: ago(0), expectedDelivery: day(5) });
    expect(orders[2]!.items.map((i) => [i.id, i.category, i.price])).toEqual([
      ['it_30001_1', 'personalised', 24],
      ['it_30001_2', 'grocery', 21],
    ]);
    expect((await planOf(merchant, 'cus_carla', 'LP-30002')).instalments.map((i) => i.amount)).toEqual([12.5, 12.5, 12.5, 12.5]);
  });

  it('recognises a customer by order number and email in any case, and nobody else', async () => {
    expect((await merchant.verifyCustomer({ orderNumber: ' lp-20002 ', email: ' Ben@Example.COM ' }))?.id).toBe('cus_ben');
    expect(await merchant.verifyCustomer({ orderNumber: 'LP-20002', email: 'ana@example.com' })).toBeNull();
    expect(await merchant.verifyCustomer({ orderNumber: 'LP-2000', email: 'ben@example.com' })).toBeNull();
  });

  it('hands out copies: changing what it returned changes nothing in the store', async () => {
    const orders = await merchant.orders('cus_ana');
    orders[0]!.items[0]!.refunded = true;
    const plan = await planOf(merchant, 'cus_ana', 'LP-10001');
    plan.instalments[1]!.status = 'paid';
    const customer = await merchant.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana@example.com' });
    customer!.address!.city = 'Elsewhere';
    const policy = await merchant.policy();
    policy.refund.windowDays = 365;

    expect((await merchant.orders('cus_ana'))[0]!.items[0]!.refunded).toBe(false);
    expect((await planOf(merchant, 'cus_ana', 'LP-10001')).instalments[1]!.status).toBe('scheduled');
    expect((await merchant.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana@example.com' }))!.address!.city).toBe('Stockholm');
    expect((await merchant.policy()).refund.windowDays).toBe(30);
  });

  it('a full refund marks the items refunded and cancels every unpaid instalment', async () => {
    const refund = await merchant.refund({ customerId: 'cus_ben', orderNumber: 'LP-20002', itemIds: [], reason: 'broken', idempotencyKey: 'k' });
    expect(refund).toEqual({ refundId: 'rf_0001', orderNumber: 'LP-20002', itemIds: ['it_20002_1'], amount: 79, currency: 'EUR', status: 'processing' });
    expect((await merchant.orders('cus_ben')).find((o) => o.number === 'LP-20002')!.items[0]!.refunded).toBe(true);
    expect((await planOf(merchant, 'cus_ben', 'LP-20002')).instalments.map((i) => i.status)).toEqual(['paid', 'cancelled', 'cancelled', 'cancelled']);
    expect(merchant.refunds()).toEqual([refund]);
  });

  it('a partial refund takes the amount off the unpaid instalments, starting with the last', async () => {
    // Carla asks for both items of LP-30001: only the tea sampler (21.00) may be refunded.
    const refund = await merchant.refund({ customerId: 'cus_carla', orderNumber: 'LP-30001', itemIds: ['it_30001_1', 'it_30001_2'], reason: 'gift not needed', idempotencyKey: 'k' });
    expect(refund).toMatchObject({ itemIds: ['it_30001_2'], amount: 21 });
    const plan = await planOf(merchant, 'cus_carla', 'LP-30001');
    expect(plan.instalments.map((i) => [i.amount, i.status])).toEqual([
      [11.25, 'paid'],
      [11.25, 'scheduled'],
      [1.5, 'scheduled'],
      [0, 'cancelled'],
    ]);
    const items = (await merchant.orders('cus_carla')).find((o) => o.number === 'LP-30001')!.items;
    expect(items.map((i) => i.refunded)).toEqual([false, true]);
  });

  it('re-checks the policy itself: nothing excluded, late or undelivered is refunded', async () => {
    expect(await refusalCode(merchant.refund({ customerId: 'cus_carla', orderNumber: 'LP-30002', itemIds: [], reason: 'x', idempotencyKey: '1' }))).toBe('excluded_category');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_carla', orderNumber: 'LP-30001', itemIds: ['it_30001_1'], reason: 'x', idempotencyKey: '2' }))).toBe('excluded_category');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_ana', orderNumber: 'LP-10002', itemIds: [], reason: 'x', idempotencyKey: '3' }))).toBe('outside_window');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_ben', orderNumber: 'LP-20001', itemIds: [], reason: 'x', idempotencyKey: '4' }))).toBe('outside_window');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_ana', orderNumber: 'LP-10003', itemIds: [], reason: 'x', idempotencyKey: '5' }))).toBe('not_delivered');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_carla', orderNumber: 'LP-30003', itemIds: [], reason: 'x', idempotencyKey: '6' }))).toBe('not_delivered');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_carla', orderNumber: 'LP-10001', itemIds: [], reason: 'x', idempotencyKey: '7' }))).toBe('unknown_order');
    expect(await refusalCode(merchant.refund({ customerId: 'cus_zed', orderNumber: 'LP-10001', itemIds: [], reason: 'x', idempotencyKey: '8' }))).toBe('unknown_customer');
    expect(merchant.refunds()).toEqual([]);
  });

  it('repeats the first result for a repeated idempotency key and refuses the key for a different request', async () => {
    const input = { customerId: 'cus_ana', orderNumber: 'LP-10001', itemIds: ['it_10001_1'], reason: 'x', idempotencyKey: 'once' };
    const first = await merchant.refund(input);
    expect(await merchant.refund(input)).toEqual(first);
    expect(merchant.refunds()).toHaveLength(1);
    expect(await refusalCode(merchant.refund({ ...input, orderNumber: 'LP-10002' }))).toBe('idempotency_key_reused');
    // A refused action is not remembered: the same key may be used again once the request is right.
    expect(await refusalCode(merchant.changeEmail({ customerId: 'cus_ana', email: 'nope', idempotencyKey: 'mail' }))).toBe('bad_email');
    expect(await merchant.changeEmail({ customerId: 'cus_ana', email: 'ana@example.org', idempotencyKey: 'mail-2' })).toEqual({ email: 'ana@example.org', confirmationSent: true });
  });

  it('moves the next instalment and the later scheduled ones by the same days, once', async () => {
    const plan = await merchant.moveDueDate({ customerId: 'cus_ana', orderNumber: 'LP-10001', instalment: 2, newDueDate: day(4 + 14), idempotencyKey: 'm' });
    expect(summary(plan)).toEqual([
      [1, 32.25, day(-10), 'paid'],
      [2, 32.25, day(18), 'scheduled'],
      [3, 32.25, day(32), 'scheduled'],
      [4, 32.25, day(46), 'scheduled'],
    ]);
    expect(plan.dueDateMoved).toBe(true);
    expect(await planOf(merchant, 'cus_ana', 'LP-10001')).toEqual(plan);
    expect(await refusalCode(merchant.moveDueDate({ customerId: 'cus_ana', orderNumber: 'LP-10001', instalment: 2, newDueDate: day(19), idempotencyKey: 'm2' }))).toBe('already_moved');
  });

  it('refuses due-date moves the policy does not allow, with the reason that applies', async () => {
    const move = (customerId: string, orderNumber: string, instalment: number, newDueDate: string) =>
      refusalCode(merchant.moveDueDate({ customerId, orderNumber, instalment, newDueDate, idempotencyKey: `${orderNumber}-${instalment}-${newDueDate}` }));
    expect(await move('cus_ana', 'LP-10001', 2, day(4 + 15))).toBe('too_far');
    expect(await move('cus_ana', 'LP-10001', 2, day(4))).toBe('bad_days');
    expect(await move('cus_ana', 'LP-10001', 3, day(20))).toBe('not_next_instalment');
    expect(await move('cus_ana', 'LP-10001', 2, '2026-02-30')).toBe('bad_date');
    expect(await move('cus_ana', 'LP-10002', 2, day(10))).toBe('nothing_due');
    expect(await move('cus_ben', 'LP-20001', 4, day(23))).toBe('already_moved');
    expect(await move('cus_ben', 'LP-20002', 3, day(15))).toBe('overdue');
    clock.advance(4 * DAY_MS);
    expect(await move('cus_ana', 'LP-10001', 2, day(8))).toBe('too_late');
    expect((await planOf(merchant, 'cus_ana', 'LP-10001')).dueDateMoved).toBe(false);
  });

  it('keeps the old email until the new one is confirmed, and refuses addresses that are not emails or belong to someone else', async () => {
    expect(await merchant.changeEmail({ customerId: 'cus_carla', email: ' carla.ruiz@example.es ', idempotencyKey: 'e' })).toEqual({
      email: 'carla.ruiz@example.es',
      confirmationSent: true,
    });
    expect(merchant.pendingEmail('cus_carla')).toBe('carla.ruiz@example.es');
    expect((await merchant.verifyCustomer({ orderNumber: 'LP-30001', email: 'carla@example.com' }))?.email).toBe('carla@example.com');
    expect(merchant.confirmEmail('cus_carla')).toBe('carla.ruiz@example.es');
    expect((await merchant.verifyCustomer({ orderNumber: 'LP-30001', email: 'carla.ruiz@example.es' }))?.id).toBe('cus_carla');
    expect(await merchant.verifyCustomer({ orderNumber: 'LP-30001', email: 'carla@example.com' })).toBeNull();

    expect(await refusalCode(merchant.changeEmail({ customerId: 'cus_carla', email: 'carla@', idempotencyKey: 'e2' }))).toBe('bad_email');
    expect(await refusalCode(merchant.changeEmail({ customerId: 'cus_carla', email: 'BEN@example.com', idempotencyKey: 'e3' }))).toBe('email_in_use');
  });

  it('changes the home address', async () => {
    const address = { line1: ' Gran Vía 1 ', line2: '', postalCode: '28013', city: 'Madrid', country: 'ES' };
    expect(await merchant.changeAddress({ customerId: 'cus_carla', address, idempotencyKey: 'a' })).toEqual({
      address: { line1: 'Gran Vía 1', postalCode: '28013', city: 'Madrid', country: 'ES' },
    });
    expect((await merchant.verifyCustomer({ orderNumber: 'LP-30001', email: 'carla@example.com' }))?.address?.line1).toBe('Gran Vía 1');
    expect(await refusalCode(merchant.changeAddress({ customerId: 'cus_carla', address: { ...address, city: ' ' }, idempotencyKey: 'b' }))).toBe('bad_address');
  });
});
