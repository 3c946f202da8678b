import { describe, expect, it } from 'vitest';
import { HashingEmbeddings } from '../src/embed/hashingEmbeddings.js';
import { vectorBatches } from '../src/embed/parallelHashing.js';

async function collect(iterable: AsyncIterable<number[][]>): Promise<number[][][]> {
  const out: number[][][] = [];
  for await (const batch of iterable) out.push(batch);
  return out;
}

describe('vectorBatches', () => {
  const texts = Array.from({ length: 300 }, (_, i) => `Menteri ${i} bertemu mitra ${i % 7} di San Francisco; the talks (${i * 13}) went on.`);
  const embeddings = new HashingEmbeddings({ dimensions: 256 }).fit(texts);

  it('gives the same vectors, in the same batches, on a second thread as on this one', async () => {
    const here = await collect(vectorBatches(embeddings, texts, 64, { parallel: false }));
    const threaded = await collect(vectorBatches(embeddings, texts, 64, { parallel: true }));
    expect(here.map((b) => b.length)).toEqual([64, 64, 64, 64, 44]);
    expect(threaded).toEqual(here);
    expect(here.flat()).toEqual(await embeddings.embedDocuments(texts));
  });

  it('lets the consumer stop early: the generator ends (its thread terminated in `finally`) without hanging or failing', async () => {
    const seen: number[] = [];
    for await (const batch of vectorBatches(embeddings, texts, 32, { parallel: true })) {
      seen.push(batch.length);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([32, 32]);
  });

  it('embeds nothing for no text', async () => {
    expect(await collect(vectorBatches(embeddings, [], 64, { parallel: true }))).toEqual([]);
  });
});
