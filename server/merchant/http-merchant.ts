// The merchant's own service over HTTP (TANDEM_MERCHANT_API; endpoints in docs/MERCHANT-API.md). Every answer
// is validated before Tandem believes it. What can go wrong is one of two things for the caller: the merchant
// said no (MerchantRefusal, from a 422) or the merchant could not be asked (MerchantUnavailable: network error,
// timeout, 5xx, rejected credentials, a redirect, an answer that is not what the contract says).
import type { z } from 'zod';
import type { Address, CustomerRef, MerchantPolicy, Order, PaymentPlan } from '../core/merchant.ts';
import { MerchantRefusal, MerchantUnavailable, type MerchantApi, type RefundResult } from './merchant-api.ts';
import {
  ChangeAddressResponseSchema,
  ChangeEmailResponseSchema,
  describeIssues,
  ErrorResponseSchema,
  MoveDueDateResponseSchema,
  OrdersResponseSchema,
  PaymentPlansResponseSchema,
  PolicyResponseSchema,
  RefundResponseSchema,
  VerifyCustomerResponseSchema,
} from './schema.ts';

export const DEFAULT_MERCHANT_TIMEOUT_MS = 5000;

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  /** the endpoint as documented, for messages: "POST /customers/:customerId/refunds" */
  endpoint: string;
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  /** verify answers 404 (with a JSON or empty body) for "no such customer" */
  notFoundIsNull?: boolean;
}

export class HttpMerchantApi implements MerchantApi {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: { baseUrl: string; apiKey?: string; timeoutMs?: number }) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError('The merchant API base URL is not a URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('The merchant API base URL must be http:// or https://.');
    this.#baseUrl = url.href.replace(/\/+$/, '');
    this.#apiKey = options.apiKey || undefined;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_MERCHANT_TIMEOUT_MS;
  }

  async verifyCustomer(input: { orderNumber: string; email: string }): Promise<CustomerRef | null> {
    const body = await this.#call(
      { method: 'POST', endpoint: 'POST /customers/verify', path: '/customers/verify', body: { orderNumber: input.orderNumber, email: input.email }, notFoundIsNull: true },
      VerifyCustomerResponseSchema,
    );
    return body?.customer ?? null;
  }

  async orders(customerId: string): Promise<Order[]> {
    const body = await this.#need(
      { method: 'GET', endpoint: 'GET /customers/:customerId/orders', path: `/customers/${seg(customerId)}/orders` },
      OrdersResponseSchema,
    );
    return body.orders;
  }

  async paymentPlans(customerId: string): Promise<PaymentPlan[]> {
    const body = await this.#need(
      { method: 'GET', endpoint: 'GET /customers/:customerId/payment-plans', path: `/customers/${seg(customerId)}/payment-plans` },
      PaymentPlansResponseSchema,
    );
    return body.plans;
  }

  async policy(): Promise<MerchantPolicy> {
    const body = await this.#need({ method: 'GET', endpoint: 'GET /policy', path: '/policy' }, PolicyResponseSchema);
    return body.policy;
  }

  async refund(input: { customerId: string; orderNumber: string; itemIds: string[]; reason: string; idempotencyKey: string }): Promise<RefundResult> {
    const body = await this.#need(
      {
        method: 'POST',
        endpoint: 'POST /customers/:customerId/refunds',
        path: `/customers/${seg(input.customerId)}/refunds`,
        body: { orderNumber: input.orderNumber, itemIds: input.itemIds, reason: input.reason },
        idempotencyKey: input.idempotencyKey,
      },
      RefundResponseSchema,
    );
    return body.refund;
  }

  async changeEmail(input: { customerId: string; email: string; idempotencyKey: string }): Promise<{ email: string; confirmationSent: boolean }> {
    return this.#need(
      {
        method: 'PUT',
        endpoint: 'PUT /customers/:customerId/email',
        path: `/customers/${seg(input.customerId)}/email`,
        body: { email: input.email },
        idempotencyKey: input.idempotencyKey,
      },
      ChangeEmailResponseSchema,
    );
  }

  async changeAddress(input: { customerId: string; address: Address; idempotencyKey: string }): Promise<{ address: Address }> {
    return this.#need(
      {
        method: 'PUT',
        endpoint: 'PUT /customers/:customerId/address',
        path: `/customers/${seg(input.customerId)}/address`,
        body: { address: input.address },
        idempotencyKey: input.idempotencyKey,
      },
      ChangeAddressResponseSchema,
    );
  }

  async moveDueDate(input: { customerId: string; orderNumber: string; instalment: number; newDueDate: string; idempotencyKey: string }): Promise<PaymentPlan> {
    const body = await this.#need(
      {
        method: 'POST',
        endpoint: 'POST /customers/:customerId/payment-plans/:orderNumber/due-date',
        path: `/customers/${seg(input.customerId)}/payment-plans/${seg(input.orderNumber)}/due-date`,
        body: { instalment: input.instalment, newDueDate: input.newDueDate },
        idempotencyKey: input.idempotencyKey,
      },
      MoveDueDateResponseSchema,
    );
    return body.plan;
  }

  async #need<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
    const body = await this.#call(call, schema);
    if (body === null) throw this.#unavailable(call, 'answered 404');
    return body;
  }

  /** One request: the validated body, or null for a 404 where that means "nobody". */
  async #call<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S> | null> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;

    let response: globalThis.Response;
    let text: string;
    try {
      response = await fetch(this.#baseUrl + call.path, {
        method: call.method,
        headers,
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        // A merchant API does not redirect; following one could carry the key elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw this.#unavailable(call, `did not answer within ${this.#timeoutMs} ms`, error);
      }
      throw this.#unavailable(call, `could not be reached (${networkReason(error)})`, error);
    }

    const { status } = response;
    if (status === 404 && call.notFoundIsNull) {
      // "Nobody" is a 404 with a JSON (or empty) body; a web server's HTML page for a path it does not know
      // means the base URL is wrong, which must not read as "no such customer".
      if (text.trim() === '' || parseJson(text) !== undefined) return null;
      throw this.#unavailable(call, 'answered 404 with a body that is not JSON; check the base URL');
    }
    if (status >= 200 && status < 300) {
      const json = parseJson(text);
      if (json === undefined) throw this.#unavailable(call, `answered ${status} with a body that is not JSON`);
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw this.#unavailable(call, `answered ${status} with a body that does not match the contract: ${describeIssues(parsed.error)}`, parsed.error);
      return parsed.data;
    }

    const error = ErrorResponseSchema.safeParse(parseJson(text));
    const said = error.success ? ` (${error.data.error.code}: ${error.data.error.message})` : '';
    if (status === 422) {
      if (!error.success) throw this.#unavailable(call, 'answered 422 without { error: { code, message } }');
      throw new MerchantRefusal(error.data.error.code, this.#redact(error.data.error.message));
    }
    if (status === 404 && error.success && error.data.error.code === 'unknown_customer') {
      throw new MerchantRefusal('unknown_customer', this.#redact(error.data.error.message));
    }
    if (status === 401 || status === 403) throw this.#unavailable(call, `rejected Tandem's credentials (${status}); check the merchant API key`);
    if (status >= 300 && status < 400) throw this.#unavailable(call, `answered with a redirect (${status}); set the base URL to the final address`);
    if (status >= 500) throw this.#unavailable(call, `failed on the merchant side (${status})${said}`);
    throw this.#unavailable(call, `answered ${status}${said}`);
  }

  #unavailable(call: Call, what: string, cause?: unknown): MerchantUnavailable {
    return new MerchantUnavailable(this.#redact(`Merchant API ${call.endpoint} ${what}.`).slice(0, 1000), cause === undefined ? undefined : { cause });
  }

  /** Whatever a server or a library says, the key never reaches a message. */
  #redact(text: string): string {
    return this.#apiKey ? text.split(this.#apiKey).join('[redacted]') : text;
  }
}

const seg = (value: string) => encodeURIComponent(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** "ECONNREFUSED", "ENOTFOUND", or the message of the underlying error. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? 'network error';
}
