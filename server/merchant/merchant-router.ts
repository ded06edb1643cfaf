// The merchant API over HTTP (docs/MERCHANT-API.md), served from any MerchantApi: the reference a deployer can
// read when building their own service, and what `npm run merchant:demo` serves the demo merchant with.
// Bodies are validated here; the policy is checked by the MerchantApi behind it (the merchant has the last word).
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { z } from 'zod';
import { MerchantRefusal, MerchantUnavailable, type MerchantApi } from './merchant-api.ts';
import {
  ChangeAddressBodySchema,
  ChangeEmailBodySchema,
  describeIssues,
  IdempotencyKeySchema,
  MoveDueDateBodySchema,
  PathIdSchema,
  RefundBodySchema,
  VerifyCustomerBodySchema,
  type ErrorResponse,
} from './schema.ts';

/** A request the router answers with 400 (or another status) and `{ error: { code, message } }`. */
class BadRequest extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function sendError(res: Response, status: number, code: string, message: string): void {
  const body: ErrorResponse = { error: { code, message } };
  res.status(status).json(body);
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(400, 'invalid_payload', `${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function param(req: Request, name: string): string {
  return parse(PathIdSchema, req.params[name], name);
}

function idempotencyKey(req: Request): string {
  const key = req.get('idempotency-key');
  if (key === undefined) throw new BadRequest(400, 'missing_idempotency_key', 'An action needs an Idempotency-Key header.');
  return parse(IdempotencyKeySchema, key, 'Idempotency-Key');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function merchantRouter(api: MerchantApi, options: { apiKey?: string } = {}): express.Router {
  const router = express.Router();
  const expected = options.apiKey ? digest(options.apiKey) : undefined;

  if (expected) {
    router.use((req, res, next) => {
      const header = req.get('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (token && timingSafeEqual(digest(token), expected)) return next();
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized', 'A valid bearer token is required.');
    });
  }
  router.use(express.json({ limit: '16kb' }));

  // Express 5 passes a rejected handler to the error handler below.
  router.post(
    '/customers/verify',
    async (req, res) => {
      const body = parse(VerifyCustomerBodySchema, req.body, 'body');
      const customer = await api.verifyCustomer(body);
      if (!customer) return sendError(res, 404, 'not_found', 'No customer placed that order with that email address.');
      res.json({ customer });
    },
  );

  router.get(
    '/customers/:customerId/orders',
    async (req, res) => {
      res.json({ orders: await api.orders(param(req, 'customerId')) });
    },
  );

  router.get(
    '/customers/:customerId/payment-plans',
    async (req, res) => {
      res.json({ plans: await api.paymentPlans(param(req, 'customerId')) });
    },
  );

  router.get(
    '/policy',
    async (_req, res) => {
      res.json({ policy: await api.policy() });
    },
  );

  router.post(
    '/customers/:customerId/refunds',
    async (req, res) => {
      const customerId = param(req, 'customerId');
      const key = idempotencyKey(req);
      const body = parse(RefundBodySchema, req.body, 'body');
      const refund = await api.refund({ customerId, ...body, idempotencyKey: key });
      res.status(201).json({ refund });
    },
  );

  router.put(
    '/customers/:customerId/email',
    async (req, res) => {
      const customerId = param(req, 'customerId');
      const key = idempotencyKey(req);
      const body = parse(ChangeEmailBodySchema, req.body, 'body');
      res.json(await api.changeEmail({ customerId, ...body, idempotencyKey: key }));
    },
  );

  router.put(
    '/customers/:customerId/address',
    async (req, res) => {
      const customerId = param(req, 'customerId');
      const key = idempotencyKey(req);
      const body = parse(ChangeAddressBodySchema, req.body, 'body');
      res.json(await api.changeAddress({ customerId, ...body, idempotencyKey: key }));
    },
  );

  router.post(
    '/customers/:customerId/payment-plans/:orderNumber/due-date',
    async (req, res) => {
      const customerId = param(req, 'customerId');
      const orderNumber = param(req, 'orderNumber');
      const key = idempotencyKey(req);
      const body = parse(MoveDueDateBodySchema, req.body, 'body');
      res.json({ plan: await api.moveDueDate({ customerId, orderNumber, ...body, idempotencyKey: key }) });
    },
  );

  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof BadRequest) return sendError(res, error.status, error.code, error.message);
    if (error instanceof MerchantRefusal) {
      // An id that names nobody is a missing resource; every other refusal is the policy saying no.
      return sendError(res, error.code === 'unknown_customer' ? 404 : 422, error.code, error.message);
    }
    if (error instanceof MerchantUnavailable) return sendError(res, 503, 'unavailable', error.message);
    const parserError = error as { type?: string };
    if (parserError.type === 'entity.too.large') return sendError(res, 413, 'too_large', 'The request body is larger than 16 kB.');
    if (parserError.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_payload', 'The request body is not valid JSON.');
    if (typeof parserError.type === 'string' && parserError.type.startsWith('encoding.')) {
      return sendError(res, 415, 'invalid_payload', 'The request body must be UTF-8 JSON.');
    }
    console.error('merchant API: request failed', error);
    sendError(res, 500, 'internal', 'Something went wrong on the merchant side.');
  };
  router.use(onError);
  return router;
}
