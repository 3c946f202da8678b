import { describe, expect, it } from 'vitest';
import { DF_BUCKETS, HashingEmbeddings, deserializeIdf, fnv1a, serializeIdf } from '../src/embed/hashingEmbeddings.js';
import { stem } from '../src/text/stem.js';
import { words } from '../src/text/tokenize.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('HashingEmbeddings', () => {
  const e = new HashingEmbeddings({ dimensions: 512 });

  it('is deterministic and L2-normalised', async () => {
    const [a, b] = await e.embedDocuments(['Selat Hormuz di dekat Iran', 'Selat Hormuz di dekat Iran']);
    expect(a).toEqual(b);
    expect(a).toHaveLength(512);
    expect(Math.sqrt(cosine(a, a))).toBeCloseTo(1, 6);
    expect(await e.embedQuery('Selat Hormuz di dekat Iran')).toEqual(a);
  });

  it('puts related text closer than unrelated text, in Indonesian and English', async () => {
    const q = await e.embedQuery('pertemuan menteri luar negeri');
    const near = await e.embedQuery('Menteri Luar Negeri mengadakan pertemuan');
    const far = await e.embedQuery('resep nasi goreng yang enak');
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
    const qe = await e.embedQuery('foreign ministers meeting');
    expect(cosine(qe, await e.embedQuery('the foreign minister met'))).toBeGreaterThan(cosine(qe, await e.embedQuery('a recipe for fried rice')));
  });

  it('learns IDF that down-weights common words, and round-trips it', async () => {
    const corpus = ['yang dan di kapal', 'yang dan di pesawat', 'yang dan di kereta', 'yang dan di mobil'];
    const fitted = e.fit(corpus);
    const restored = new HashingEmbeddings({ dimensions: 512, idf: deserializeIdf(serializeIdf(fitted.idf!)) });
    const q = await fitted.embedQuery('yang kapal');
    expect(await restored.embedQuery('yang kapal')).toEqual(q);
    // With IDF, "yang kapal" is closer to the kapal document than to another "yang" document.
    expect(cosine(q, await fitted.embedQuery(corpus[0]))).toBeGreaterThan(cosine(q, await fitted.embedQuery(corpus[1])));
  });

  it('fits the same IDF while yielding to the event loop between batches', async () => {
    const corpus = Array.from({ length: 50 }, (_, i) => `dokumen nomor ${i} tentang kapal dan pesawat`);
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (ticks < 1000) timer = setImmediate(tick);
    };
    let timer = setImmediate(tick);
    const yielding = await e.fitYielding(corpus, 10);
    clearImmediate(timer);
    expect(yielding.idf).toEqual(e.fit(corpus).idf);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('embeds empty text to a zero vector without failing', async () => {
    const v = await e.embedQuery('');
    expect(v.every((x) => x === 0)).toBe(true);
  });
});

/** The embedder as first written, feature by feature with strings and a Map: the fast path must give the same bits. */
function referenceEmbedding(text: string, dimensions: number, idf?: { documents: number; df: Uint32Array }): number[] {
  const seen = new Map<number, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    const entry = seen.get(h);
    if (entry) entry.count++;
    else seen.set(h, { weight, count: 1 });
  };
  const list = words(text);
  const stems = list.map(stem);
  for (const s of stems) add(`w:${s}`, 1);
  for (let i = 0; i + 1 < stems.length; i++) add(`b:${stems[i]} ${stems[i + 1]}`, 0.5);
  for (const [n, weight] of [[3, 0.25], [4, 0.35]] as const) {
    for (const w of list) {
      const padded = `<${w}>`;
      if (padded.length <= n) add(`${n}:${padded}`, weight);
      else for (let i = 0; i + n <= padded.length; i++) add(`${n}:${padded.slice(i, i + n)}`, weight);
    }
  }
  const vector = new Float64Array(dimensions);
  for (const [h, { weight, count }] of seen) {
    const idfWeight = idf ? Math.log((idf.documents + 1) / (idf.df[h % DF_BUCKETS] + 1)) + 1 : 1;
    vector[h % dimensions] += ((h >>> 31) & 1 ? -1 : 1) * weight * (1 + Math.log(count)) * idfWeight;
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return Array.from(vector, (v) => v / norm);
}

describe('HashingEmbeddings fast path', () => {
  const texts = [
    'Menteri Luar Negeri Korea Selatan Kang Kyung-wha bertemu Menlu AS Mike Pompeo di San Francisco.',
    'The ministers met in San Francisco on Tuesday; the talks lasted two hours. The ministers agreed.',
    'yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang yang',
    // Thousands of distinct features: the scratch tables grow mid-text.
    Array.from({ length: 3000 }, (_, i) => `kata${i.toString(36)}x`).join(' '),
    'a',
    '',
  ];

  it('gives exactly the reference embedding, with and without IDF, at power-of-two and other sizes', async () => {
    for (const dimensions of [1024, 300]) {
      const plain = new HashingEmbeddings({ dimensions });
      const fitted = plain.fit(texts);
      for (const text of texts) {
        expect(await plain.embedQuery(text)).toEqual(referenceEmbedding(text, dimensions));
        expect(await fitted.embedQuery(text)).toEqual(referenceEmbedding(text, dimensions, fitted.idf));
      }
    }
  });

  it('counts each distinct feature of a text once in the document frequencies', () => {
    const fitted = new HashingEmbeddings({ dimensions: 64 }).fit(['yang yang yang', 'yang lain']);
    expect(fitted.idf!.df[fnv1a(`w:${stem('yang')}`) % DF_BUCKETS]).toBe(2);
    expect(fitted.idf!.df[fnv1a(`w:${stem('lain')}`) % DF_BUCKETS]).toBe(1);
  });
});
