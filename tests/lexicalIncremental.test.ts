import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../src/retrieve/lexicalIndex.js';
import { terms, words } from '../src/text/tokenize.js';
import { seededRandom } from '../src/util/random.js';

// The BM25 index built with the per-build word cache, and updated from a previous index, must be exactly the index
// that tokenising every chunk on its own gives: same postings, lengths and statistics, so the same scores.

type Text = { text: string; source: string };
const FIELDS = ['words', 'grams', 'pairs'] as const;

/** The documented tokens of each field, straight from tokenize.ts: stems, padded 4-gram FNV-1a hashes, stem pairs. */
function referenceTokens(text: string): Record<(typeof FIELDS)[number], (string | number)[]> {
  const stems = terms(text);
  const grams: number[] = [];
  for (const w of words(text)) {
    const padded = `<${w}>`;
    for (let i = 0; i <= Math.max(0, padded.length - 4); i++) {
      let hash = 0x811c9dc5;
      for (let j = i; j < Math.min(i + 4, padded.length); j++) hash = Math.imul(hash ^ padded.charCodeAt(j), 0x01000193);
      grams.push(hash & 0x3fffffff);
    }
  }
  return { words: stems, grams, pairs: stems.slice(1).map((s, i) => `${stems[i]} ${s}`) };
}

/** Per field: terms in first-occurrence order, and per term its (chunk, tf) postings; lengths per chunk. */
function referenceIndex(texts: Text[]) {
  const out = {} as Record<(typeof FIELDS)[number], { terms: (string | number)[]; postings: Map<string | number, [number, number][]>; lengths: number[] }>;
  for (const name of FIELDS) out[name] = { terms: [], postings: new Map(), lengths: [] };
  texts.forEach(({ text }, doc) => {
    const tokens = referenceTokens(text);
    for (const name of FIELDS) {
      const field = out[name];
      field.lengths.push(tokens[name].length);
      for (const token of tokens[name]) {
        let list = field.postings.get(token);
        if (!list) {
          field.terms.push(token);
          field.postings.set(token, (list = []));
        }
        if (list.length && list[list.length - 1][0] === doc) list[list.length - 1][1]++;
        else list.push([doc, 1]);
      }
    }
  });
  return out;
}

/** The index's postings per term, keyed by term (independent of how terms are numbered). */
function contents(index: LexicalIndex) {
  const out = {} as Record<string, { byTerm: Map<string | number, [number, number][]>; lengths: number[]; avgLength: number }>;
  for (const name of FIELDS) {
    const { terms: keys, postings } = index.field(name);
    const byTerm = new Map<string | number, [number, number][]>();
    keys.forEach((term, t) => {
      const list: [number, number][] = [];
      for (let i = postings.offsets[t]; i < postings.offsets[t + 1]; i++) list.push([postings.docs[i], postings.tfs[i]]);
      byTerm.set(term, list);
    });
    out[name] = { byTerm, lengths: Array.from(postings.lengths), avgLength: postings.avgLength };
  }
  return out;
}

const VOCABULARY = [
  'Pertempuran', 'Hastings', 'terjadi', 'pada', 'tahun', '1066', 'di', 'Inggris', 'William', 'menaklukkan', 'kerajaan',
  'pemerintah', 'kebijakan', 'perundingan', 'berunding', 'selatan', 'Korea', 'Karangkancana', 'Kuningan', 'Jawa',
  'Barat', 'battle', 'lines', 'were', 'drawn', 'near', 'the', 'town', 'Čeština', '東京', 'Ελλάδα', 'İstanbul', 'ﬁnance',
  'Straße', '½', '𝐀𝐁', 'naïve', 'café', 'x', 'ab', 'tidak', 'diketahui', 'apakah', '—', '“kutip”',
];

function randomText(random: () => number): string {
  const n = Math.floor(random() * 30);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(VOCABULARY[Math.floor(random() * VOCABULARY.length)] + (random() < 0.1 ? '.' : ''));
  return out.join(random() < 0.5 ? ' ' : '  ');
}

function randomCorpus(random: () => number, size: number): Text[] {
  return Array.from({ length: size }, () => ({ text: randomText(random), source: `s${Math.floor(random() * 4)}.txt` }));
}

/** One random change: add, edit or remove a chunk, or move one elsewhere (chunk positions shift). */
function mutate(random: () => number, texts: Text[]): Text[] {
  const out = texts.slice();
  const r = random();
  const at = Math.floor(random() * (out.length + 1));
  if (r < 0.3 || out.length === 0) out.splice(at, 0, { text: randomText(random), source: 'new.txt' });
  else if (r < 0.55) out[at % out.length] = { ...out[at % out.length], text: randomText(random) };
  else if (r < 0.8) out.splice(at % out.length, Math.min(out.length, 1 + Math.floor(random() * 3)));
  else if (r < 0.9) out.splice(at, 0, out[Math.floor(random() * out.length)]); // a duplicate of an existing chunk
  else {
    const [moved] = out.splice(at % out.length, 1);
    out.splice(Math.floor(random() * (out.length + 1)), 0, moved);
  }
  return out;
}

const QUERIES = ['Pertempuran Hastings 1066', 'perintah bijak', 'Korea selatan', 'Čeština 東京', 'the battle', 'Kuningan Jawa Barat', 'naive cafe', 'zzz', ''];

function expectSameScores(actual: LexicalIndex, expected: LexicalIndex): void {
  for (const q of QUERIES) {
    expect(Array.from(actual.scores(q))).toEqual(Array.from(expected.scores(q)));
    expect(actual.query(q, 5)).toEqual(expected.query(q, 5));
    expect(actual.query(q, 3, 's1.txt')).toEqual(expected.query(q, 3, 's1.txt'));
  }
}

describe('LexicalIndex built with the per-build word cache', () => {
  it('has exactly the reference terms (in first-occurrence order), postings and lengths', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const texts = randomCorpus(seededRandom(seed), 40);
      const index = new LexicalIndex(texts);
      const reference = referenceIndex(texts);
      const actual = contents(index);
      for (const name of FIELDS) {
        expect(index.field(name).terms).toEqual(reference[name].terms);
        expect(actual[name].byTerm).toEqual(reference[name].postings);
        expect(actual[name].lengths).toEqual(reference[name].lengths);
      }
    }
  });

  it('tokenises any text as tokenize.ts does (random Unicode, surrogates, marks)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(...(['grapheme', 'binary', 'grapheme-composite', 'grapheme-ascii'] as const).map((unit) => fc.string({ unit, maxLength: 40 }))), { maxLength: 6 }), (strings) => {
        const texts = strings.map((text, i) => ({ text, source: `s${i}` }));
        const index = new LexicalIndex(texts);
        const reference = referenceIndex(texts);
        for (const name of FIELDS) {
          expect(index.field(name).terms).toEqual(reference[name].terms);
          expect(contents(index)[name].byTerm).toEqual(reference[name].postings);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('LexicalIndex.update', () => {
  it('equals a full build after random adds, edits, removals, duplicates and moves, chained and through a save', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = seededRandom(1000 + seed);
      let texts = randomCorpus(random, 5 + Math.floor(random() * 30));
      let index = new LexicalIndex(texts);
      for (let step = 0; step < 6; step++) {
        const next = mutate(random, texts);
        // Every other step starts from the index as the store reads it back.
        const base = step % 2 ? LexicalIndex.deserialize(index.serialize(), texts.map((t) => t.source)) : index;
        const updated = LexicalIndex.update(base, texts.map((t) => t.text), next);
        const full = new LexicalIndex(next);
        const [u, f] = [contents(updated), contents(full)];
        for (const name of FIELDS) {
          expect(u[name].byTerm).toEqual(f[name].byTerm);
          expect(u[name].lengths).toEqual(f[name].lengths);
          expect(u[name].avgLength).toBe(f[name].avgLength);
          expect(new Set(updated.field(name).terms)).toEqual(new Set(full.field(name).terms));
        }
        expect(updated.size).toBe(full.size);
        expectSameScores(updated, full);
        const reloaded = LexicalIndex.deserialize(updated.serialize(), next.map((t) => t.source));
        expectSameScores(reloaded, full);
        for (const name of FIELDS) expect(reloaded.field(name).terms).toEqual(updated.field(name).terms);
        // Every term of every chunk found through the saved term tables.
        for (const { text } of next) expect(Array.from(reloaded.scores(text))).toEqual(Array.from(full.scores(text)));
        texts = next;
        index = updated;
      }
    }
  });

  it('equals a full build when chunks are added only before or after all the others (postings copied as coded)', () => {
    const random = seededRandom(77);
    const texts = randomCorpus(random, 30);
    const added = randomCorpus(random, 3).map((t) => ({ ...t, source: 'added.txt' }));
    const saved = LexicalIndex.deserialize(new LexicalIndex(texts).serialize(), texts.map((t) => t.source));
    for (const next of [[...added, ...texts], [...texts, ...added], [...added.slice(0, 1), ...texts, ...added.slice(1)], texts.slice(2), texts.slice(0, -2)]) {
      for (const base of [saved, new LexicalIndex(texts)]) {
        const updated = LexicalIndex.update(base, texts.map((t) => t.text), next);
        const full = new LexicalIndex(next);
        const [u, f] = [contents(updated), contents(full)];
        for (const name of FIELDS) expect(u[name].byTerm).toEqual(f[name].byTerm);
        expectSameScores(updated, full);
      }
    }
  });

  it('carries over nothing it does not have to: an emptied and a refilled index', () => {
    const texts = randomCorpus(seededRandom(7), 10);
    const empty = LexicalIndex.update(new LexicalIndex(texts), texts.map((t) => t.text), []);
    expect(empty.size).toBe(0);
    for (const name of FIELDS) expect(empty.field(name).terms).toEqual([]);
    const refilled = LexicalIndex.update(empty, [], texts);
    expectSameScores(refilled, new LexicalIndex(texts));
  });

  it('refuses a base that does not match its texts', () => {
    const texts = randomCorpus(seededRandom(3), 5);
    expect(() => LexicalIndex.update(new LexicalIndex(texts), ['one'], texts)).toThrow(/base/);
  });
});
