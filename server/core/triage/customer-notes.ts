// What the AI tells the customer when triage decides for them: honest about what it knows, and never a
// dead end. Pure text; the desk stores them as the AI's messages.

import type { Decision } from './triage.ts';

export const OUT_OF_SCOPE_REPLY =
  'I can only help with Lumen Pay here: your orders, payments and instalments, refunds and returns, and your account. Is there something about those I can do for you?';

/** The AI's message when triage hands the conversation to a person, or null when the system note is enough. */
export function handoffNote(decision: Decision): string | null {
  if (decision.type === 'fraud_security') {
    return 'This may be fraud, so a person from our security team is taking over now. If it is about your Lumen card, freeze it right away in the app under Card > Freeze card.';
  }
  if (decision.distress === 2) {
    return "I'm sorry you are dealing with this. A person from our team will take it from here and can look at options the chat can't.";
  }
  if (decision.type === 'novel_product' && !decision.signals.personRequest) {
    return "I don't have reliable information about that, and I won't guess: it may be something Lumen Pay doesn't offer, or something new. A person from our team will answer you.";
  }
  if (decision.type === 'billing_dispute' && !decision.signals.personRequest) {
    return 'Disputed charges are handled by a person, so I am passing this to our team. They will see everything you wrote here.';
  }
  if (decision.type === 'policy_edge' && !decision.signals.personRequest) {
    return 'This needs a person who can look at your situation, so I am passing it to our team. They will see everything you wrote here.';
  }
  return null;
}
