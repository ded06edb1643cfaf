// The deployer's knowledge base: Markdown articles, each split into self-contained sections that can be shown
// to a customer as an answer, indexed with MiniSearch (BM25 with prefix and fuzzy matching).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import MiniSearch from 'minisearch';

export interface Section {
  id: string;
  article: string;
  title: string;
  heading: string;
  keywords: string;
  text: string;
}

export interface Hit {
  section: Section;
  score: number;
  /**
   * Share of the question's meaning that the section matched, 0..1: its meaningful words weighted by rarity
   * in the knowledge base (inverse document frequency), so a word the base has never seen ("bitcoin") weighs
   * most and a common one ("payment") least.
   */
  coverage: number;
}

// Words that carry no topic; dropping them keeps "how do I …" from matching every article.
const STOP_WORDS = new Set(
  `a about am an and any are as at be been but by can could did do does doing for from get got had has have how
  i if in into is it its just me my myself no not of on or our please so some than that the their them then there
  these this to too us was we were what when where which who why will with would you your yours hi hello hey thanks
  thank ok okay yes still want need know tell help much many happen happens possible able also really
  anything something else`.split(/\s+/),
);

/** Lower-cased, non-stop-word terms of a text (the same rule for the index and the questions). */
export function meaningfulTerms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 1 && !STOP_WORDS.has(term));
}

interface Parsed {
  title: string;
  keywords: string;
  summary: string;
  sections: { heading: string; text: string }[];
}

/** Split one article: front matter (title, keywords), the summary paragraph, then its `## ` sections. */
export function parseArticle(markdown: string, fallbackTitle: string): Parsed {
  let body = markdown.replace(/\r\n/g, '\n');
  const meta: Record<string, string> = {};
  const front = /^---\n([\s\S]*?)\n---\n/.exec(body);
  if (front) {
    for (const line of front[1]!.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) meta[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    body = body.slice(front[0].length);
  }
  const [intro = '', ...rest] = body.split(/^## /m);
  const clean = (s: string) => s.replace(/\*\*/g, '').replace(/^# .*$/m, '').trim();
  return {
    title: meta.title ?? fallbackTitle,
    keywords: meta.keywords ?? '',
    summary: clean(intro),
    sections: rest.map((chunk) => {
      const newline = chunk.indexOf('\n');
      return { heading: chunk.slice(0, newline).trim(), text: clean(chunk.slice(newline + 1)) };
    }),
  };
}

export class KnowledgeBase {
  readonly articles: number;
  readonly sections: readonly Section[];
  readonly #index: MiniSearch<Section>;
  readonly #byId: Map<string, Section>;
  /** Every indexed word, with the number of sections it occurs in. */
  readonly #documentFrequency = new Map<string, number>();

  constructor(sections: readonly Section[]) {
    this.sections = sections;
    this.#byId = new Map(sections.map((s) => [s.id, s]));
    this.articles = new Set(sections.map((s) => s.article)).size;
    this.#index = new MiniSearch<Section>({
      fields: ['title', 'heading', 'keywords', 'text'],
      storeFields: [],
      processTerm: (term) => {
        const t = term.toLowerCase();
        return t.length > 1 && !STOP_WORDS.has(t) ? t : null;
      },
      searchOptions: {
        boost: { title: 2, heading: 2, keywords: 1.5 },
        prefix: (term) => term.length > 3,
        fuzzy: (term) => (term.length > 5 ? 0.2 : false),
        combineWith: 'OR',
      },
    });
    this.#index.addAll([...sections]);
    for (const section of sections) {
      const words = new Set(meaningfulTerms(`${section.title} ${section.heading} ${section.keywords} ${section.text}`));
      for (const word of words) this.#documentFrequency.set(word, (this.#documentFrequency.get(word) ?? 0) + 1);
    }
  }

  /** Inverse document frequency of a question word, counting the indexed words it would match as a prefix. */
  #idf(term: string): number {
    let df = this.#documentFrequency.get(term) ?? 0;
    if (term.length > 3) {
      for (const [word, count] of this.#documentFrequency) if (word !== term && word.startsWith(term)) df = Math.max(df, count);
    }
    return Math.log(1 + this.sections.length / (1 + df));
  }

  /** Load every `*.md` article of a folder. */
  static fromDirectory(dir: string): KnowledgeBase {
    const sections: Section[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
      const article = basename(file, '.md');
      const parsed = parseArticle(readFileSync(join(dir, file), 'utf8'), article);
      const base = { article, title: parsed.title, keywords: parsed.keywords };
      if (parsed.summary) sections.push({ ...base, id: `${article}#summary`, heading: parsed.title, text: parsed.summary });
      parsed.sections.forEach((s, i) => sections.push({ ...base, id: `${article}#${i + 1}`, heading: s.heading, text: s.text }));
    }
    return new KnowledgeBase(sections);
  }

  /** The best sections for a question, best first. */
  search(question: string, limit = 3): Hit[] {
    const asked = new Set(meaningfulTerms(question));
    if (asked.size === 0) return [];
    return this.#index
      .search(question)
      .slice(0, limit)
      .map((result) => {
        // queryTerms are the question's words that matched (after prefix/fuzzy expansion).
        const matched = new Set(result.queryTerms.filter((t) => asked.has(t)));
        let total = 0;
        let covered = 0;
        for (const term of asked) {
          const weight = this.#idf(term);
          total += weight;
          if (matched.has(term)) covered += weight;
        }
        return { section: this.#byId.get(String(result.id))!, score: result.score, coverage: covered / total };
      });
  }
}
