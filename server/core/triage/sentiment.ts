// Sentiment of one turn, −1..1: VADER (Hutto & Gilbert 2014) through the `vader-sentiment` port, chosen by
// `npm run bench:triage` (Pearson r with the human mean on VADER's tweets: VADER 0.88, AFINN `sentiment`
// 0.77, wink-nlp 0.73). VADER's rules (negation, "but", boosters, CAPS, "!!!") fit chat text best.
//
// The port's tokenizer builds a dictionary of every word with 17 punctuation marks glued to each side, on
// every call: 70–140 µs a turn, more than the whole triage budget. `tokens` below produces the same tokens
// directly (checked against the port on all 23,703 ground-truth sentences by test/unit/sentiment.test.ts);
// the scoring rules themselves are still the library's.

import vader from 'vader-sentiment';

const { SentimentIntensityAnalyzer: analyzer } = vader;

// The characters the port strips (its REGEX_REMOVE_PUNCTUATION) and the marks it glues to words (PUNC_LIST).
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const GLUED = new Set(['.', '!', '?', ',', ';', ':', '-', "'", '"', '!!', '!!!', '??', '???', '?!?', '!?!', '?!?!', '!?!?']);

function stripPunctuation(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) if (!PUNCTUATION.has(word[i]!)) out += word[i];
  return out;
}

/** VADER's words_and_emoticons: whitespace tokens longer than one character, with one glued mark removed. */
export function tokens(text: string): string[] {
  const raw = text.split(/\s/);
  const words = new Set<string>();
  for (const token of raw) {
    for (const part of stripPunctuation(token).split(/\s/)) if (part.length > 1) words.add(part);
  }
  const out: string[] = [];
  for (const token of raw) {
    if (token.length <= 1) continue;
    let lead = 0;
    while (lead < token.length && PUNCTUATION.has(token[lead]!)) lead++;
    let trail = token.length;
    while (trail > lead && PUNCTUATION.has(token[trail - 1]!)) trail--;
    const core = token.slice(lead, trail);
    let replaced = token;
    // token = mark + word (no punctuation inside word)
    if (lead > 0 && trail === token.length && GLUED.has(token.slice(0, lead)) && words.has(core)) replaced = core;
    // token = word + mark
    else if (lead === 0 && trail < token.length && GLUED.has(token.slice(trail)) && words.has(core)) replaced = core;
    out.push(replaced);
  }
  return out;
}

function isUpper(word: string): boolean {
  return /^[^a-z]*[A-Z]+[^a-z]*$/.test(word);
}

/** VADER's compound score of `text`, −1 (most negative) … 1 (most positive). */
export function sentimentOf(text: string): number {
  const words = tokens(text);
  let upper = 0;
  for (const word of words) if (isUpper(word)) upper++;
  const capDifferential = words.length - upper;
  const sentiText = { text, words_and_emoticons: words, is_cap_diff: capDifferential > 0 && capDifferential < words.length };
  let sentiments: number[] = [];
  for (let i = 0; i < words.length; i++) {
    // The port skips booster words and "kind of"; boosters have no valence in the lexicon, so scoring them
    // pushes the same 0. Only "kind" (which has one) needs the explicit skip.
    if (i < words.length - 1 && words[i]!.toLowerCase() === 'kind' && words[i + 1]!.toLowerCase() === 'of') {
      sentiments.push(0);
      continue;
    }
    sentiments = analyzer.sentiment_valence(0, sentiText, words[i]!, i, sentiments);
  }
  sentiments = analyzer.but_check(words, sentiments);
  return analyzer.score_valence(sentiments, text).compound;
}

/** The library's own, slow path: the reference `sentimentOf` is checked against. */
export function referenceSentimentOf(text: string): number {
  return analyzer.polarity_scores(text).compound;
}
