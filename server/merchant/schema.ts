// The merchant API's wire format as zod schemas: the domain types of core/merchant.ts (checked at compile time
// to match them field for field), the request bodies of the HTTP endpoints (docs/MERCHANT-API.md) and their
// response envelopes. HttpMerchantApi validates every answer with these; merchantRouter validates every body.
// Domain schemas strip unknown fields (a merchant may send more than Tandem reads) but insist on the formats the
// pure rules depend on: an instant that does not parse would make a refund window check meaningless.
import { z } from 'zod';
import type { Address, CustomerRef, Instalment, MerchantPolicy, Order, OrderItem, PaymentPlan } from '../core/merchant.ts';
import type { MerchantApi, RefundResult } from './merchant-api.ts';

/** An instant, ISO 8601 with Z or an offset. */
const Instant = z.iso.datetime({ offset: true });
/** A calendar day, YYYY-MM-DD. */
const Day = z.iso.date();
const Amount = z.number().nonnegative();

export const AddressSchema = z.object({
  line1: z.string(),
  line2: z.string().optional(),
  postalCode: z.string(),
  city: z.string(),
  country: z.string(),
}) satisfies z.ZodType<Address>;

export const CustomerRefSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string(),
  address: AddressSchema.optional(),
}) satisfies z.ZodType<CustomerRef>;

export const OrderItemSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  category: z.string(),
  price: Amount,
  refunded: z.boolean(),
}) satisfies z.ZodType<OrderItem>;

export const OrderStatusSchema = z.enum(['confirmed', 'dispatched', 'delivered', 'cancelled']);

export const OrderSchema = z.object({
  number: z.string().min(1),
  store: z.string(),
  placedAt: Instant,
  status: OrderStatusSchema,
  items: z.array(OrderItemSchema),
  total: Amount,
  currency: z.string().min(1),
  dispatchedAt: Instant.optional(),
  deliveredAt: Instant.optional(),
  expectedDelivery: Day.optional(),
  carrier: z.string().optional(),
  trackingUrl: z.string().optional(),
}) satisfies z.ZodType<Order>;

export const InstalmentStatusSchema = z.enum(['paid', 'scheduled', 'failed', 'overdue', 'cancelled']);

export const CollectionAttemptSchema = z.object({
  at: Instant,
  outcome: z.enum(['succeeded', 'failed']),
  reason: z.string().optional(),
});

export const InstalmentSchema = z.object({
  n: z.number().int().positive(),
  amount: Amount,
  dueDate: Day,
  status: InstalmentStatusSchema,
  paidAt: Instant.optional(),
  lastAttempt: CollectionAttemptSchema.optional(),
}) satisfies z.ZodType<Instalment>;

export const PaymentPlanSchema = z.object({
  orderNumber: z.string().min(1),
  name: z.string(),
  currency: z.string().min(1),
  paymentMethod: z.string(),
  instalments: z.array(InstalmentSchema),
  dueDateMoved: z.boolean(),
}) satisfies z.ZodType<PaymentPlan>;

export const RefundPolicySchema = z.object({
  windowDays: z.number().int().nonnegative(),
  excludedCategories: z.array(z.string()),
});

export const DueDatePolicySchema = z.object({
  maxDays: z.number().int().nonnegative(),
  movesPerOrder: z.number().int().nonnegative(),
});

export const MerchantPolicySchema = z.object({
  currency: z.string().min(1),
  refund: RefundPolicySchema,
  dueDate: DueDatePolicySchema,
}) satisfies z.ZodType<MerchantPolicy>;

export const RefundResultSchema = z.object({
  refundId: z.string().min(1),
  orderNumber: z.string().min(1),
  itemIds: z.array(z.string()),
  amount: Amount,
  currency: z.string().min(1),
  status: z.string(),
}) satisfies z.ZodType<RefundResult>;

// ---- Request bodies ----
// What merchantRouter accepts. Only the shape and the size are checked here (400); whether a value is acceptable
// (an email address, a complete address) is the merchant's decision (422), so the answer is the same over HTTP
// as when the MerchantApi is called directly.

const Id = z.string().min(1).max(100);
const Text = (max: number) => z.string().max(max);

export const AddressInputSchema = z.object({
  line1: Text(200),
  line2: Text(200).optional(),
  postalCode: Text(20),
  city: Text(100),
  country: Text(56),
}) satisfies z.ZodType<Address>;

type Input<K extends keyof MerchantApi> = Parameters<MerchantApi[K]>[0];

export const VerifyCustomerBodySchema = z.object({
  orderNumber: Text(64),
  email: Text(254),
}) satisfies z.ZodType<Input<'verifyCustomer'>>;

export const RefundBodySchema = z.object({
  orderNumber: Id,
  /** empty: every item that can still be refunded */
  itemIds: z.array(Id).max(100),
  reason: Text(1000),
}) satisfies z.ZodType<Omit<Input<'refund'>, 'customerId' | 'idempotencyKey'>>;

export const ChangeEmailBodySchema = z.object({
  email: Text(254),
}) satisfies z.ZodType<Omit<Input<'changeEmail'>, 'customerId' | 'idempotencyKey'>>;

export const ChangeAddressBodySchema = z.object({
  address: AddressInputSchema,
}) satisfies z.ZodType<Omit<Input<'changeAddress'>, 'customerId' | 'idempotencyKey'>>;

export const MoveDueDateBodySchema = z.object({
  instalment: z.number().int(),
  /** YYYY-MM-DD; the merchant refuses anything else with bad_date */
  newDueDate: Text(32),
}) satisfies z.ZodType<Omit<Input<'moveDueDate'>, 'customerId' | 'orderNumber' | 'idempotencyKey'>>;

/** Path parameters (customer id, order number). */
export const PathIdSchema = Id;

/** The Idempotency-Key header of an action: printable ASCII, at most 255 characters. */
export const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1-255 printable ASCII characters');

// ---- Response envelopes ----

export const VerifyCustomerResponseSchema = z.object({ customer: CustomerRefSchema });
export const OrdersResponseSchema = z.object({ orders: z.array(OrderSchema) });
export const PaymentPlansResponseSchema = z.object({ plans: z.array(PaymentPlanSchema) });
export const PolicyResponseSchema = z.object({ policy: MerchantPolicySchema });
export const RefundResponseSchema = z.object({ refund: RefundResultSchema });
export const ChangeEmailResponseSchema = z.object({ email: z.string(), confirmationSent: z.boolean() }) satisfies z.ZodType<
  Awaited<ReturnType<MerchantApi['changeEmail']>>
>;
export const ChangeAddressResponseSchema = z.object({ address: AddressSchema }) satisfies z.ZodType<Awaited<ReturnType<MerchantApi['changeAddress']>>>;
export const MoveDueDateResponseSchema = z.object({ plan: PaymentPlanSchema });

/** Every error answer: `{ error: { code, message } }`. */
export const ErrorResponseSchema = z.object({ error: z.object({ code: z.string().min(1).max(100), message: z.string().max(2000) }) });
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** Zod issues in one line: "address.city: Too small: expected string to have >=1 characters". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

// ---- Compile-time proof that the schemas and the interfaces agree ----
// `satisfies` above proves every parsed value is a valid interface value. The checks below add the other
// direction and the field names, so a field added to an interface but forgotten here (which zod would strip
// silently) fails `tsc`.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Mutual<A, B> extends true ? Mutual<keyof A, keyof B> : false;
type Assert<T extends true> = T;
export type SchemaChecks = [
  Assert<Same<z.infer<typeof AddressSchema>, Address>>,
  Assert<Same<z.infer<typeof AddressInputSchema>, Address>>,
  Assert<Same<z.infer<typeof CustomerRefSchema>, CustomerRef>>,
  Assert<Same<z.infer<typeof OrderItemSchema>, OrderItem>>,
  Assert<Same<z.infer<typeof OrderSchema>, Order>>,
  Assert<Same<z.infer<typeof InstalmentSchema>, Instalment>>,
  Assert<Same<z.infer<typeof CollectionAttemptSchema>, NonNullable<Instalment['lastAttempt']>>>,
  Assert<Same<z.infer<typeof PaymentPlanSchema>, PaymentPlan>>,
  Assert<Same<z.infer<typeof MerchantPolicySchema>, MerchantPolicy>>,
  Assert<Same<z.infer<typeof RefundPolicySchema>, MerchantPolicy['refund']>>,
  Assert<Same<z.infer<typeof DueDatePolicySchema>, MerchantPolicy['dueDate']>>,
  Assert<Same<z.infer<typeof RefundResultSchema>, RefundResult>>,
  Assert<Same<z.infer<typeof VerifyCustomerBodySchema>, Input<'verifyCustomer'>>>,
  Assert<Same<z.infer<typeof RefundBodySchema>, Omit<Input<'refund'>, 'customerId' | 'idempotencyKey'>>>,
  Assert<Same<z.infer<typeof ChangeEmailBodySchema>, Omit<Input<'changeEmail'>, 'customerId' | 'idempotencyKey'>>>,
  Assert<Same<z.infer<typeof ChangeAddressBodySchema>, Omit<Input<'changeAddress'>, 'customerId' | 'idempotencyKey'>>>,
  Assert<Same<z.infer<typeof MoveDueDateBodySchema>, Omit<Input<'moveDueDate'>, 'customerId' | 'orderNumber' | 'idempotencyKey'>>>,
];
