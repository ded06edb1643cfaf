// The AI side behind one small interface: the embedded responder today, an LLM responder when configured.
import type { Message } from '../../shared/protocol.ts';

export interface Reply {
  text: string;
  /** False when the responder could not ground its answer. */
  confident: boolean;
  /** The knowledge-base section the answer came from. */
  source?: string;
  /** The responder itself asks for a person (e.g. it has been unsure twice running). */
  handoff?: boolean;
}

export interface Responder {
  readonly name: string;
  /** Answer the customer's latest message, given the conversation so far (which includes it). */
  reply(input: { text: string; history: readonly Message[] }): Promise<Reply>;
}
