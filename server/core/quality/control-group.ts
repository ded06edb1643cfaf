// The control group: a small random share of the chats the AI would keep goes to people instead, so the AI's
// quality per type is compared with people's on the same kind of chat (no selection bias from escalation).
// The draw happens once per conversation, on the turn that first gives it a type. Pure: the caller draws `u`.
import type { AiMode } from '../triage/policy.ts';

/** Largest control share accepted: the group is a measurement, not a second routing policy. */
export const MAX_CONTROL_SHARE = 0.2;

export interface ControlDraw {
  /** this turn gave the conversation its first type */
  firstTyped: boolean;
  /** triage kept the turn with the AI, in scope */
  keptByAi: boolean;
  /** the type's AI mode */
  aiMode: AiMode;
  share: number;
  /** a uniform draw in [0, 1) */
  u: number;
}

/** Whether this conversation joins the control group (served by a person instead of the AI). */
export function joinsControlGroup(d: ControlDraw): boolean {
  return d.share > 0 && d.firstTyped && d.keptByAi && d.aiMode === 'on' && d.u < Math.min(d.share, MAX_CONTROL_SHARE);
}
