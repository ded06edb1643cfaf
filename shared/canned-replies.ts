// Canned replies' variables, for the server (which refuses a reply using an unknown one) and the console (which
// fills them in from the conversation when the agent inserts a reply). Kept apart from protocol.ts so the
// console can import it without bundling zod.
import type { CannedReply } from './protocol.ts';

/** The variables a canned reply may use, and what stands in the text when the conversation does not know it. */
export const CANNED_VARIABLES = {
  'customer.name': '[customer name]',
  'order.number': '[order number]',
  'agent.name': '[your name]',
} as const;
export type CannedVariable = keyof typeof CANNED_VARIABLES;

const VARIABLE = /\{([^{}\n]{1,40})\}/g;

/** The `{…}` names in a text that are not variables, in order, once each. */
export function unknownVariables(text: string): string[] {
  const unknown = [...text.matchAll(VARIABLE)].map((m) => m[1]!.trim()).filter((name) => !(name in CANNED_VARIABLES));
  return [...new Set(unknown)];
}

/** A canned reply made ready to edit: its text, and where the blanks the agent must fill in are. */
export interface FilledReply {
  text: string;
  /** start and end offsets in `text` of each placeholder left for the agent, in order */
  blanks: { start: number; end: number }[];
}

/**
 * The reply's text with each variable replaced by the conversation's value; a variable without a value becomes
 * a visible placeholder ("[order number]") that the console selects, so nothing unknown is sent by accident.
 */
export function fillCannedReply(text: string, values: Partial<Record<CannedVariable, string | undefined>>): FilledReply {
  const blanks: FilledReply['blanks'] = [];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1]!.trim();
    if (!(name in CANNED_VARIABLES)) continue;
    out += text.slice(last, match.index);
    const value = values[name as CannedVariable]?.trim();
    if (value) {
      out += value;
    } else {
      const placeholder = CANNED_VARIABLES[name as CannedVariable];
      blanks.push({ start: out.length, end: out.length + placeholder.length });
      out += placeholder;
    }
    last = match.index + match[0].length;
  }
  return { text: out + text.slice(last), blanks };
}

/** The replies whose title or text holds every word of the query (any case), those matching by title first. */
export function searchCannedReplies<R extends Pick<CannedReply, 'title' | 'text'>>(replies: readonly R[], query: string): R[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...replies];
  const inTitle = (r: R) => words.every((w) => r.title.toLowerCase().includes(w));
  return replies
    .filter((r) => words.every((w) => `${r.title} ${r.text}`.toLowerCase().includes(w)))
    .sort((a, b) => Number(inTitle(b)) - Number(inTitle(a)));
}
