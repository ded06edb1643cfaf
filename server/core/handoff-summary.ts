// What the agent reads first on handoff, so they need not ask again what the customer already told the AI.
import type { Conversation, NewMessage } from './conversation.ts';

function clip(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A few lines: why it came to a person, what the customer wants, what the assistant already said. */
export function handoffSummary(
  conversation: Pick<Conversation, 'handoffReason' | 'type' | 'priority'> & { triage?: Conversation['triage'] },
  messages: readonly Pick<NewMessage, 'from' | 'text'>[],
): string {
  const fromCustomer = messages.filter((m) => m.from === 'customer');
  const lastAi = [...messages].reverse().find((m) => m.from === 'ai');
  const lines = [
    `Why a person: ${conversation.handoffReason ?? 'not recorded'}`,
  ];
  if (fromCustomer.length === 0) {
    lines.push('The customer has not written anything yet.');
  } else {
    lines.push(`Customer wrote (${fromCustomer.length} message${fromCustomer.length === 1 ? '' : 's'}): "${clip(fromCustomer[0]!.text)}"`);
    if (fromCustomer.length > 1) lines.push(`Latest: "${clip(fromCustomer.at(-1)!.text)}"`);
  }
  lines.push(lastAi ? `Assistant last said: "${clip(lastAi.text)}"` : 'The assistant has not answered.');
  if (conversation.type) lines.push(`Type: ${conversation.type}, priority ${conversation.priority}.`);
  const triage = conversation.triage;
  if (triage && triage.sentiments.length > 0) {
    const mood = ['calm', 'frustrated', 'distressed'][triage.latest.distress];
    const course = triage.sentiments.map((s) => s.toFixed(1)).join(' → ');
    lines.push(`Mood: ${mood}; sentiment per message ${course}.`);
  }
  return lines.join('\n');
}
