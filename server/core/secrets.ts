// Customers paste secrets into a support chat: card numbers, security codes, passwords, one-time codes, PINs.
// PCI DSS: a full card number (PAN) must never be stored, and a card security code never at all; passwords,
// one-time codes and PINs must never be stored either. Masking happens here, before storage, so neither the
// database nor the agent console ever holds them. Pure: no I/O, no dependencies.
//
// Bias: when in doubt about a card number, mask it (a Luhn-valid digit run in a card's grouping); for words
// after "password is", do not mask common words, so a customer describing a problem is not garbled.

/** The kinds of secret that are masked. */
export type SecretKind = 'card_number' | 'card_security_code' | 'password' | 'one_time_code' | 'pin';

/** A message with its secrets masked, and which kinds were masked (each once, in order of first appearance). */
export interface Masked {
  text: string;
  found: SecretKind[];
}

interface Candidate {
  start: number;
  end: number;
  kind: SecretKind;
  replacement: string;
}

// Lower wins when two candidates cover exactly the same span ("security code is 1234" is a security code,
// not a one-time code; "PIN code 1234" is a PIN).
const PRIORITY: Record<SecretKind, number> = {
  card_number: 0,
  card_security_code: 1,
  pin: 2,
  one_time_code: 3,
  password: 4,
};

const HIDDEN = {
  card_security_code: '[security code hidden]',
  password: '[password hidden]',
  one_time_code: '[code hidden]',
  pin: '[PIN hidden]',
} as const;

// What this module writes, so a second pass leaves it alone.
const PLACEHOLDER = /^\[(?:card •••• \d{4}|security code hidden|password hidden|code hidden|PIN hidden)\]/u;

/** True when the digits (spaces and hyphens ignored) pass the Luhn checksum; needs at least two digits. */
export function luhnValid(digits: string): boolean {
  const plain = digits.replace(/[ -]/g, '');
  if (!/^\d{2,}$/.test(plain)) return false;
  let sum = 0;
  for (let i = 0; i < plain.length; i++) {
    let d = plain.charCodeAt(plain.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// ---------------------------------------------------------------------------------------------------------
// Card numbers: maximal runs of digit groups joined by single spaces or hyphens; inside a run, the longest
// window of whole groups that has 13–19 digits, a card's grouping and a valid Luhn checksum.

const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const LETTER = /\p{L}/u;

function cardShaped(sizes: readonly number[]): boolean {
  if (sizes.length === 1) return true; // 4111111111111111
  const last = sizes.at(-1)!;
  if (sizes.slice(0, -1).every((s) => s === 4) && last >= 1 && last <= 4) return true; // 4-4-4-4, 4-4-4-4-3, 4-4-4-1
  return sizes.length === 3 && sizes[0] === 4 && sizes[1] === 6 && (last === 5 || last === 4); // Amex 4-6-5, Diners 4-6-4
}

function cardCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    const start = run.index;
    const end = start + run[0].length;
    const before = text[start - 1] ?? '';
    const after = text[end] ?? '';
    // "+46…" is a phone number; digits glued to letters ("DE89…", "…abc") are an identifier, not a card.
    if (before === '+' || LETTER.test(before) || LETTER.test(after)) continue;
    const groups = [...run[0].matchAll(/\d+/g)].map((g) => ({ start: start + g.index, digits: g[0] }));
    let i = 0;
    while (i < groups.length) {
      let best = -1;
      let digits = '';
      for (let j = i, total = ''; j < groups.length; j++) {
        total += groups[j]!.digits;
        if (total.length > 19) break;
        const sizes = groups.slice(i, j + 1).map((g) => g.digits.length);
        if (total.length >= 13 && cardShaped(sizes) && luhnValid(total)) {
          best = j;
          digits = total;
        }
      }
      if (best === -1) {
        i++;
        continue;
      }
      const last = groups[best]!;
      out.push({
        start: groups[i]!.start,
        end: last.start + last.digits.length,
        kind: 'card_number',
        replacement: `[card •••• ${digits.slice(-4)}]`,
      });
      i = best + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Labelled secrets: a label, a short gap ("", " ", ": ", " is ", " = "), then the value.

const BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const AFTER = String.raw`(?![\p{L}\p{N}])`;
const SPACE = String.raw`[^\S\n]`;
const GAP = String.raw`(?:${SPACE}|[:=#-])*(?:(?:is|are|was|were)${AFTER}(?:${SPACE}|[:=#-])*)?`;

const SECURITY_CODE = new RegExp(
  String.raw`${BEFORE}(?:cvv2|cvc2|cvv|cvc|cid|csc|cvn|security${SPACE}+code|card${SPACE}+verification${SPACE}+(?:value|code|number)` +
    String.raw`|(?:the${SPACE}+)?(?:3|4|three|four)[ -]?digits?(?:${SPACE}+code)?${SPACE}+on${SPACE}+the${SPACE}+back(?:${SPACE}+of${SPACE}+(?:the|my|your)${SPACE}+card)?)` +
    String.raw`${GAP}(\d{3,4})${AFTER}`,
  'giud',
);

// "code" alone is a one-time code unless a word before it says it is something else.
const NOT_A_SECRET_CODE = [
  'error', 'promo', 'promotional', 'discount', 'voucher', 'coupon', 'gift', 'referral', 'invite', 'invitation',
  'campaign', 'zip', 'postal', 'post', 'area', 'country', 'dialling', 'dialing', 'currency', 'status', 'reason',
  'response', 'http', 'reference', 'ref', 'order', 'product', 'tracking', 'invoice', 'customer', 'client',
  'merchant', 'sort', 'swift', 'bic', 'bank', 'tax', 'source', 'qr', 'bar', 'colour', 'color',
].join('|');

const CODE_VALUE = String.raw`(\d{3,4}[ -]\d{3,4}|\d{4,8})${AFTER}`;

const ONE_TIME_CODE = new RegExp(
  String.raw`${BEFORE}(?:one[ -]?time${SPACE}+(?:pass)?code|one[ -]?time${SPACE}+password|otp(?:${SPACE}+code)?|2fa(?:${SPACE}+code)?` +
    String.raw`|(?:sms|text|verification|confirmation|login|authentication|auth|security)${SPACE}+code` +
    String.raw`|(?<!(?:${NOT_A_SECRET_CODE})[ -]+)code)${GAP}${CODE_VALUE}`,
  'giud',
);

const PIN = new RegExp(String.raw`${BEFORE}pin(?:[ -]?(?:code|number))?${GAP}${CODE_VALUE}`, 'giud');

const PASSWORD_LABEL = String.raw`(?:pass[ -]?word|passwd|pwd|passcode|passwort|lösenord(?:et)?|contraseña)`;
// "password: x", "password = x", "password is x" (German ist, Swedish är, Spanish es).
const PASSWORD = new RegExp(
  String.raw`${BEFORE}${PASSWORD_LABEL}(?:${SPACE}*[:=]${SPACE}*|${SPACE}+(?:is|ist|är|es)(?:${SPACE}*[:=])?${SPACE}+)(\S+)`,
  'giud',
);
// "my password Hunter2!": only a single token with a digit or symbol, at the end of a line or sentence.
const MY_PASSWORD = new RegExp(String.raw`${BEFORE}my${SPACE}+${PASSWORD_LABEL}${SPACE}+(\S+)`, 'giud');

// Words after "password is" that describe the password rather than being it.
const NOT_A_PASSWORD = new Set([
  // English
  'not', 'wrong', 'correct', 'incorrect', 'expired', 'blocked', 'locked', 'too', 'the', 'a', 'an', 'still', 'being',
  'missing', 'invalid', 'right', 'fine', 'ok', 'okay', 'same', 'different', 'very', 'really', 'so', 'now', 'also',
  'just', 'no', 'never', 'always', 'already', 'definitely', 'probably', 'empty', 'blank', 'required', 'reset',
  'changed', 'new', 'old', 'my', 'your', 'it', 'this', 'that', 'what', 'which', 'weak', 'strong', 'short', 'long',
  'saved', 'stored', 'set', 'lost', 'forgotten', 'gone', 'broken', 'working', 'accepted', 'rejected', 'hidden',
  'case', 'and', 'or', 'but', 'for', 'to', 'in', 'on', 'of', 'at', 'with', 'like', 'is',
  // German
  'nicht', 'falsch', 'richtig', 'korrekt', 'abgelaufen', 'gesperrt', 'zu', 'der', 'die', 'das', 'ein', 'eine',
  'noch', 'ungültig', 'vergessen', 'neu', 'leer', 'kein', 'keine', 'sehr', 'gleich', 'geändert',
  // Swedish
  'inte', 'fel', 'rätt', 'låst', 'spärrad', 'spärrat', 'för', 'ogiltig', 'ogiltigt', 'felaktig', 'felaktigt',
  'utgånget', 'en', 'ett', 'fortfarande', 'nytt', 'samma', 'glömt', 'tomt',
  // Spanish
  'incorrecta', 'correcta', 'incorrecto', 'correcto', 'inválida', 'invalida', 'muy', 'la', 'el', 'una', 'un',
  'demasiado', 'bloqueada', 'caducada', 'todavía', 'nueva', 'igual', 'mala', 'errónea',
]);

function labelled(text: string, pattern: RegExp, kind: Exclude<SecretKind, 'card_number'>): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(pattern)) {
    const [start, end] = m.indices![1]!;
    out.push({ start, end, kind, replacement: HIDDEN[kind] });
  }
  return out;
}

function passwordCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  const consider = (m: RegExpExecArray | RegExpMatchArray, bare: boolean): void => {
    const [start, end] = m.indices![1]!;
    const token = m[1]!;
    if (PLACEHOLDER.test(text.slice(start))) return;
    // Sentence punctuation after the password goes back into the text; "!" stays, as passwords often end in it.
    const secret = token.replace(/[.,;?]+$/u, '');
    const word = secret.replace(/^["'“‘«(]+|["'”’»).,;!?:]+$/gu, '').toLowerCase();
    if (word === '' || NOT_A_PASSWORD.has(word)) return;
    if (bare) {
      const core = secret.replace(/[.,;!?]+$/u, '');
      const hasDigitOrSymbol = /[^\p{L}]/u.test(core);
      const endsThought = /[.,;!?]$/u.test(token) || new RegExp(String.raw`^${SPACE}*(?:\n|$)`, 'u').test(text.slice(end));
      if (!hasDigitOrSymbol || !endsThought) return;
    }
    out.push({ start, end: start + secret.length, kind: 'password', replacement: HIDDEN.password });
  };
  for (const m of text.matchAll(PASSWORD)) consider(m, false);
  for (const m of text.matchAll(MY_PASSWORD)) consider(m, true);
  return out;
}

/** The text with every secret replaced, so it is never stored or shown; and which kinds were found. */
export function maskSecrets(text: string): Masked {
  const candidates = [
    ...cardCandidates(text),
    ...labelled(text, SECURITY_CODE, 'card_security_code'),
    ...labelled(text, PIN, 'pin'),
    ...labelled(text, ONE_TIME_CODE, 'one_time_code'),
    ...passwordCandidates(text),
  ].sort((a, b) => a.start - b.start || b.end - a.end || PRIORITY[a.kind] - PRIORITY[b.kind]);

  // Overlapping candidates are masked as one span (their union), named after the earliest and longest.
  const found: SecretKind[] = [];
  let out = '';
  let at = 0;
  for (let i = 0; i < candidates.length; ) {
    const winner = candidates[i]!;
    let end = winner.end;
    for (i++; i < candidates.length && candidates[i]!.start < end; i++) end = Math.max(end, candidates[i]!.end);
    out += text.slice(at, winner.start) + winner.replacement;
    at = end;
    if (!found.includes(winner.kind)) found.push(winner.kind);
  }
  return { text: out + text.slice(at), found };
}
