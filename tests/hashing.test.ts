import { describe, expect, it } from 'vitest';
import { HashingEmbeddings, deserializeIdf, serializeIdf } from '../src/embed/hashingEmbeddings.js';

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
