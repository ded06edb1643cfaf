// What one conversation came to, read from its event log when it ends: who resolved it, whether and why it
// was escalated, the customer's sentiment at the start and the end, waits, abandonment, the rating, the
// agent's disposition and corrected type, and how often the customer had to repeat to a person what they had
// already told the AI. Pure: the log in, one record out. Recontact and predicted satisfaction are filled in
// later (recontact.ts, predicted-satisfaction.ts).
import type { InteractionType } from '../../../shared/protocol.ts';
import type { Resolver } from '../../../shared/quality.ts';
import { blankConversation, evolveAll, type Conversation, type ConversationEvent, type HandoffTrigger } from '../conversation.ts';
import { normalize } from '../triage/features.ts';
import { sentimentOf } from '../triage/sentiment.ts';
import { overlap, REPEAT_OVERLAP, tokenSet } from '../triage/triage.ts';

export interface InteractionOutcome {
  conversationId: string;
  /** the final type: the agent's corrected type when they gave one, else triage's */
  type: InteractionType | null;
  /** triage's type before any correction */
  predictedType: InteractionType | null;
  correctedType: InteractionType | null;
  resolver: Resolver;
  escalated: boolean;
  escalationTrigger: HandoffTrigger | null;
  escalationReason: string | null;
  /** escalated after the AI had answered at least once (the leading signal of the AI failing) */
  escalatedAfterAi: boolean;
  /** served by people because the conversation fell in the control group */
  control: boolean;
  sentimentStart: number | null;
  sentimentEnd: number | null;
  sentimentChange: number | null;
  customerTurns: number;
  /** customer turns triage flagged as novel (out of scope or high novelty score) */
  novelTurns: number;
  /** seconds from the first customer message to the first answer (AI or person) */
  firstAnswerSeconds: number | null;
  /** seconds from the handoff to a person joining */
  toPersonSeconds: number | null;
  /** the customer left while waiting in the queue */
  abandoned: boolean;
  csat: number | null;
  csatComment: string | null;
  disposition: string | null;
  /** customer turns to a person that repeat what the customer had told the AI */
  repeatsToPerson: number;
  /** the customer (a verified customer or the same browser) came back about the same type within 7 days;
   *  null until known */
  recontact: boolean | null;
  /** who the customer is, for recontact: an opaque key, or null when unknown */
  customerKey: string | null;
  /** expected CSAT 1..5 from the signals, calibrated on the ratings that arrived */
  predictedCsat: number | null;
  openedAt: string;
  closedAt: string;
}

/** oodScore at or above this marks a novel turn for the drift figure (triage's own out-of-scope flag also does). */
export const NOVEL_SCORE = 0.75;

// Repeating is judged by triage's own rule (the same overlap that escalates a looping AI chat).
const words = (text: string): Set<string> => tokenSet(normalize(text));

const seconds = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The outcome of a closed conversation from its log. `control` marks a control-group handoff;
 * `customerKey` identifies the customer for recontact.
 */
export function outcomeOf(conversation: Conversation, events: readonly ConversationEvent[], customerKey: string | null = null): InteractionOutcome {
  const triaged = new Map<string, { sentiment: number; novel: boolean }>();
  for (const e of events) {
    if (e.type === 'triaged') triaged.set(e.messageId, { sentiment: e.decision.sentiment, novel: e.decision.outOfScope || e.decision.oodScore >= NOVEL_SCORE });
  }

  let firstCustomerAt: string | null = null;
  let firstAnswerAt: string | null = null;
  let handoff: Extract<ConversationEvent, { type: 'handoff_requested' }> | null = null;
  let assignedAt: string | null = null;
  let aiAnswered = false;
  let aiAnsweredBeforeHandoff = false;
  let closed: Extract<ConversationEvent, { type: 'closed' }> | null = null;
  let closedWhileQueued = false;
  let state: 'ai' | 'queued' | 'agent' = 'ai';
  const sentiments: number[] = [];
  let novelTurns = 0;
  const toldTheAi: Set<string>[] = [];
  let repeatsToPerson = 0;

  for (const e of events) {
    switch (e.type) {
      case 'message': {
        const m = e.message;
        if (m.from === 'customer') {
          firstCustomerAt ??= e.at;
          const judged = triaged.get(m.id);
          sentiments.push(judged?.sentiment ?? sentimentOf(m.text));
          if (judged?.novel) novelTurns++;
          const said = words(m.text);
          if (state === 'agent' && said.size >= 3 && toldTheAi.some((earlier) => overlap(said, earlier) >= REPEAT_OVERLAP)) repeatsToPerson++;
          if (!assignedAt) toldTheAi.push(said);
        } else if (m.from === 'ai') {
          aiAnswered = true;
          if (!handoff) aiAnsweredBeforeHandoff = true;
          if (firstCustomerAt) firstAnswerAt ??= e.at;
        } else if (m.from === 'agent' && firstCustomerAt) {
          firstAnswerAt ??= e.at;
        }
        break;
      }
      case 'handoff_requested':
        handoff ??= e;
        state = 'queued';
        break;
      case 'assigned':
        assignedAt ??= e.at;
        state = 'agent';
        break;
      case 'requeued':
        state = 'queued';
        break;
      case 'transferred':
        // to a skill group: back in the queue; to an agent: still with a person
        state = 'skill' in e.to ? 'queued' : 'agent';
        break;
      case 'closed':
        closed = e;
        closedWhileQueued = state === 'queued';
        break;
      default:
        break;
    }
  }

  const escalated = handoff !== null;
  const control = handoff?.trigger === 'control';
  const aiTookPart = aiAnswered && !control;
  const resolver: Resolver = !assignedAt ? (escalated && !aiTookPart ? 'person' : 'ai') : aiTookPart ? 'ai_then_person' : 'person';
  const start = sentiments.length ? sentiments[0]! : null;
  const end = sentiments.length ? sentiments[sentiments.length - 1]! : null;
  // triage's type is the one the conversation had before the agent's label replaced it
  const predictedType = evolveAll(blankConversation(conversation.id, conversation.createdAt), events.filter((e) => e.type !== 'closed')).type;
  const correctedType = closed?.label && closed.label !== predictedType ? closed.label : null;
  return {
    conversationId: conversation.id,
    type: closed?.label ?? predictedType,
    predictedType,
    correctedType,
    resolver,
    escalated,
    escalationTrigger: handoff?.trigger ?? null,
    escalationReason: handoff?.reason ?? null,
    escalatedAfterAi: escalated && aiAnsweredBeforeHandoff && !control,
    control,
    sentimentStart: start === null ? null : round(start),
    sentimentEnd: end === null ? null : round(end),
    sentimentChange: start === null || end === null ? null : round(end - start),
    customerTurns: sentiments.length,
    novelTurns,
    firstAnswerSeconds: firstCustomerAt && firstAnswerAt ? round(seconds(firstCustomerAt, firstAnswerAt)) : null,
    toPersonSeconds: handoff && assignedAt ? round(seconds(handoff.at, assignedAt)) : null,
    abandoned: closedWhileQueued && closed?.by !== 'agent',
    csat: conversation.rating?.score ?? null,
    csatComment: conversation.rating?.comment ?? null,
    disposition: closed?.disposition ?? null,
    repeatsToPerson,
    recontact: null,
    customerKey,
    predictedCsat: null,
    openedAt: conversation.createdAt,
    closedAt: closed?.at ?? conversation.closedAt ?? conversation.updatedAt,
  };
}
