import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../src/retrieve/lexicalIndex.js';
import { isStopword } from '../src/text/stopwords.js';
import { queryTerms } from '../src/text/tokenize.js';

// The retrieval changes the eval measured, checked on small hand-made cases.
const texts = [
  { source: 'a.txt', text: 'Tidak diketahui apakah ia lahir di Roma atau di Konstantinopel.' },
  { source: 'b.txt', text: 'Keuangan atau finansial mempelajari cara mengalokasikan sumber daya moneter.' },
  { source: 'b.txt', text: 'Karangkancana adalah sebuah kecamatan di Kabupaten Kuningan, Jawa Barat.' },
  { source: 'c.txt', text: 'Duke William conquered England at the Battle of Hastings in 1066.' },
  { source: 'c.txt', text: 'The battle lines were drawn near the town of Hastings, and William waited.' },
];
const index = new LexicalIndex(texts);

describe('query terms', () => {
  it('question words with -kah/-lah are function words', () => {
    for (const w of ['apakah', 'siapakah', 'dimanakah', 'kapankah', 'bagaimanakah']) expect(isStopword(w)).toBe(true);
    expect(isStopword('kecamatan')).toBe(false);
    expect(isStopword('jalah')).toBe(false);
  });

  it('drop function words, but keep everything when nothing else is left', () => {
    expect(queryTerms('Apakah definisi dari finansial?')).not.toContain('apakah');
    expect(queryTerms('siapa dia?').length).toBeGreaterThan(0);
  });
});

describe('lexical index', () => {
  it('a question word does not decide the ranking', () => {
    expect(index.query('Apakah definisi dari finansial?', 5)[0].index).toBe(1);
  });

  it('character grams join a split compound', () => {
    expect(index.query('Dimanakah letak Desa Karang kancana?', 5)[0].index).toBe(2);
  });

  it('the bigram field prefers the adjacent phrase', () => {
    const hits = index.query('When was the Battle of Hastings?', 5);
    expect(hits[0].index).toBe(3);
    expect(hits.map((h) => h.index)).toContain(4);
  });

  it('filters by source and returns only positive scores, best first', () => {
    const hits = index.query('Hastings William', 5, 'c.txt');
    expect(hits.every((h) => texts[h.index].source === 'c.txt' && h.score > 0)).toBe(true);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(index.query('Hastings', 5, 'a.txt')).toEqual([]);
  });

  it('an empty index answers nothing', () => {
    expect(new LexicalIndex([]).query('anything', 5)).toEqual([]);
  });
});
