// Text → hashed sparse features for the triage models. Pure and allocation-light: one turn is scored tens of
// thousands of times a second, so features are written into a reused Int32Array instead of arrays of strings.
//
// Features: lower-cased word unigrams and bigrams (digits folded to 0, so order numbers generalise), and
// character 3- and 4-grams inside word boundaries ("<refu", "und>"), which keep a typo ("refnud", "instalement")
// close to the word it misspells. Extra named features (distress level, money trouble, a request for a person)
// are added by the caller through `namedFeature`.

/** Number of hash buckets (2^18). Collisions at this size cost well under a point of accuracy. */
export const FEATURE_BUCKETS = 1 << 18;
const MASK = FEATURE_BUCKETS - 1;
const MAX_FEATURES = 4096;

// FNV-1a over UTF-16 code units, with a seed per feature kind so "ok" the word and "ok" the bigram differ.
function fnv(seed: number, text: string, start: number, end: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const SEED_WORD = 0x1;
const SEED_BIGRAM = 0x2;
const SEED_CHAR = 0x3;
const SEED_NAMED = 0x4;

/** The bucket of a named, non-text feature (e.g. "distress:2"). */
export function namedFeature(name: string): number {
  return fnv(SEED_NAMED, name, 0, name.length) & MASK;
}

/**
 * Lower-cases, folds accents and digits, keeps letters, digits and apostrophes as word characters and
 * separates words by single spaces: "I've been CHARGED 2x!!" → "i've been charged 0x".
 */
export function normalize(text: string): string {
  const folded = text.normalize('NFKD').toLowerCase();
  let out = '';
  let space = true;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c === 39 || c === 0x2019) {
      out += c === 0x2019 ? "'" : folded[i];
      space = false;
    } else if (c >= 48 && c <= 57) {
      out += '0';
      space = false;
    } else if (c >= 0x300 && c <= 0x36f) {
      // combining accent left by NFKD: drop it, "é" → "e"
    } else if (c > 127 && /\p{L}/u.test(folded[i]!)) {
      out += folded[i];
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  return space ? out.slice(0, -1) : out;
}

/** The feature buckets of one text: `ids[0..count)`. */
export interface Features {
  readonly ids: Int32Array;
  readonly count: number;
}

/** Reusable output of `extract`. A stored example is just `{ ids, count: ids.length }`. */
export class FeatureBuffer implements Features {
  readonly ids = new Int32Array(MAX_FEATURES);
  count = 0;

  add(id: number): void {
    if (this.count < MAX_FEATURES) this.ids[this.count++] = id;
  }
}

/** Writes the hashed features of already-normalized text into `into` (which is cleared first). */
export function extract(normalized: string, into: FeatureBuffer): FeatureBuffer {
  into.count = 0;
  const text = normalized;
  let previousStart = -1;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(' ', start);
    if (end === -1) end = text.length;
    into.add(fnv(SEED_WORD, text, start, end) & MASK);
    if (previousStart >= 0) into.add(fnv(SEED_BIGRAM, text, previousStart, end) & MASK);
    // character n-grams over "<word>", boundaries included
    const padded = `<${text.slice(start, end)}>`;
    for (let n = 3; n <= 4; n++) {
      for (let i = 0; i + n <= padded.length; i++) into.add(fnv(SEED_CHAR, padded, i, i + n) & MASK);
    }
    previousStart = start;
    start = end + 1;
  }
  return into;
}
