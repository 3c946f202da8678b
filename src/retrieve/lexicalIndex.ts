import MiniSearch from 'minisearch';
import { charNgrams, terms } from '../text/tokenize.js';

/**
 * BM25+ over the chunks (MiniSearch), on two fields: stemmed words, and character 4-grams that catch what
 * stemming misses (affixes, compounds, spelling variants). Gram tokens carry a "#" so a word never matches
 * a gram. Case-insensitive, Unicode-aware, exact terms only (no substring matching).
 */
const GRAM = 4;
const GRAM_MARK = '#';

interface LexicalDoc {
  i: number;
  words: string;
  grams: string;
  source: string;
}

export interface LexicalHit {
  index: number;
  score: number;
}

export interface LexicalOptions {
  /** Boost of the gram field relative to the word field. */
  gramBoost: number;
}

export const DEFAULT_LEXICAL_OPTIONS: LexicalOptions = { gramBoost: 0.5 };

function gramTokens(text: string): string[] {
  return charNgrams(text, GRAM).map((g) => GRAM_MARK + g);
}

export class LexicalIndex {
  private readonly search: MiniSearch<LexicalDoc>;

  constructor(texts: { text: string; source: string }[], private readonly options = DEFAULT_LEXICAL_OPTIONS) {
    this.search = new MiniSearch<LexicalDoc>({
      idField: 'i',
      fields: ['words', 'grams'],
      storeFields: [],
      tokenize: (text, field) => (field === 'grams' ? gramTokens(text) : terms(text)),
      processTerm: (term) => term,
    });
    this.search.addAll(texts.map((t, i) => ({ i, words: t.text, grams: t.text, source: t.source })));
    this.sources = texts.map((t) => t.source);
  }

  private readonly sources: string[];

  query(text: string, limit: number, source?: string): LexicalHit[] {
    const tokens = [...terms(text), ...gramTokens(text)];
    if (tokens.length === 0) return [];
    const results = this.search.search(tokens.join(' '), {
      tokenize: () => tokens,
      processTerm: (term) => term,
      combineWith: 'OR',
      boost: { words: 1, grams: this.options.gramBoost },
      bm25: { k: 1.2, b: 0.75, d: 0.5 },
      filter: source ? (r) => this.sources[r.id as number] === source : undefined,
    });
    return results.slice(0, limit).map((r) => ({ index: r.id as number, score: r.score }));
  }
}
