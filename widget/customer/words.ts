// The catalog in use: the language the loader chose (data-lang, the page's lang, Tandem.setLanguage) and its
// words. Components read `words.value`, so a switch at run time redraws everything in the new language.
import { computed, signal } from '@preact/signals';
import type { ChatWords, Language } from './i18n/catalog.ts';
import { chat as de } from './i18n/de.ts';
import { chat as en } from './i18n/en.ts';
import { chat as es } from './i18n/es.ts';
import { chat as sv } from './i18n/sv.ts';

const CATALOGS: Record<Language, ChatWords> = { en, de, sv, es };

export const language = signal<Language>('en');
export const words = computed(() => CATALOGS[language.value]);

/** Something to tell the customer: the server's own words, or ours, worded in the language shown at the time. */
export type Notice = string | ((w: ChatWords) => string);

export function noticeText(notice: Notice): string {
  return typeof notice === 'function' ? notice(words.value) : notice;
}
