// The training-data loop: what a conversation teaches the triage model. Every escalation, every low rating,
// every novelty-flagged message and every agent's corrected type becomes labeled examples, exported by
// `npx tandem export` as JSONL that `npx tandem train --extra FILE` reads ({"text", "label", ...}; rows whose
// label is null wait for a person to label them and are skipped by training). Pure.
import type { InteractionType } from '../../../shared/protocol.ts';
import type { ConversationEvent } from '../conversation.ts';
import type { TriageRecord } from '../triage/triage.ts';
import { NOVEL_SCORE, type InteractionOutcome } from './outcome.ts';

export type ExampleKind = 'escalation' | 'low_rating' | 'novelty' | 'corrected_type';

export interface TrainingExample {
  /** `${conversationId}:${kind}:${messageId}`: the same example is kept once */
  id: string;
  kind: ExampleKind;
  conversationId: string;
  messageId: string;
  /** the customer's words, secrets already masked when stored */
  text: string;
  /** an interaction type, 'person' (the customer asked for one), or null when no one has labeled it yet */
  label: InteractionType | 'person' | null;
  /** where the label comes from */
  labelSource: 'agent' | 'triage' | 'customer' | null;
  /** what triage said about this turn */
  predictedType: InteractionType | null;
  oodScore: number | null;
  /** the rating, for low_rating examples */
  csat?: number;
  escalationTrigger?: string;
  at: string;
}

/** Customer turns of fewer words than this teach the type model nothing ("yes", "LP-20002"). */
const MIN_WORDS = 3;

interface Turn {
  id: string;
  text: string;
  at: string;
  record: TriageRecord | null;
  beforeHandoff: boolean;
}

function customerTurns(events: readonly ConversationEvent[]): Turn[] {
  const records = new Map<string, TriageRecord>();
  for (const e of events) if (e.type === 'triaged') records.set(e.messageId, e.decision);
  const turns: Turn[] = [];
  let handedOff = false;
  for (const e of events) {
    if (e.type === 'handoff_requested') handedOff = true;
    if (e.type === 'message' && e.message.from === 'customer') {
      turns.push({ id: e.message.id, text: e.message.text, at: e.at, record: records.get(e.message.id) ?? null, beforeHandoff: !handedOff });
    }
  }
  return turns;
}

/**
 * A turn that says what the conversation is about: judged in scope, not a mere answer, enough words, and read by
 * triage (a language it does not serve would teach the English model another language's words as a type).
 */
function aboutTheMatter(t: Turn): boolean {
  return t.record !== null && !t.record.language && !t.record.outOfScope && !t.record.answersAssistant && t.text.trim().split(/\s+/).length >= MIN_WORDS;
}

function example(kind: ExampleKind, conversationId: string, t: Turn, label: TrainingExample['label'], labelSource: TrainingExample['labelSource']): TrainingExample {
  return {
    id: `${conversationId}:${kind}:${t.id}`,
    kind,
    conversationId,
    messageId: t.id,
    text: t.text,
    label,
    labelSource: label === null ? null : labelSource,
    predictedType: t.record?.type ?? null,
    oodScore: t.record?.oodScore ?? null,
    at: t.at,
  };
}

/** The examples a conversation gives when it ends (escalation, novelty, corrected type). */
export function examplesAtClose(outcome: InteractionOutcome, events: readonly ConversationEvent[]): TrainingExample[] {
  const turns = customerTurns(events);
  const id = outcome.conversationId;
  const out: TrainingExample[] = [];
  // The agent's corrected type is the best label; without it, the conversation's final type.
  const label = outcome.correctedType ?? outcome.type;
  const source = outcome.correctedType ? 'agent' : 'triage';
  if (outcome.escalated && !outcome.control) {
    for (const t of turns) {
      if (!t.beforeHandoff) continue;
      // The words that asked for a person teach the person model; the rest teach the type.
      if (outcome.escalationTrigger === 'customer_request' && t === turns.filter((x) => x.beforeHandoff).at(-1)) {
        out.push({ ...example('escalation', id, t, 'person', 'customer'), escalationTrigger: 'customer_request' });
      } else if (aboutTheMatter(t)) {
        out.push({ ...example('escalation', id, t, label, source), ...(outcome.escalationTrigger ? { escalationTrigger: outcome.escalationTrigger } : {}) });
      }
    }
  }
  for (const t of turns) {
    if (t.record && (t.record.outOfScope || t.record.oodScore >= NOVEL_SCORE)) {
      // A novel turn has no trustworthy label unless an agent gave one.
      out.push(example('novelty', id, t, outcome.correctedType, 'agent'));
    }
  }
  if (outcome.correctedType) {
    for (const t of turns) if (aboutTheMatter(t)) out.push(example('corrected_type', id, t, outcome.correctedType, 'agent'));
  }
  return out;
}

/** The examples a low rating (1 or 2) gives: the turns that say what the customer wanted. */
export function examplesAtRating(outcome: InteractionOutcome, events: readonly ConversationEvent[], score: number): TrainingExample[] {
  if (score > 2) return [];
  const label = outcome.correctedType ?? outcome.type;
  return customerTurns(events)
    .filter(aboutTheMatter)
    .map((t) => ({ ...example('low_rating', outcome.conversationId, t, label, outcome.correctedType ? 'agent' : 'triage'), csat: score }));
}
