// The merchant API over real HTTP on loopback: the demo merchant behind merchantRouter, asked by HttpMerchantApi.
// What Tandem gets over the wire must be what the merchant has, refusals must arrive as refusals, and anything
// else that goes wrong must arrive as MerchantUnavailable, quickly and without the key in the message.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/core/clock.ts';
import { addDays, DAY_MS } from '../../server/core/merchant.ts';
import { DEMO_CUSTOMERS, DemoMerchant } from '../../server/merchant/demo-merchant.ts';
import { HttpMerchantApi } from '../../server/merchant/http-merchant.ts';
import { MerchantRefusal, MerchantUnavailable, type MerchantApi } from '../../server/merchant/merchant-api.ts';
import { merchantRouter } from '../../server/merchant/merchant-router.ts';

const START = '2026-03-10T12:00:00.000Z';
const API_KEY = 'test-key-5f1c9a2b7d';

const servers: Server[] = [];
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function closeAll(): Promise<void> {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}

function merchantApp(api: MerchantApi, apiKey?: string): express.Express {
  const app = express();
  app.use('/merchant/v1', merchantRouter(api, apiKey ? { apiKey } : {}));
  return app;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('the demo merchant over HTTP', () => {
  let clock: ManualClock;
  let merchant: DemoMerchant;
  /** the same merchant, never served: what calling it directly gives */
  let twin: DemoMerchant;
  let baseUrl: string;
  let http: HttpMerchantApi;

  beforeEach(async () => {
    clock = new ManualClock(START);
    merchant = new DemoMerchant({ clock });
    twin = new DemoMerchant({ clock });
    baseUrl = `${await serve(merchantApp(merchant, API_KEY))}/merchant/v1`;
    http = new HttpMerchantApi({ baseUrl, apiKey: API_KEY, timeoutMs: 2000 });
  });
  afterEach(closeAll);

  it('reads every customer, their orders, their payment plans and the policy exactly as the merchant has them', async () => {
    for (const seeded of Object.values(DEMO_CUSTOMERS)) {
      const input = { orderNumber: seeded.orders[0].toLowerCase(), email: ` ${seeded.email.toUpperCase()} ` };
      const customer = await http.verifyCustomer(input);
      expect(customer).toEqual(await merchant.verifyCustomer(input));
      expect(customer?.id).toBe(seeded.id);
      expect(customer?.address).toBeDefined();

      const orders = await http.orders(seeded.id);
      expect(orders).toEqual(await merchant.orders(seeded.id));
      expect(orders.map((o) => o.number).sort()).toEqual([...seeded.orders].sort());

      const plans = await http.paymentPlans(seeded.id);
      expect(plans).toEqual(await merchant.paymentPlans(seeded.id));
      expect(plans).toHaveLength(seeded.orders.length);
    }
    expect(await http.policy()).toEqual(await merchant.policy());
  });

  it('answers null for an order number and email that do not belong together', async () => {
    expect(await http.verifyCustomer({ orderNumber: 'LP-20001', email: 'ana@example.com' })).toBeNull();
    expect(await http.verifyCustomer({ orderNumber: 'LP-99999', email: 'ana@example.com' })).toBeNull();
  });

  it('carries out every action with the same result and the same effect as calling the merchant directly', async () => {
    const { ana, ben, carla } = DEMO_CUSTOMERS;
    const both = async <T>(act: (api: MerchantApi) => Promise<T>): Promise<T> => {
      const overHttp = await act(http);
      expect(overHttp).toEqual(await act(twin));
      return overHttp;
    };

    const refund = await both((api) => api.refund({ customerId: ana.id, orderNumber: 'LP-10001', itemIds: ['it_10001_1'], reason: 'changed my mind', idempotencyKey: 'r1' }));
    expect(refund).toMatchObject({ orderNumber: 'LP-10001', itemIds: ['it_10001_1'], amount: 129, currency: 'EUR', status: 'processing' });

    const partial = await both((api) => api.refund({ customerId: carla.id, orderNumber: 'LP-30001', itemIds: [], reason: 'not needed', idempotencyKey: 'r2' }));
    expect(partial).toMatchObject({ itemIds: ['it_30001_2'], amount: 21 });

    expect(await both((api) => api.changeEmail({ customerId: ben.id, email: 'ben.okafor@example.org', idempotencyKey: 'e1' }))).toEqual({
      email: 'ben.okafor@example.org',
      confirmationSent: true,
    });

    const address = { line1: 'Kungsgatan 1', line2: 'lgh 1102', postalCode: '111 43', city: 'Stockholm', country: 'SE' };
    expect(await both((api) => api.changeAddress({ customerId: ana.id, address, idempotencyKey: 'a1' }))).toEqual({ address });

    const [before] = (await twin.paymentPlans(ana.id)).filter((p) => p.orderNumber === 'LP-10003');
    const second = before!.instalments[1]!;
    const plan = await both((api) =>
      api.moveDueDate({ customerId: ana.id, orderNumber: 'LP-10003', instalment: 2, newDueDate: addDays(second.dueDate, 7), idempotencyKey: 'd1' }),
    );
    expect(plan.dueDateMoved).toBe(true);
    expect(plan.instalments.map((i) => i.dueDate)).toEqual(before!.instalments.map((i) => (i.n >= 2 ? addDays(i.dueDate, 7) : i.dueDate)));

    for (const id of [ana.id, ben.id, carla.id]) {
      expect(await http.orders(id)).toEqual(await twin.orders(id));
      expect(await http.paymentPlans(id)).toEqual(await twin.paymentPlans(id));
    }
    expect(merchant.refunds()).toEqual(twin.refunds());
  });

  it('passes on a refund outside the window as the merchant’s refusal, and refunds nothing', async () => {
    const error = await failure(
      http.refund({ customerId: 'cus_ana', orderNumber: 'LP-10002', itemIds: ['it_10002_1'], reason: 'too warm', idempotencyKey: 'late-1' }),
    );
    expect(error).toBeInstanceOf(MerchantRefusal);
    expect((error as MerchantRefusal).code).toBe('outside_window');
    expect(error.message).toBe('Order LP-10002 was delivered 45 days ago, and refunds are possible within 30 days of delivery.');
    expect(merchant.refunds()).toEqual([]);
  });

  it('passes on the merchant’s other refusals with their codes', async () => {
    const code = async (promise: Promise<unknown>) => {
      const error = await failure(promise);
      expect(error).toBeInstanceOf(MerchantRefusal);
      return (error as MerchantRefusal).code;
    };
    expect(await code(http.refund({ customerId: 'cus_carla', orderNumber: 'LP-30002', itemIds: [], reason: 'x', idempotencyKey: 'k1' }))).toBe('excluded_category');
    expect(await code(http.refund({ customerId: 'cus_ana', orderNumber: 'LP-10003', itemIds: [], reason: 'x', idempotencyKey: 'k2' }))).toBe('not_delivered');
    expect(await code(http.refund({ customerId: 'cus_ana', orderNumber: 'LP-20001', itemIds: [], reason: 'x', idempotencyKey: 'k3' }))).toBe('unknown_order');
    const ben = await twin.paymentPlans('cus_ben');
    const sofa = ben.find((p) => p.orderNumber === 'LP-20001')!.instalments[3]!;
    expect(await code(http.moveDueDate({ customerId: 'cus_ben', orderNumber: 'LP-20001', instalment: 4, newDueDate: addDays(sofa.dueDate, 3), idempotencyKey: 'k4' }))).toBe('already_moved');
    const grinder = ben.find((p) => p.orderNumber === 'LP-20002')!.instalments[2]!;
    expect(await code(http.moveDueDate({ customerId: 'cus_ben', orderNumber: 'LP-20002', instalment: 3, newDueDate: addDays(grinder.dueDate, 3), idempotencyKey: 'k5' }))).toBe('overdue');
    expect(await code(http.changeEmail({ customerId: 'cus_ana', email: 'not an email', idempotencyKey: 'k6' }))).toBe('bad_email');
    expect(await code(http.orders('cus_nobody'))).toBe('unknown_customer');
    expect(merchant.refunds()).toEqual([]);
  });

  it('refunds once when the same idempotency key is sent twice', async () => {
    const input = { customerId: 'cus_ana', orderNumber: 'LP-10001', itemIds: ['it_10001_1'], reason: 'changed my mind', idempotencyKey: 'same-key' };
    const first = await http.refund(input);
    const second = await http.refund(input);
    expect(second).toEqual(first);
    expect(merchant.refunds()).toEqual([first]);
    const retry = await failure(http.refund({ ...input, idempotencyKey: 'another-key' }));
    expect((retry as MerchantRefusal).code).toBe('already_refunded');
    expect(merchant.refunds()).toHaveLength(1);
  });

  it('moves a due date once when the same idempotency key is sent twice', async () => {
    const [plan] = (await http.paymentPlans('cus_ana')).filter((p) => p.orderNumber === 'LP-10001');
    const input = { customerId: 'cus_ana', orderNumber: 'LP-10001', instalment: 2, newDueDate: addDays(plan!.instalments[1]!.dueDate, 5), idempotencyKey: 'move-1' };
    const first = await http.moveDueDate(input);
    expect(await http.moveDueDate(input)).toEqual(first);
    const [after] = (await merchant.paymentPlans('cus_ana')).filter((p) => p.orderNumber === 'LP-10001');
    expect(after!.instalments[1]!.dueDate).toBe(input.newDueDate);
  });

  it('reports a rejected api key as unavailable, without the key in the message', async () => {
    for (const apiKey of ['wrong-key-123', undefined]) {
      const client = new HttpMerchantApi({ baseUrl, ...(apiKey ? { apiKey } : {}), timeoutMs: 2000 });
      const error = await failure(client.orders('cus_ana'));
      expect(error).toBeInstanceOf(MerchantUnavailable);
      expect(error.message).toContain('GET /customers/:customerId/orders');
      expect(error.message).toContain('401');
      expect(error.message).not.toContain('wrong-key-123');
      expect(error.message).not.toContain(API_KEY);
    }
  });

  it('answers malformed bodies with 400 invalid_payload, a missing Idempotency-Key with 400, a refused value with 422 and a missing bearer with 401', async () => {
    const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    const call = async (path: string, init: RequestInit) => {
      const response = await fetch(`${baseUrl}${path}`, init);
      return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
    };

    const notJson = await call('/customers/verify', { method: 'POST', headers: auth, body: '{"orderNumber":' });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });

    const missingEmail = await call('/customers/verify', { method: 'POST', headers: auth, body: JSON.stringify({ orderNumber: 'LP-10001' }) });
    expect(missingEmail.status).toBe(400);
    expect(missingEmail.body.error?.code).toBe('invalid_payload');
    expect(missingEmail.body.error?.message).toContain('email');

    const noKey = await call('/customers/cus_ana/refunds', { method: 'POST', headers: auth, body: JSON.stringify({ orderNumber: 'LP-10001', itemIds: [], reason: 'x' }) });
    expect(noKey.status).toBe(400);
    expect(merchant.refunds()).toEqual([]);

    const badDay = await call('/customers/cus_ana/payment-plans/LP-10001/due-date', {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'x' },
      body: JSON.stringify({ instalment: 2, newDueDate: '12/03/2026' }),
    });
    expect(badDay).toMatchObject({ status: 422, body: { error: { code: 'bad_date' } } });

    const notANumber = await call('/customers/cus_ana/payment-plans/LP-10001/due-date', {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'y' },
      body: JSON.stringify({ instalment: 'two', newDueDate: '2026-03-20' }),
    });
    expect(notANumber).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });

    const huge = await call('/customers/cus_ana/email', { method: 'PUT', headers: { ...auth, 'idempotency-key': 'x' }, body: JSON.stringify({ email: 'a'.repeat(20_000) }) });
    expect(huge.status).toBe(413);

    const anonymous = await call('/policy', { method: 'GET' });
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });

    const unknown = await call('/customers/cus_nobody/orders', { method: 'GET', headers: auth });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_customer' } } });
  });

  it('keeps the old email address for sign-in until the new one is confirmed', async () => {
    await http.changeEmail({ customerId: 'cus_ana', email: 'ana.l@example.org', idempotencyKey: 'e1' });
    expect((await http.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana@example.com' }))?.email).toBe('ana@example.com');
    expect(await http.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana.l@example.org' })).toBeNull();
    merchant.confirmEmail('cus_ana');
    expect((await http.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana.l@example.org' }))?.id).toBe('cus_ana');
  });

  it('uses the clock: a refund allowed today is refused once the window has passed', async () => {
    clock.advance(25 * DAY_MS);
    const error = await failure(http.refund({ customerId: 'cus_ana', orderNumber: 'LP-10001', itemIds: [], reason: 'x', idempotencyKey: 'later' }));
    expect((error as MerchantRefusal).code).toBe('outside_window');
  });
});

describe('a merchant that cannot be asked', () => {
  afterAll(closeAll);

  it('reports a server that answers {} as unavailable, naming the endpoint', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const api = new HttpMerchantApi({ baseUrl, timeoutMs: 2000 });
    for (const [call, endpoint] of [
      [() => api.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana@example.com' }), 'POST /customers/verify'],
      [() => api.orders('cus_ana'), 'GET /customers/:customerId/orders'],
      [() => api.paymentPlans('cus_ana'), 'GET /customers/:customerId/payment-plans'],
      [() => api.policy(), 'GET /policy'],
      [() => api.refund({ customerId: 'cus_ana', orderNumber: 'LP-10001', itemIds: [], reason: 'x', idempotencyKey: 'k' }), 'POST /customers/:customerId/refunds'],
    ] as const) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(MerchantUnavailable);
      expect(error.message).toContain(endpoint);
    }
  });

  it('reports a wrong base URL as unavailable instead of "no such customer"', async () => {
    const baseUrl = await serve(express().use(merchantRouter(new DemoMerchant({ clock: new ManualClock(START) }))));
    const wrong = new HttpMerchantApi({ baseUrl: `${baseUrl}/not-the-api`, timeoutMs: 2000 });
    const error = await failure(wrong.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana@example.com' }));
    expect(error).toBeInstanceOf(MerchantUnavailable);
    expect(error.message).toContain('POST /customers/verify');
    const right = new HttpMerchantApi({ baseUrl, timeoutMs: 2000 });
    expect(await right.verifyCustomer({ orderNumber: 'LP-10001', email: 'ana@example.com' })).toMatchObject({ id: 'cus_ana' });
  });

  it('reports a server that never answers as unavailable within the timeout', async () => {
    const baseUrl = await serve(() => {
      /* never answers */
    });
    const api = new HttpMerchantApi({ baseUrl, apiKey: API_KEY, timeoutMs: 300 });
    const started = performance.now();
    const error = await failure(api.policy());
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(MerchantUnavailable);
    expect(error.message).toContain('300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('reports a closed port as unavailable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const api = new HttpMerchantApi({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    const error = await failure(api.orders('cus_ana'));
    expect(error).toBeInstanceOf(MerchantUnavailable);
    expect(error.message).toContain('could not be reached');
    expect(error.message).not.toContain(API_KEY);
  });

  it('reports a 5xx, a 422 without an error body and a redirect as unavailable, and does not follow the redirect', async () => {
    let followed = false;
    const baseUrl = await serve((req, res) => {
      if (req.url === '/policy') res.writeHead(503).end('busy');
      else if (req.url?.startsWith('/customers/cus_ana/orders')) res.writeHead(422, { 'content-type': 'application/json' }).end('{"nope":true}');
      else if (req.url === '/elsewhere/customers/cus_ana/payment-plans') {
        followed = true;
        res.writeHead(200).end('{"plans":[]}');
      } else res.writeHead(307, { location: '/elsewhere/customers/cus_ana/payment-plans' }).end();
    });
    const api = new HttpMerchantApi({ baseUrl, apiKey: API_KEY, timeoutMs: 2000 });
    expect((await failure(api.policy())).message).toContain('503');
    expect(await failure(api.orders('cus_ana'))).toBeInstanceOf(MerchantUnavailable);
    const redirected = await failure(api.paymentPlans('cus_ana'));
    expect(redirected).toBeInstanceOf(MerchantUnavailable);
    expect(redirected.message).toContain('redirect');
    expect(followed).toBe(false);
  });

  it('sends the bearer key and the Idempotency-Key header, and escapes ids in the path', async () => {
    const seen: { url?: string; auth?: string; key?: string } = {};
    const baseUrl = await serve((req, res) => {
      Object.assign(seen, { url: req.url, auth: req.headers.authorization, key: req.headers['idempotency-key'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ email: 'x@example.com', confirmationSent: true }));
    });
    const api = new HttpMerchantApi({ baseUrl: `${baseUrl}/`, apiKey: API_KEY });
    await api.changeEmail({ customerId: 'cus/../1', email: 'x@example.com', idempotencyKey: 'idem-42' });
    expect(seen).toEqual({ url: '/customers/cus%2F..%2F1/email', auth: `Bearer ${API_KEY}`, key: 'idem-42' });
  });
});
