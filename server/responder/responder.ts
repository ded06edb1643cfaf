// The AI side behind one small interface: the embedded responder by default, an LLM responder when configured.
import type { InteractionType, Message } from '../../shared/protocol.ts';
import type { AssistantMemory } from '../core/assistant-memory.ts';

export interface ReplyInput {
  /** the customer's latest message, as stored (secrets already masked) */
  text: string;
  /** the conversation so far, including that message */
  history: readonly Message[];
  /** what the AI knows and has done in this conversation */
  memory: AssistantMemory;
  /** triage's interaction type for the conversation, when it has judged one */
  type: InteractionType | null;
  /** triage found the message outside what support covers (the responder decides: it may be an answer it asked for) */
  outOfScope?: boolean;
}

export interface Reply {
  text: string;
  /** False when the responder could not ground its answer. */
  confident: boolean;
  /** The knowledge-base section the answer came from. */
  source?: string;
  /** The responder itself hands the conversation to a person: it is unsure again, or the customer said yes to its offer. */
  handoff?: 'ai_unsure' | 'customer_request';
  /** Why, for the agent, when it hands over. */
  handoffReason?: string;
  /** The memory after this turn (the desk stores it with the reply). */
  memory: AssistantMemory;
}

/** Receives the reply's text as it is produced, before the whole reply is stored. */
export type DeltaSink = (delta: string) => void;

export interface Responder {
  readonly name: string;
  /** Answer the customer's latest message. A streaming responder passes text to `onDelta` as it comes. */
  reply(input: ReplyInput, onDelta?: DeltaSink): Promise<Reply>;
}
