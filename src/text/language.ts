import { ENGLISH_STOPWORDS, INDONESIAN_STOPWORDS } from './stopwords.js';
import { words } from './tokenize.js';

export type Language = 'id' | 'en';

/** Words that strongly mark one language, beyond shared stop-word lists. */
const ID_MARKERS = /^(apa|siapa|kapan|dimana|berapa|bagaimana|mengapa|kenapa|apakah|yang|dan|dengan|tidak|dari|untuk|dalam|ini|itu|tentang|bahwa|adalah|mana|kah|nya)$/;
const EN_MARKERS = /^(what|who|when|where|which|why|how|the|is|are|was|were|did|does|do|of|and|with|about|to|in)$/;

/** Indonesian or English, by counting each language's function words; English when nothing tells. */
export function detectLanguage(text: string): Language {
  let id = 0;
  let en = 0;
  for (const w of words(text)) {
    if (ID_MARKERS.test(w)) id += 2;
    else if (INDONESIAN_STOPWORDS.has(w)) id += 1;
    if (EN_MARKERS.test(w)) en += 2;
    else if (ENGLISH_STOPWORDS.has(w)) en += 1;
    // Indonesian morphology: me-/di-/ber- verbs and -nya/-kan endings.
    if (/^(me|di|ber|ter)\p{L}{3,}(kan|an|i|nya)$/u.test(w) || /\p{L}{3,}nya$/u.test(w)) id += 1;
  }
  return id > en ? 'id' : 'en';
}
