// The customer's language and what the AI can read. Triage's models, the embedded responder and its knowledge
// base read English; a deployer who serves more (an LLM that writes German, say) lists them in
// TANDEM_AI_LANGUAGES. A conversation in any other language goes to a person at its first customer message:
// a model that cannot read the words must not guess their type, their risk or an answer. Pure.

import type { LanguageView } from '../../../shared/protocol.ts';
import type { TriageRecord } from './triage.ts';

/** What the assistant and triage read unless configured otherwise. */
export const DEFAULT_AI_LANGUAGES: readonly string[] = ['en'];

/** "de" of "de-AT", lower case: the part that says which language it is. */
export function primarySubtag(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

/**
 * TANDEM_AI_LANGUAGES: comma-separated primary subtags ("en,de"); empty or unset, the default. Throws a
 * RangeError naming an entry that is not a primary subtag.
 */
export function parseAiLanguages(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  for (const entry of entries) {
    if (!/^[a-z]{2,3}$/.test(entry)) throw new RangeError(`"${entry}" is not a language's primary subtag such as "en" or "de"`);
  }
  return entries.length > 0 ? [...new Set(entries)] : [...DEFAULT_AI_LANGUAGES];
}

/** Whether the AI reads a conversation's language; a conversation without one is taken to be English. */
export function readsLanguage(served: readonly string[], language: string | null): boolean {
  return served.includes(language ? primarySubtag(language) : 'en');
}

/** Whether a tag names English ("en", "en-GB"); a conversation without a language counts as English. */
export function isEnglish(language: string | null): boolean {
  return language === null || primarySubtag(language) === 'en';
}

const NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The English name of a language tag ("German", "Swedish (Finland)"), or null when there is none. */
function nameOf(tag: string): string | null {
  try {
    return NAMES.of(tag) ?? NAMES.of(primarySubtag(tag)) ?? null;
  } catch {
    // structurally odd tags ("de-x") still have a primary language
    try {
      return NAMES.of(primarySubtag(tag)) ?? null;
    } catch {
      return null;
    }
  }
}

/** A language as agents are shown it: "German" for "de"; the tag itself when it has no English name. */
export function languageView(tag: string): LanguageView {
  return { tag, name: nameOf(tag) ?? tag };
}

/** "English", "English and German", "English, German and Swedish". */
function list(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** What triage records for a turn it did not read, and the reason the conversation goes to a person. */
export interface UnreadLanguage {
  language: LanguageView;
  /** "The customer writes German; the assistant and triage read English only." */
  reason: string;
  /** triage's decision for every customer turn of the conversation: a person, normal priority, untyped */
  record: TriageRecord;
}

/**
 * For a conversation in a language the AI does not serve: the decision for each of its customer turns. It goes
 * to a person (any agent may take it: no type), at normal priority (nothing read could justify more), and the
 * reason says why. Null when the AI reads the language.
 */
export function unreadLanguage(served: readonly string[], language: string | null): UnreadLanguage | null {
  if (language === null || readsLanguage(served, language)) return null;
  const view = languageView(language);
  const writes = view.name === language ? `in a language tagged "${language}"` : view.name;
  const reads = list(served.map((subtag) => nameOf(subtag) ?? subtag));
  const reason = `The customer writes ${writes}; the assistant and triage read ${reads} only.`;
  return {
    language: view,
    reason,
    record: {
      type: null,
      confidence: 0,
      outOfScope: false,
      oodScore: 0,
      sentiment: 0,
      distress: 0,
      route: 'human',
      priority: 'normal',
      reasons: [reason],
      language: language,
    },
  };
}
