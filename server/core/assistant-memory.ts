// What the AI keeps between turns of one conversation: who the customer proved to be, the short flow it is
// in ("which order?"), an action waiting for the customer's yes, and a log of what it looked up and did.
// It lives in the conversation's event log (`assistant_noted`), so it survives restarts and other nodes read
// it, and the handoff summary tells the agent what the AI already did and found.
import type { Address, CustomerRef } from './merchant.ts';

/** The routine requests the AI completes itself. */
export type Intent =
  | 'order_status'
  | 'next_payment'
  | 'payment_status'
  | 'refund'
  | 'change_email'
  | 'change_address'
  | 'move_due_date';

/** The slot a flow waits for. */
export type Slot = 'identity' | 'order' | 'email' | 'address' | 'days';

export interface Flow {
  intent: Intent;
  awaiting: Slot | null;
  orderNumber?: string;
  /** an email the customer gave before the order number (the other half of their identity) */
  email?: string;
  /** the new email address asked for before the customer was verified */
  newEmail?: string;
  /** how many times the customer's answer to the current question could not be used */
  misses: number;
}

/** A change the AI has proposed and will make only after the customer says yes. */
export type PendingAction =
  | { kind: 'refund'; id: string; orderNumber: string; itemIds: string[]; itemNames: string[]; amount: number; currency: string }
  | { kind: 'change_email'; id: string; email: string }
  | { kind: 'change_address'; id: string; address: Address }
  | { kind: 'move_due_date'; id: string; orderNumber: string; instalment: number; from: string; to: string };

export type StepKind = 'verified' | 'lookup' | 'action' | 'declined' | 'failed';

/** One thing the AI did or found, in words an agent reads. */
export interface AssistantStep {
  at: string;
  kind: StepKind;
  text: string;
}

export interface AssistantMemory {
  customer: CustomerRef | null;
  flow: Flow | null;
  pending: PendingAction | null;
  /** the AI's last message offered a person; a plain "yes" now means "hand me over" */
  offeredPerson: boolean;
  /** identity checks that failed in this conversation */
  verifyFailures: number;
  /** oldest first, the last 30 */
  steps: AssistantStep[];
}

export const MAX_STEPS = 30;
/** Failed identity checks after which the AI stops checking and offers a person. */
export const MAX_VERIFY_FAILURES = 2;

/** Memory of a conversation the AI has not acted in yet. */
export function emptyMemory(): AssistantMemory {
  return { customer: null, flow: null, pending: null, offeredPerson: false, verifyFailures: 0, steps: [] };
}

/** The memory with one more step logged (the oldest dropped beyond MAX_STEPS). */
export function withStep(memory: AssistantMemory, step: AssistantStep): AssistantMemory {
  return { ...memory, steps: [...memory.steps, step].slice(-MAX_STEPS) };
}

/** Whether two memories say the same (so an unchanged memory appends no event). */
export function sameMemory(a: AssistantMemory | null, b: AssistantMemory): boolean {
  return JSON.stringify(a ?? emptyMemory()) === JSON.stringify(b);
}
