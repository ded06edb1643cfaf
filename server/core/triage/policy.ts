// The per-type policy: may the AI handle this type (on / off / shadow), the priority a person takes it at,
// and the wait-time target (used by routing). Deployers start narrow and widen the AI's scope type by type,
// in config/policy.json (see docs/TRIAGE.md). Pure: parsing a file is the caller's job.

import { z } from 'zod';
import { INTERACTION_TYPES, type InteractionType, type Priority } from '../../../shared/protocol.ts';

export type AiMode = 'on' | 'off' | 'shadow';

export interface TypePolicy {
  /** on: the AI handles it unless the customer's state says otherwise; off: people do; shadow: people do, and
   *  what the AI would have decided is recorded beside it for comparison. */
  ai: AiMode;
  /** the priority a person takes this type at when the customer is calm */
  priority: Priority;
  /** the wait-time target in seconds, at the 90th percentile */
  targetSeconds: number;
}

export type TriagePolicy = Record<InteractionType, TypePolicy>;

export const DEFAULT_POLICY: TriagePolicy = {
  account_status: { ai: 'on', priority: 'normal', targetSeconds: 600 },
  standard_change: { ai: 'on', priority: 'normal', targetSeconds: 600 },
  billing_dispute: { ai: 'off', priority: 'normal', targetSeconds: 120 },
  policy_edge: { ai: 'off', priority: 'normal', targetSeconds: 300 },
  novel_product: { ai: 'off', priority: 'normal', targetSeconds: 600 },
  fraud_security: { ai: 'off', priority: 'urgent', targetSeconds: 30 },
};

const typePolicy = z.strictObject({
  ai: z.enum(['on', 'off', 'shadow']),
  priority: z.enum(['normal', 'high', 'urgent']),
  targetSeconds: z.number().int().positive().max(86_400),
});

/** A policy file: any subset of the types, each with any subset of the fields; the rest keep their defaults. */
const partial = typePolicy.partial().optional();
export const PolicyFileSchema = z
  .strictObject({
    account_status: partial,
    standard_change: partial,
    billing_dispute: partial,
    policy_edge: partial,
    novel_product: partial,
    fraud_security: partial,
  })
  .superRefine((value, ctx) => {
    const fraud = value.fraud_security;
    if (fraud?.ai && fraud.ai !== 'off') {
      ctx.addIssue({ code: 'custom', path: ['fraud_security', 'ai'], message: 'fraud_security always goes to a person at once; ai must be "off"' });
    }
  });

export function policyFrom(file: unknown): TriagePolicy {
  const parsed = PolicyFileSchema.parse(file);
  const policy = { ...DEFAULT_POLICY };
  for (const type of INTERACTION_TYPES) policy[type] = { ...DEFAULT_POLICY[type], ...parsed[type] };
  return policy;
}

/** Each type's wait target in seconds, as routing takes it. */
export function waitTargets(policy: TriagePolicy): Record<InteractionType, number> {
  return Object.fromEntries(INTERACTION_TYPES.map((type) => [type, policy[type].targetSeconds])) as Record<InteractionType, number>;
}
