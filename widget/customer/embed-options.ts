// The options a shop puts on the widget's <script> tag as data-* attributes (docs/WIDGET.md).
import { toLanguage, type Language } from './i18n/catalog.ts';

export interface EmbedOptions {
  /** data-title: the panel's title (else the catalog's "Support") */
  title: string | undefined;
  /** data-color: the accent, any CSS colour; ignored when the browser cannot parse it */
  color: string | undefined;
  position: 'left' | 'right';
  theme: 'light' | 'dark' | 'auto';
  /** data-launcher-text: a label beside the launcher's icon (a pill instead of a circle) */
  launcherText: string | undefined;
  /** data-lang: wins over the page's <html lang> */
  language: Language | null;
  /** data-preload="none": fetch the full widget only when the chat opens, not when the page is idle */
  preload: 'idle' | 'none';
}

export function readEmbedOptions(data: DOMStringMap): EmbedOptions {
  const color = data.color?.trim();
  const theme = data.theme;
  return {
    title: data.title?.trim() || undefined,
    color: color && CSS.supports('color', color) ? color : undefined,
    position: data.position === 'left' ? 'left' : 'right',
    theme: theme === 'dark' || theme === 'auto' ? theme : 'light',
    launcherText: data.launcherText?.trim() || undefined,
    language: toLanguage(data.lang),
    preload: data.preload === 'none' ? 'none' : 'idle',
  };
}
