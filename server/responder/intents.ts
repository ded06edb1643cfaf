// Reading a customer's words for the embedded responder's flows: which routine request it is, and the slots
// it fills (order number, email, days, address, yes or no). Deliberately plain rules: each one can be read,
// tested and explained, and anything they miss falls through to the knowledge base or to "I don't know".
import type { Address } from '../core/merchant.ts';
import type { Intent } from '../core/assistant-memory.ts';

const ORDER_NUMBER = /\bLP[-\s]?(\d{5})\b/gi;
const EMAIL = /[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[A-Za-z]{2,}/g;

// Checked in this order: a wish to change something beats a question about it.
const INTENTS: [Intent, RegExp][] = [
  [
    'refund',
    /^\s*(please\s+)?refund\b|\b((i|we)\s*('d| would)? (want|like|need|wish)( to (get|have|request|ask for))?|can i (get|have)|could i (get|have)|how (do|can) i (get|request)|please|start|request|give me|get|issue)\s+(a |my |the )?(full |partial )?(refund|money back)|\brefund (my|the|this|that|it|them|order|for)\b|\breturn\b.{0,40}\bfor a refund\b|\b(send|sending) (it|them) back\b/i,
  ],
  [
    'move_due_date',
    /\b(move|postpone|delay|push( back)?|defer|change|extend|shift)\b.{0,30}\b(due date|payment date|payment|instal?lment)s?\b|\b(due date|payment|instal?lment)s?\b.{0,25}\b(later|postponed?|moved?|delayed?)\b|\bmore time to pay\b|\bpay (it |this |that )?later\b/i,
  ],
  ['change_email', /\b(change|update|new|replace|switch|correct)\b.{0,25}\be-?mail\b|\be-?mail( address)?\b.{0,20}\b(change|update|wrong|outdated)\b/i],
  ['change_address', /\b(change|update|new|replace|correct)\b.{0,25}\baddress\b|\b(moved|moving) (house|home|flat|apartment)\b|\baddress\b.{0,20}\b(change|update|wrong|outdated)\b/i],
  [
    'payment_status',
    /\b(did|has|have|was|were|is)\b.{0,25}\b(payment|instal?lment|charge|debit)s?\b.{0,30}\b(go through|gone through|went through|work|worked|succeed|succeeded|processed|taken|collected|received|paid)\b|\bpayment\b.{0,20}\b(fail(ed)?|declined|bounced|didn't go through|did not go through|not go through)\b|\bwhy\b.{0,20}\bpayment\b.{0,20}\b(fail|declined)/i,
  ],
  [
    'next_payment',
    /\b(next|upcoming|coming)\b.{0,15}\b(payment|instal?lment|due date)s?\b|\bwhen\b.{0,25}\b(pay|payment|instal?lment|due)\b|\bdue dates?\b|\bhow much\b.{0,25}\b(owe|left to pay|still to pay|next)\b|\bpayment (plan|schedule)\b/i,
  ],
  [
    'order_status',
    /\b(where('s| is)|status|track(ing)?|arrive[ds]?|arriving|deliver(y|ed)?|dispatch(ed)?|ship(ped|ping)?|sent)\b.{0,40}\b(order|parcel|package|delivery|shipment|LP[-\s]?\d{5})\b|\b(order|parcel|package|delivery|shipment|LP[-\s]?\d{5})\b.{0,60}\b(status|arrive[ds]?|arriving|dispatched|shipped|delivered|late|tracking|where('s| is))\b/i,
  ],
];

/** The routine request a message makes, or null. */
export function detectIntent(text: string): Intent | null {
  for (const [intent, pattern] of INTENTS) if (pattern.test(text)) return intent;
  return null;
}

/** Order numbers mentioned, normalised to LP-12345. */
export function orderNumbersIn(text: string): string[] {
  return [...text.matchAll(ORDER_NUMBER)].map((m) => `LP-${m[1]}`);
}

/** Email addresses mentioned, lower-cased, without trailing punctuation. */
export function emailsIn(text: string): string[] {
  return [...text.matchAll(EMAIL)].map((m) => m[0].replace(/[.!?]+$/, '').toLowerCase());
}

/** The email after "to"/"is"/"should be" in a request to change it ("change my email to a@b.se"). */
export function newEmailIn(text: string): string | null {
  const m = /\b(to|is now|should be|new (e-?mail|address) is|new one is)\s+([^\s@]+@[^\s@]+\.[A-Za-z]{2,})/i.exec(text);
  return m ? m[3]!.replace(/[.!?]+$/, '').toLowerCase() : null;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, a: 1, an: 1,
};

/** Days asked for: "7 days", "a week", "two weeks", "until Friday" is not understood (null). */
export function daysIn(text: string): number | null {
  const m = /\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|a|an)\s*(day|week|month)s?\b/i.exec(text);
  if (m) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS[m[1]!.toLowerCase()]!;
    const unit = m[2]!.toLowerCase();
    return unit === 'week' ? n * 7 : unit === 'month' ? n * 30 : n;
  }
  if (/\bfortnight\b/i.test(text)) return 14;
  const bare = /^\s*(\d{1,3})\s*[.!]?\s*$/.exec(text);
  return bare ? Number(bare[1]) : null;
}

/**
 * An address written on one line: "Storgatan 12, 111 22 Stockholm" or "Hauptstr. 5, 10115 Berlin, Germany".
 * The postal code is 4 to 6 digits, possibly split by a space; null when no street, code and city are found.
 */
export function addressIn(text: string): Omit<Address, 'country'> & { country: string } | null {
  const parts = text.split(/\s*[,\n]\s*/).map((p) => p.trim()).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const m = /^(\d{3}\s?\d{2}|\d{4,6})\s+(.+)$/.exec(parts[i]!) ?? /^(.+?)\s+(\d{3}\s?\d{2}|\d{4,6})$/.exec(parts[i]!);
    if (!m) continue;
    const [code, city] = /^\d/.test(m[1]!) ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
    const line1 = parts[i - 1]!.replace(/^.*\b(to|is|address:?)\s+/i, '');
    if (!/\d/.test(line1) || line1.length < 3) continue;
    return { line1, postalCode: code, city: city.replace(/[.!]+$/, ''), country: (parts[i + 1] ?? '').replace(/[.!]+$/, '') };
  }
  return null;
}

const YES = /^\s*(yes|yeah|yep|yup|ya|sure|ok(ay)?|please( do)?|go ahead|do it|confirm(ed)?|correct|that'?s (right|correct|fine)|sounds good|perfect|absolutely|ja|sí|si|oui)\b[\s\S]{0,40}$/i;
const NO = /^\s*(no|nope|nah|don'?t|do not|cancel|stop|never ?mind|not now|wait|nej|nein)\b/i;

/** A plain yes. */
export function isYes(text: string): boolean {
  return YES.test(text) && !NO.test(text) && !/\b(but|not|n't)\b/i.test(text);
}

/** A plain no. */
export function isNo(text: string): boolean {
  return NO.test(text);
}
