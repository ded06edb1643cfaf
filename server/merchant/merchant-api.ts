// The one small interface through which the AI acts on the merchant's systems. Two implementations: the
// built-in demo merchant (in memory, seeded) and an HTTP client of the deployer's own service
// (TANDEM_MERCHANT_API, endpoints in docs/MERCHANT-API.md). Callers reach it only through MerchantActions,
// which checks the written policy first.
import type { Address, CustomerRef, MerchantPolicy, Order, PaymentPlan } from '../core/merchant.ts';

export interface RefundResult {
  refundId: string;
  orderNumber: string;
  itemIds: string[];
  amount: number;
  currency: string;
  /** e.g. "processing": the money reaches the customer within 5-10 business days */
  status: string;
}

/** A refusal by the merchant's own checks (the merchant has the last word). */
export class MerchantRefusal extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'MerchantRefusal';
    this.code = code;
  }
}

/** The merchant's systems could not be reached or answered nonsense. */
export class MerchantUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MerchantUnavailable';
  }
}

export interface MerchantApi {
  /** The customer who placed this order with this email, or null (the order number is the proof of identity). */
  verifyCustomer(input: { orderNumber: string; email: string }): Promise<CustomerRef | null>;
  /** The customer's orders, newest first. */
  orders(customerId: string): Promise<Order[]>;
  /** The customer's payment plans, one per order that has one. */
  paymentPlans(customerId: string): Promise<PaymentPlan[]>;
  /** The written rules (refund window, due-date moves). */
  policy(): Promise<MerchantPolicy>;
  /** Start a refund of these items. The same idempotency key twice refunds once. */
  refund(input: { customerId: string; orderNumber: string; itemIds: string[]; reason: string; idempotencyKey: string }): Promise<RefundResult>;
  /** Change the email address; the merchant confirms it with a link to the new address. */
  changeEmail(input: { customerId: string; email: string; idempotencyKey: string }): Promise<{ email: string; confirmationSent: boolean }>;
  /** Change the home (billing and default delivery) address. */
  changeAddress(input: { customerId: string; address: Address; idempotencyKey: string }): Promise<{ address: Address }>;
  /** Move the next instalment of an order (and the later ones with it) to a later day. */
  moveDueDate(input: { customerId: string; orderNumber: string; instalment: number; newDueDate: string; idempotencyKey: string }): Promise<PaymentPlan>;
}
