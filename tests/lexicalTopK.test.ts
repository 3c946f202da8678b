import { describe, expect, it } from 'vitest';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex, type LexicalHit } from '../src/retrieve/lexicalIndex.js';
import { seededRandom } from '../src/util/random.js';

// `query` scores into reused arrays, or prunes and re-scores; either way it must give exactly what ranking every
// chunk's `scores` value gives: the same chunks, the same scores to the last bit, ties broken by chunk order.
// Every path runs on every case: the default (these corpora are small: every posting scored) and pruning forced.
const PATHS = [
  ['all postings scored', {}],
  ['pruned', { pruneMinPostings: 0 }],
  // Pruning starts as early as the bounds allow (a try before every term): the most lookups, the fewest scored.
  ['pruned, tried before every term', { pruneMinPostings: 0, pruneTryEvery: true }],
] as const;
const options = (extra: object) => ({ ...DEFAULT_LEXICAL_OPTIONS, ...extra });

function reference(index: LexicalIndex, sources: string[], text: string, limit: number, source?: string): LexicalHit[] {
  const scores = index.scores(text);
  const hits: LexicalHit[] = [];
  scores.forEach((score, i) => {
    if (score > 0 && (source === undefined || sources[i] === source)) hits.push({ index: i, score });
  });
  hits.sort((a, b) => b.score - a.score || a.index - b.index);
  return hits.slice(0, Math.max(0, limit));
}

/** A random corpus from a small vocabulary (so terms repeat and scores tie), with exact duplicates and empty chunks. */
function corpus(seed: number, chunks: number, sourceCount: number): { text: string; source: string }[] {
  const random = seededRandom(seed);
  const vocabulary = ['selat', 'hormuz', 'kapal', 'tanker', 'menteri', 'luar', 'negeri', 'korea', 'selatan', 'battle', 'hastings',
    'william', 'england', 'perundingan', 'pemerintah', 'kebijakan', 'minyak', 'iran', 'amerika', 'jepang', 'motegi', 'kang',
    'yang', 'di', 'the', 'of', '2020', 'čeština', '東京', 'ελλάδα', 'karangkancana', 'kuningan'];
  const out: { text: string; source: string }[] = [];
  for (let i = 0; i < chunks; i++) {
    const source = `s${Math.floor(random() * sourceCount)}.txt`;
    if (random() < 0.05 && out.length) out.push({ text: out[Math.floor(random() * out.length)].text, source });
    else if (random() < 0.02) out.push({ text: '', source });
    else {
      const length = 1 + Math.floor(random() ** 2 * 60);
      out.push({ text: Array.from({ length }, () => vocabulary[Math.floor(random() ** 1.5 * vocabulary.length)]).join(' '), source });
    }
  }
  return out;
}

function randomQuery(random: () => number, texts: { text: string }[]): string {
  const words = texts[Math.floor(random() * texts.length)].text.split(' ');
  const length = 1 + Math.floor(random() * 8);
  const picked = Array.from({ length }, () => words[Math.floor(random() * words.length)]);
  if (random() < 0.3) picked.push(picked[0]); // a repeated term counts twice
  if (random() < 0.2) picked.push('zzzunknown');
  return picked.join(' ');
}

describe.each(PATHS)('LexicalIndex.query (%s) against scoring every chunk', (_name, extra) => {
  it('returns the same hits and bit-identical scores on random corpora, ties included', () => {
    for (const [seed, chunks, sourceCount] of [[1, 50, 3], [2, 400, 5], [3, 1500, 4], [4, 3000, 40]] as const) {
      const texts = corpus(seed, chunks, sourceCount);
      const sources = texts.map((t) => t.source);
      const index = new LexicalIndex(texts, options(extra));
      const random = seededRandom(seed * 101);
      for (let q = 0; q < 40; q++) {
        const text = randomQuery(random, texts);
        for (const limit of [1, 5, 40]) expect(index.query(text, limit), `${seed} "${text}" ${limit}`).toEqual(reference(index, sources, text, limit));
      }
    }
  });

  it('has ties to break: identical chunks score the same and come in chunk order', () => {
    const texts = [{ text: 'selat hormuz', source: 'a' }, { text: 'kapal tanker', source: 'a' }, { text: 'selat hormuz', source: 'b' }, { text: 'selat hormuz', source: 'a' }];
    const hits = new LexicalIndex(texts, options(extra)).query('selat hormuz', 2);
    expect(hits.map((h) => h.index)).toEqual([0, 2]);
    expect(hits[0].score).toBe(hits[1].score);
  });

  it('filters by source, for a small source and for one larger than the direct-scoring limit', () => {
    const texts = corpus(9, 2000, 2).map((t, i) => ({ text: t.text, source: i < 1700 ? 'big.txt' : 'small.txt' }));
    const sources = texts.map((t) => t.source);
    const index = new LexicalIndex(texts, options(extra));
    const random = seededRandom(5);
    for (let q = 0; q < 40; q++) {
      const text = randomQuery(random, texts);
      for (const source of ['big.txt', 'small.txt', 'missing.txt']) {
        for (const limit of [1, 7, 40]) expect(index.query(text, limit, source)).toEqual(reference(index, sources, text, limit, source));
      }
    }
  });

  it('answers empty, odd and unknown queries with nothing or the reference, never throwing', () => {
    const texts = corpus(11, 300, 3);
    const sources = texts.map((t) => t.source);
    const index = new LexicalIndex(texts, options(extra));
    const odd = ['', '   ', '???', 'zzz qqq', 'yang di the of', '\u0000\u202e', 'selat '.repeat(500), 'SELAT Hormuz!!', 'Čeština 東京', '2020'];
    for (const text of odd) {
      for (const limit of [0, 1, 5, 1000]) expect(index.query(text, limit)).toEqual(reference(index, sources, text, limit));
    }
    expect(index.query('zzz qqq', 5)).toEqual([]);
    expect(new LexicalIndex([], options(extra)).query('selat', 5)).toEqual([]);
  });

  it('stays the same after a save and load (the pruning bounds are rebuilt lazily)', () => {
    const texts = corpus(12, 800, 3);
    const sources = texts.map((t) => t.source);
    const built = new LexicalIndex(texts, options(extra));
    const loaded = LexicalIndex.deserialize(built.serialize(), sources, options(extra));
    const random = seededRandom(13);
    for (let q = 0; q < 30; q++) {
      const text = randomQuery(random, texts);
      expect(loaded.query(text, 10)).toEqual(reference(built, sources, text, 10));
    }
  });
});
