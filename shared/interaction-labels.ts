// Words a person reads for the interaction types and the AI's steps, for the console and the server's
// handoff summary alike. Kept apart from protocol.ts so the console can import it without bundling zod.
import type { AiStep, Disposition, InteractionType } from './protocol.ts';

export const TYPE_LABELS: Record<InteractionType, string> = {
  account_status: 'Account / order status',
  standard_change: 'Routine change',
  billing_dispute: 'Billing dispute',
  policy_edge: 'Policy exception',
  novel_product: 'Unknown product or feature',
  fraud_security: 'Fraud / security',
};

/** The word for each kind of step the AI took: the console's badge and the plain-text summary's prefix. */
export const STEP_LABELS: Record<AiStep['kind'], string> = {
  verified: 'Verified',
  lookup: 'Looked up',
  action: 'Done',
  declined: 'Refused',
  failed: 'Failed',
};

/** How a conversation ended, as the agent picks it in the close dialog (stored as the key). */
export const DISPOSITION_LABELS: Record<Disposition, string> = {
  resolved: 'Resolved',
  not_resolved: 'Not resolved',
  customer_left: 'Customer left',
  duplicate: 'Duplicate',
  spam: 'Spam',
};
