import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Embeddings } from '@langchain/core/embeddings';
import type { Chunk } from '../src/chunk/chunker.js';
import { KnowledgeBase } from '../src/retrieve/knowledgeBase.js';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex } from '../src/retrieve/lexicalIndex.js';
import type { DenseIndex } from '../src/store/vectorIndex.js';
import { FIELD_NAMES, type FieldName } from '../src/retrieve/lexicalFields.js';
import { inSlices } from '../src/retrieve/slicedWork.js';
import { seededRandom } from '../src/util/random.js';

/** Lists at least this long are decoded in the background (`BACKGROUND_MIN_POSTINGS` in lexicalIndex.ts). */
const BACKGROUND_MIN_POSTINGS = 1024;

/** 6,000 chunks from a small vocabulary: many word and gram lists pass 1,024 postings, most bigram lists do not. */
function corpus(seed: number, chunks: number): { text: string; source: string }[] {
  const random = seededRandom(seed);
  const vocabulary = ['selat', 'hormuz', 'kapal', 'tanker', 'menteri', 'luar', 'negeri', 'korea', 'selatan', 'battle', 'hastings',
    'william', 'england', 'perundingan', 'pemerintah', 'kebijakan', 'minyak', 'iran', 'amerika', 'jepang', 'motegi', 'kang',
    'yang', 'di', 'the', 'of', '2020', 'čeština', '東京', 'ελλάδα', 'karangkancana', 'kuningan'];
  return Array.from({ length: chunks }, (_, i) => {
    const length = 1 + Math.floor(random() * 40);
    return { text: Array.from({ length }, () => vocabulary[Math.floor(random() ** 1.5 * vocabulary.length)]).join(' '), source: `s${i % 7}.txt` };
  });
}

function queries(seed: number, texts: { text: string }[], count: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const words = texts[Math.floor(random() * texts.length)].text.split(' ');
    return Array.from({ length: 1 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(' ');
  });
}

describe('LexicalIndex.decodeInBackground', () => {
  const texts = corpus(3, 6000);
  const sources = texts.map((t) => t.source);
  const built = new LexicalIndex(texts);
  const bytes = built.serialize();
  const asked = queries(4, texts, 40);
  /** Per field, the postings in lists of `min` postings or more. */
  const postingsInLists = (min: number) =>
    Object.fromEntries(
      FIELD_NAMES.map((name) => {
        const { offsets } = built.field(name).postings;
        let postings = 0;
        for (let t = 0; t + 1 < offsets.length; t++) if (offsets[t + 1] - offsets[t] >= min) postings += offsets[t + 1] - offsets[t];
        return [name, postings];
      }),
    ) as Record<FieldName, number>;
  const all = postingsInLists(0);
  const long = postingsInLists(BACKGROUND_MIN_POSTINGS);
  /** Per field, the postings in lists shorter than `BACKGROUND_MIN_POSTINGS`: those the background leaves coded. */
  const short = Object.fromEntries(FIELD_NAMES.map((name) => [name, all[name] - long[name]])) as Record<FieldName, number>;

  it('decodes every long list ahead of the queries, and no other', async () => {
    expect(long.words).toBeGreaterThan(0);
    expect(long.grams).toBeGreaterThan(0);
    expect(short.pairs).toBeGreaterThan(0);
    const loaded = LexicalIndex.deserialize(bytes, sources);
    expect(loaded.codedPostings()).toEqual(all);
    const settled = loaded.decodeInBackground();
    expect(loaded.decodeInBackground()).toBe(settled);
    expect(loaded.codedPostings()).toEqual(all); // in the background: nothing before the caller's turn ends
    await settled;
    expect(loaded.codedPostings()).toEqual(short);
  });

  it.each([
    ['all postings scored', {}],
    ['pruned', { pruneMinPostings: 0 }],
  ])('answers exactly as decoding on demand and as the built index, queries between slices included (%s)', async (_name, extra) => {
    const options = { ...DEFAULT_LEXICAL_OPTIONS, ...extra };
    const reference = new LexicalIndex(texts, options);
    const onDemand = LexicalIndex.deserialize(bytes, sources, options);
    const decoded = LexicalIndex.deserialize(bytes, sources, options);
    await decoded.decodeInBackground();
    const racing = LexicalIndex.deserialize(bytes, sources, options);
    void racing.decodeInBackground();
    for (const q of asked) {
      const expected = reference.query(q, 10);
      expect(expected.length).toBeGreaterThan(0);
      expect(onDemand.query(q, 10)).toEqual(expected);
      expect(decoded.query(q, 10)).toEqual(expected);
      expect(racing.query(q, 10)).toEqual(expected);
      expect(decoded.query(q, 5, 's3.txt')).toEqual(reference.query(q, 5, 's3.txt'));
      expect(Array.from(decoded.scores(q))).toEqual(Array.from(reference.scores(q)));
      await nextTurn(); // a background slice may run here
    }
  });

  it('works on one index at a time: a later one takes over and the earlier stops', async () => {
    const replaced = LexicalIndex.deserialize(bytes, sources);
    const latest = LexicalIndex.deserialize(bytes, sources);
    const stopped = replaced.decodeInBackground();
    await latest.decodeInBackground();
    await stopped;
    expect(latest.codedPostings()).toEqual(short);
    expect(replaced.codedPostings()).toEqual(all);
  });

  it('starts with a knowledge base given the index, whose pointVectorsSettled waits for it too', async () => {
    const chunks = texts.map((t, i): Chunk => ({ id: `c${i}`, source: t.source, title: t.source, start: 0, end: t.text.length, text: t.text, sentences: [], ordinal: i }));
    const noVectors = { index: { setEf: () => undefined } } as unknown as DenseIndex;
    const lexical = LexicalIndex.deserialize(bytes, sources);
    const kb = new KnowledgeBase([], chunks, noVectors, {} as Embeddings, { lexicalWeight: 0.5, hnswEf: 10 }, undefined, lexical);
    // Vectors handed over later (a large store's): known at once not to come, the lexical decoding still running.
    kb.usePointVectorsWhenReady(Promise.resolve(null));
    await kb.pointVectorsSettled;
    expect(lexical.codedPostings()).toEqual(short);
  });

  it('has nothing to do for a built index or a small one', async () => {
    await built.decodeInBackground();
    expect(built.codedPostings()).toEqual({ words: 0, grams: 0, pairs: 0 });
    const small = LexicalIndex.deserialize(new LexicalIndex(texts.slice(0, 500)).serialize(), sources.slice(0, 500));
    const before = small.codedPostings();
    await small.decodeInBackground();
    expect(small.codedPostings()).toEqual(before);
    expect(before.words).toBeGreaterThan(0);
  });
});

describe('inSlices', () => {
  it('runs the work a slice per turn of the event loop until it is through', async () => {
    const events: string[] = [];
    const target = { left: 3 };
    const settled = inSlices(
      target,
      (t, deadline) => {
        expect(deadline).toBeGreaterThan(performance.now());
        expect(deadline).toBeLessThanOrEqual(performance.now() + 5);
        events.push(`slice ${t.left}`);
        setImmediate(() => events.push('other work'));
        return --t.left === 0;
      },
      5,
    );
    expect(events).toEqual([]);
    await settled;
    expect(events).toEqual(['slice 3', 'other work', 'slice 2', 'other work', 'slice 1']);
    expect(target.left).toBe(0);
  });

  it('waits while other work keeps the event loop busy', async () => {
    const busyUntil = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    let busyEnded = Infinity;
    const slicesAt: number[] = [];
    const target = { slicesAt }; // held here: `inSlices` holds it only weakly
    const settled = inSlices(
      target,
      (t) => {
        t.slicesAt.push(performance.now());
        return true;
      },
      5,
    );
    // Other work: 30 turns of 3 ms each, back to back, as a store being loaded gives.
    for (let turn = 0; turn < 30; turn++) {
      busyUntil(3);
      await nextTurn();
    }
    busyEnded = performance.now();
    await settled;
    expect(target.slicesAt).toHaveLength(1);
    expect(slicesAt[0]).toBeGreaterThanOrEqual(busyEnded);
  });

  it('settles, without rejecting, when a slice throws', async () => {
    const target = { slices: 0 };
    await inSlices(
      target,
      (t) => {
        t.slices++;
        throw new Error('damaged');
      },
      5,
    );
    expect(target.slices).toBe(1);
  });
});
