// What the agent reads first on a handoff, so they need not ask again what the customer already told the AI:
// what the customer wants, who they proved to be, what the AI already did and found, why it came to a person,
// the signals, and a suggested next step.
import type { AiStep, HandoffBrief, LanguageView, ShopIdentity, TransferView } from '../../shared/protocol.ts';
import { STEP_LABELS, TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { AssistantMemory, Conversation, NewMessage, TransferRecord } from './conversation.ts';
import { isEnglish, languageView } from './triage/language.ts';


const MOODS = ['calm', 'frustrated', 'distressed'] as const;

/** One decimal with a true minus sign, as the console shows it. */
function signed(value: number): string {
  const fixed = value.toFixed(1);
  return fixed === '-0.0' ? '0.0' : fixed.replace('-', '−');
}

function clip(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

type BriefSource = Pick<Conversation, 'handoffReason' | 'type' | 'priority'> & {
  triage?: Conversation['triage'];
  assistant?: Conversation['assistant'];
  /** the shop user the conversation was opened for (a verified token), if any */
  identity?: ShopIdentity | null;
  transfer?: Conversation['transfer'];
  /** the customer's language tag; null or absent: English */
  language?: string | null;
};

/** The merchant's order numbers as customers and the assistant write them (LP-12345, "lp 12345"). */
const ORDER_NUMBER = /\bLP[-\s]?(\d{5})\b/gi;

/**
 * The order the conversation is about: the one a proposed change concerns, else the one the assistant's flow
 * is about, else the latest one the customer wrote, else the latest the assistant looked up; undefined if none.
 */
export function orderNumberOf(memory: AssistantMemory | null, customerTexts: readonly string[]): string | undefined {
  const pending = memory?.pending;
  if (pending && 'orderNumber' in pending) return pending.orderNumber;
  if (memory?.flow?.orderNumber) return memory.flow.orderNumber;
  const latestIn = (texts: readonly string[]) => {
    for (const text of [...texts].reverse()) {
      const found = [...text.matchAll(ORDER_NUMBER)].at(-1);
      if (found) return `LP-${found[1]}`;
    }
    return undefined;
  };
  return latestIn(customerTexts) ?? latestIn((memory?.steps ?? []).map((s) => s.text));
}

/** A transfer as the agents are shown it. */
export function transferView(record: TransferRecord): TransferView {
  const view: TransferView = { at: record.at, from: record.fromAgentName };
  if (record.toAgentName) view.toAgent = record.toAgentName;
  if (record.skill) view.skill = record.skill;
  if (record.note) view.note = record.note;
  return view;
}

/** The handoff summary in parts, from the conversation and its messages. */
export function handoffBrief(conversation: BriefSource, messages: readonly Pick<NewMessage, 'from' | 'text'>[]): HandoffBrief {
  const fromCustomer = messages.filter((m) => m.from === 'customer');
  const memory = conversation.assistant ?? null;
  const triage = conversation.triage ?? null;
  const language = conversation.language && !isEnglish(conversation.language) ? languageView(conversation.language) : null;
  // Triage did not read this conversation's words (a language it does not serve): nothing will type it.
  const unread = triage?.latest.language !== undefined;
  const label = conversation.type ? TYPE_LABELS[conversation.type] : unread && language ? `Not typed (triage does not read ${language.name})` : 'Not judged yet';

  let wants = `${label}: the customer has not written anything yet.`;
  if (fromCustomer.length > 0) {
    wants = `${label}: "${clip(fromCustomer[0]!.text)}"`;
    if (fromCustomer.length > 1) wants += ` (latest: "${clip(fromCustomer.at(-1)!.text, 100)}")`;
  }

  // Triage's reasons one by one (the handoff reason may be them joined), after any other trigger's reason.
  const triageReasons = triage?.handoffReasons ?? [];
  const reasons = conversation.handoffReason && conversation.handoffReason !== triageReasons.join('; ') ? [conversation.handoffReason] : [];
  for (const reason of triageReasons) if (!reasons.includes(reason)) reasons.push(reason);
  if (reasons.length === 0) reasons.push('Not recorded.');

  const signals: string[] = [];
  if (conversation.type && triage) {
    signals.push(`Type: ${TYPE_LABELS[conversation.type]} (confidence ${triage.latest.confidence.toFixed(2)}), priority ${conversation.priority}.`);
  } else {
    signals.push(`Priority ${conversation.priority}.`);
  }
  if (unread) {
    signals.push('Mood and sentiment not measured: triage did not read the customer\'s words.');
  } else if (triage && triage.sentiments.length > 0) {
    signals.push(`Mood: ${MOODS[triage.latest.distress]}; sentiment per message ${triage.sentiments.map(signed).join(' → ')}.`);
  }
  const masked = fromCustomer.filter((m) => /\[(card ••••|security code hidden|password hidden|code hidden|PIN hidden)/.test(m.text)).length;
  if (masked > 0) signals.push(`The customer pasted secrets (card number, password or code) in ${masked} message${masked === 1 ? '' : 's'}; they were masked before storage.`);
  if (memory?.pending) signals.push('A change the assistant proposed was still waiting for the customer\'s yes; it has not been made.');

  const aiSteps: AiStep[] = (memory?.steps ?? []).map(({ kind, text }) => ({ kind, text }));
  const brief: HandoffBrief = { wants, aiSteps, reasons, signals, nextStep: nextStep(conversation, aiSteps) };
  if (memory?.customer) brief.customer = { name: memory.customer.name, email: memory.customer.email };
  if (conversation.identity) brief.signedIn = conversation.identity;
  const orderNumber = orderNumberOf(memory, fromCustomer.map((m) => m.text));
  if (orderNumber) brief.orderNumber = orderNumber;
  if (conversation.transfer) brief.transfer = transferView(conversation.transfer);
  if (language) brief.language = language;
  return brief;
}

/** What the agent could do first, from the type, the AI's last refusal or failure, and the customer's mood. */
export function nextStep(conversation: BriefSource, steps: readonly AiStep[]): string {
  const memory = conversation.assistant ?? null;
  const distressed = (conversation.triage?.latest.distress ?? 0) === 2;
  const lastProblem = [...steps].reverse().find((s) => s.kind === 'declined' || s.kind === 'failed');
  let step: string;
  if (conversation.type === 'fraud_security') {
    step = 'Secure the account first: freeze the Lumen card, check recent logins and purchases with the customer, then open an unauthorised-purchase claim.';
  } else if (lastProblem?.kind === 'declined') {
    step = `The assistant refused under the written rules (${clip(lastProblem.text.replace(/^Declined [^:]*: /, '').replace(/\.$/, ''), 140)}). Decide whether an exception applies, record why, and tell the customer.`;
  } else if (lastProblem?.kind === 'failed') {
    step = `The assistant could not finish (${clip(lastProblem.text.replace(/\.$/, ''), 120)}). Check it in the back office and continue from there.`;
  } else if (conversation.type === 'billing_dispute') {
    step = 'Compare the contested charge with the order and its payment plan; if it is wrong, open a dispute, which pauses the payments of that order.';
  } else if (conversation.type === 'policy_edge') {
    step = 'The customer asks for an exception to the written rules: check the circumstances, decide, and note the reason.';
  } else if (conversation.type === 'novel_product') {
    step = 'The customer asks about something Lumen Pay may not offer: answer from product knowledge, or say plainly that it does not exist.';
  } else if (!conversation.type && conversation.triage?.latest.language !== undefined) {
    step = 'Read what the customer wrote: the assistant did not read it, and nothing has been done yet.';
  } else {
    step = 'Continue from the assistant\'s last answer; the customer should not need to repeat anything.';
  }
  if (!memory?.customer && !conversation.identity && conversation.type !== 'novel_product') step = `Verify the customer (order number and email) before discussing their account. ${step}`;
  if (distressed) step = `The customer is distressed: acknowledge that first. ${step}`;
  if (conversation.language && !isEnglish(conversation.language)) {
    const { name } = languageView(conversation.language);
    step = `The customer writes ${name}: answer in ${name} if you can. ${step}`;
  }
  return step;
}

/** "Ann Lee <ann@example.com>, user id 42": what the shop's token told of the customer. */
export function shopUser(identity: ShopIdentity): string {
  const who = [identity.name, identity.email && `<${identity.email}>`].filter(Boolean).join(' ');
  return who ? `${who}, user id ${identity.userId}` : `user id ${identity.userId}`;
}

/** "Transferred by Sam to the Billing dispute group: please check the charge" */
export function transferLine(transfer: TransferView): string {
  const to = transfer.toAgent ? ` to ${transfer.toAgent}` : transfer.skill ? ` to the ${TYPE_LABELS[transfer.skill]} group` : '';
  return `Transferred by ${transfer.from}${to}${transfer.note ? `: ${transfer.note}` : '.'}`;
}

/** "German (de)": a customer's language as the brief names it. */
export function languageLine(language: LanguageView): string {
  return language.name === language.tag ? language.tag : `${language.name} (${language.tag})`;
}

/** The brief as plain text (the `summary` field, logs, email). */
export function briefText(brief: HandoffBrief): string {
  const lines = [`Wants: ${brief.wants}`];
  if (brief.transfer) lines.unshift(transferLine(brief.transfer));
  lines.push(brief.customer ? `Customer: ${brief.customer.name} <${brief.customer.email}> (verified)` : 'Customer: not verified');
  if (brief.signedIn) lines.push(`Signed in at the shop as ${shopUser(brief.signedIn)} (verified)`);
  if (brief.language) lines.push(`Language: ${languageLine(brief.language)}`);
  lines.push(`Why a person: ${brief.reasons.join('; ')}`);
  if (brief.aiSteps.length) {
    lines.push('What the assistant did:');
    for (const step of brief.aiSteps) lines.push(`- ${STEP_LABELS[step.kind]}: ${step.text}`);
  } else {
    lines.push('What the assistant did: nothing yet.');
  }
  for (const signal of brief.signals) lines.push(signal);
  lines.push(`Suggested next step: ${brief.nextStep}`);
  return lines.join('\n');
}
