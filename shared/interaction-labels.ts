// The interaction types in words a person reads, for the console and the server's handoff summary alike.
// Kept apart from protocol.ts so the console can import it without bundling zod.
import type { InteractionType } from './protocol.ts';

export const TYPE_LABELS: Record<InteractionType, string> = {
  account_status: 'Account / order status',
  standard_change: 'Routine change',
  billing_dispute: 'Billing dispute',
  policy_edge: 'Policy exception',
  novel_product: 'Unknown product or feature',
  fraud_security: 'Fraud / security',
};
