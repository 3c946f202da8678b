import { describe, expect, it } from 'vitest';
import { DF_BUCKETS, HashingEmbeddings, fnv1a, type HashingIdf } from '../src/embed/hashingEmbeddings.js';
import { charNgrams, terms } from '../src/text/tokenize.js';

/**
 * The hashing embedder hashes its features without building their strings (most of an ingest's embedding time).
 * It must give bit for bit what hashing the feature strings gives: stored vectors and the IDF depend on it.
 */
const WEIGHTS = { word: 1, bigram: 0.5, char3: 0.25, char4: 0.35 };

/** The embedder as first written: one string per feature, hashed with fnv1a. */
function referenceVector(text: string, dimensions: number, idf?: HashingIdf): number[] {
  const features = new Map<number, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    const entry = features.get(h);
    if (entry) entry.count++;
    else features.set(h, { weight, count: 1 });
  };
  const stems = terms(text);
  for (const s of stems) add(`w:${s}`, WEIGHTS.word);
  for (let i = 0; i + 1 < stems.length; i++) add(`b:${stems[i]} ${stems[i + 1]}`, WEIGHTS.bigram);
  for (const g of charNgrams(text, 3)) add(`3:${g}`, WEIGHTS.char3);
  for (const g of charNgrams(text, 4)) add(`4:${g}`, WEIGHTS.char4);
  const vector = new Float64Array(dimensions);
  for (const [h, { weight, count }] of features) {
    const idfWeight = idf ? Math.log((idf.documents + 1) / (idf.df[h % DF_BUCKETS] + 1)) + 1 : 1;
    vector[h % dimensions] += ((h >>> 31) & 1 ? -1 : 1) * weight * (1 + Math.log(count)) * idfWeight;
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return Array.from(vector, (v) => v / norm);
}

describe('hashing embedder features', () => {
  it.each([
    'Menteri Luar Negeri Jepang, Toshimitsu Motegi, bertemu Kang Kyung-wha di San Francisco (14/01/20).',
    'The Battle of Hastings was fought in 1066; the Normans won.',
    'Ünïcödé ÉTÉ ça 東京 日本 x y z',
    'a',
    '',
    'perundingan perundingan perundingan.Menteri AS.Kementerian',
  ])('gives the vector that hashing each feature string gives: %j', async (text) => {
    const embedder = new HashingEmbeddings({ dimensions: 256 });
    expect(await embedder.embedQuery(text)).toEqual(referenceVector(text, 256));
  });

  // The fast path's scratch tables grow mid-text (thousands of distinct features); IDF by bucket; sizes that are
  // not a power of two take `%`, not a mask.
  const corpus = [
    'Menteri Luar Negeri Korea Selatan Kang Kyung-wha bertemu Menlu AS Mike Pompeo di San Francisco.',
    'The ministers met in San Francisco on Tuesday; the talks lasted two hours. The ministers agreed.',
    Array(60).fill('yang').join(' '),
    Array.from({ length: 3000 }, (_, i) => `kata${i.toString(36)}x`).join(' '),
    '',
  ];
  it.each([1024, 300])('gives the reference vector with a fitted IDF, long texts included (%i dimensions)', async (dimensions) => {
    const fitted = new HashingEmbeddings({ dimensions }).fit(corpus);
    for (const text of corpus) {
      expect(await fitted.embedQuery(text)).toEqual(referenceVector(text, dimensions, fitted.idf));
      expect(await new HashingEmbeddings({ dimensions }).embedQuery(text)).toEqual(referenceVector(text, dimensions));
    }
  });

  it('counts each distinct feature of a text once in the document frequencies', () => {
    const fitted = new HashingEmbeddings({ dimensions: 64 }).fit(['yang yang yang', 'yang lain']);
    expect(fitted.idf!.df[fnv1a(`w:${terms('yang')[0]}`) % DF_BUCKETS]).toBe(2);
    expect(fitted.idf!.df[fnv1a(`w:${terms('lain')[0]}`) % DF_BUCKETS]).toBe(1);
  });
});
