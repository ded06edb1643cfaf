// The embedded responder (no LLM): answers from the knowledge base when retrieval is confident, and otherwise
// says plainly that it does not know and offers a person. Unsure twice running, it asks for the handoff itself
// so that a customer is never kept going round in circles.
import type { Message } from '../../shared/protocol.ts';
import type { KnowledgeBase } from './knowledge-base.ts';
import type { Reply, Responder } from './responder.ts';

/** Retrieval is trusted when the best section matched at least this share of the question's words… */
const MIN_COVERAGE = 0.5;
/** …and scored at least this much (MiniSearch BM25 units; below it matches are incidental). */
const MIN_SCORE = 6;

export const UNSURE_TEXT =
  'I am not sure I know the answer to that, and I would rather not guess. ' +
  'You can press "Talk to a person" (or just write "person") and someone from our team will take over, ' +
  'with this whole conversation in front of them.';

export const GIVING_UP_TEXT =
  'I still cannot answer that with confidence, so I am bringing in a person from our team. ' +
  'They will see everything you have written here.';

const GREETING = /^\s*(hi|hello|hey|hallo|hej|hola|good (morning|afternoon|evening))\b[\s!.,]*(there)?[\s!.]*$/i;
const THANKS = /^\s*(thanks|thank you|thx|cheers|great,? thanks|perfect,? thanks)\b[\s\S]{0,20}$/i;

function lastAiText(history: readonly Message[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.from === 'ai') return history[i]!.text;
  return undefined;
}

export class EmbeddedResponder implements Responder {
  readonly name = 'embedded';
  readonly #kb: KnowledgeBase;

  constructor(knowledgeBase: KnowledgeBase) {
    this.#kb = knowledgeBase;
  }

  async reply(input: { text: string; history: readonly Message[] }): Promise<Reply> {
    const { text, history } = input;
    if (GREETING.test(text)) {
      return {
        text:
          'Hello! I can help with orders, instalments and due dates, refunds and returns, your Lumen card and your account. ' +
          'What can I do for you? If you would rather talk to a person, press "Talk to a person" at any time.',
        confident: true,
      };
    }
    if (THANKS.test(text)) {
      return { text: 'You are welcome! Is there anything else I can help with?', confident: true };
    }

    const [best] = this.#kb.search(text);
    if (best && best.coverage >= MIN_COVERAGE && best.score >= MIN_SCORE) {
      const { section } = best;
      const heading = section.heading === section.title ? section.title : `${section.title}: ${section.heading}`;
      return {
        text: `${section.text}\n\n(From our help article "${heading}". If this does not solve it, press "Talk to a person".)`,
        confident: true,
        source: section.id,
      };
    }

    const previous = lastAiText(history);
    if (previous?.startsWith(UNSURE_TEXT)) {
      return { text: GIVING_UP_TEXT, confident: false, handoff: true };
    }
    return { text: UNSURE_TEXT, confident: false };
  }
}
