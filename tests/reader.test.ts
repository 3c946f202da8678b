import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickCredibleSentences } from '../src/answer/extractive.js';
import type { ScoredSentence } from '../src/answer/sentenceScorer.js';
import { DEFAULT_READER_FILE, decodeReader, loadReader, readerHeader } from '../src/reader/modelFile.js';
import { questionCues } from '../src/reader/questionCues.js';
import { footnoteTokens, spanCandidates } from '../src/reader/spanCandidates.js';
import { tokenize } from '../src/reader/tokens.js';
import { main as trainMain } from '../src/cli/train.js';
import { runCliInProcess } from './helpers/runCli.js';
import { ROOT } from './helpers/tempProject.js';

const TRAIN_DIR = path.resolve(ROOT, '..', 'shared', 'train');

describe('span candidates', () => {
  it('are exact slices that start on a word, end on a word or a balancing bracket, never a footnote marker', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('Kang', 'Pompeo', '(14/01/20)', '1.000', ',', '.', '[51]', 'di', '"AS"', ' ', '  ', 'Selasa', '–', ')', '('), { maxLength: 30 }), (parts) => {
        const text = parts.join(' ');
        const tokens = tokenize(text, 7);
        const foot = footnoteTokens(tokens);
        for (const c of spanCandidates(tokens)) {
          const slice = text.slice(c.start - 7, c.end - 7);
          expect(slice).toBe(slice.trim());
          expect(/^[\p{L}\p{N}]/u.test(slice)).toBe(true);
          // It ends on a word, or on a bracket that closes one it opened.
          const balanced = slice.split('(').length === slice.split(')').length && slice.split('"').length % 2 === 1;
          expect(balanced).toBe(true);
          expect(/[\p{L}\p{N})"]$/u.test(slice)).toBe(true);
          for (let i = c.from; i <= c.to; i++) expect(foot.has(i)).toBe(false);
          expect(slice).not.toMatch(/\[\d+\]/);
        }
      }),
    );
  });

  it('keep dates, decimals and hyphenated names whole, and never cross sentence punctuation', () => {
    const text = 'Kang Kyung-wha bertemu pada Selasa (14/01/20) selama 1.000 menit; lalu pulang.[51]';
    const spans = spanCandidates(tokenize(text)).map((c) => text.slice(c.start, c.end));
    expect(spans).toContain('Kang Kyung-wha');
    expect(spans).toContain('Selasa (14/01/20)');
    expect(spans).toContain('1.000 menit');
    expect(spans.some((s) => s.includes(';'))).toBe(false);
    expect(spans.some((s) => s.includes('51'))).toBe(false);
  });
});

describe('question cues', () => {
  it('find the question word in both languages, with the word it governs', () => {
    expect(questionCues('Tahun berapa PBB didirikan?')).toMatchObject({ type: 'time', wh: 'berapa', whHead: 'berapa:tahun' });
    expect(questionCues('Siapakah pendiri PBB?')).toMatchObject({ type: 'person', wh: 'siapa' });
    expect(questionCues('Di mana mereka bertemu?')).toMatchObject({ wh: 'dimana', type: 'place' });
    expect(questionCues('How many troops were sent?')).toMatchObject({ type: 'number', wh: 'how', whHead: 'how:many' });
  });
});

describe('the shipped reader', () => {
  it('loads from models/, names its version and has thresholds in [0, 1]', () => {
    const reader = loadReader();
    expect(reader.version).toMatch(/^reader-v2-[0-9a-f]{12}$/);
    for (const t of Object.values(reader.thresholds)) {
      expect(t).toBeGreaterThan(0);
      expect(t).toBeLessThan(1);
    }
  });

  it('is small (≤ 20 MB) and keeps the data attribution beside it', async () => {
    expect((await fs.stat(DEFAULT_READER_FILE)).size).toBeLessThan(20 * 1024 * 1024);
    const attribution = await fs.readFile(path.join(path.dirname(DEFAULT_READER_FILE), 'README.md'), 'utf8');
    for (const name of ['IDK-MRC', 'SQuAD 2.0', 'FacQA', 'CC BY-SA 4.0']) expect(attribution).toContain(name);
  });

  it('refuses a model file of another format, or a truncated one, with a clear message', () => {
    const header = Buffer.from(JSON.stringify({ format: 999 }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    expect(() => decodeReader(Buffer.concat([length, header]))).toThrow(/format 999.*npm run train/);
    expect(() => decodeReader(Buffer.from([1, 0]))).toThrow(/truncated/);
  });

  it('records its training: cross-validated figures and a reliability curve', async () => {
    const header = readerHeader(await fs.readFile(DEFAULT_READER_FILE));
    expect(header.training).toMatchObject({ seed: 1, crossValidation: { folds: 2 } });
    expect((header.training as { reliability: unknown[] }).reliability).toHaveLength(10);
  });
});

describe('npm run train', () => {
  it('retrains on a small slice, seeded: the same file twice, and the engine can load it', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'reader-'));
    try {
      const args = ['--data', TRAIN_DIR, '--limit', '60', '--seed', '7', '--json'];
      const first = await runCliInProcess(trainMain, [...args, '--out', path.join(out, 'a.bin')]);
      expect(first.stderr).not.toMatch(/error/i);
      expect(first.code).toBe(0);
      const report = JSON.parse(first.stdout);
      expect(report.questions).toHaveProperty('idk_mrc_train');
      expect(report.crossValidation.folds).toBe(2);
      const second = await runCliInProcess(trainMain, [...args, '--out', path.join(out, 'b.bin')]);
      expect(second.code).toBe(0);
      const [a, b] = await Promise.all([fs.readFile(path.join(out, 'a.bin')), fs.readFile(path.join(out, 'b.bin'))]);
      expect(a.equals(b)).toBe(true);
      const model = decodeReader(a);
      expect(model.version).toBe(report.version);
      const { sparseWeights } = await import('../src/reader/linearModel.js');
      expect(sparseWeights(model.sentence).indexes.length).toBeGreaterThan(0);
      expect(sparseWeights(model.span).indexes.length).toBeGreaterThan(0);
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }
  });

  it('bad options exit 2 with one line', async () => {
    const r = await runCliInProcess(trainMain, ['--limit', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('how many sentences the trained reader cites', () => {
  const ranked = (...scores: number[]) => scores.map((score, i) => ({ score, start: i }) as unknown as ScoredSentence);
  it('cites the best sentences until the ranker is 80% sure one of them answers, at most 3', () => {
    expect(pickCredibleSentences(ranked(0.9, 0.05, 0.05))).toHaveLength(1);
    expect(pickCredibleSentences(ranked(0.5, 0.35, 0.1, 0.05))).toHaveLength(2);
    expect(pickCredibleSentences(ranked(0.3, 0.3, 0.1, 0.1, 0.1, 0.1))).toHaveLength(3);
    expect(pickCredibleSentences(ranked())).toHaveLength(0);
  });
});

describe('reader models as loaded', () => {
  it('keep few weights in a Map and many in an array, and score exactly as the dense model would', async () => {
    const { emptyModel, linearScore, loadedModel, sparseWeights } = await import('../src/reader/linearModel.js');
    const { FeatureVector } = await import('../src/reader/features.js');
    const { MODEL_NAMES } = await import('../src/reader/modelFile.js');
    const loaded = loadReader();
    const models = MODEL_NAMES.map((name) => {
      const model = loaded[name];
      const stored = sparseWeights(model);
      const dense = emptyModel();
      stored.indexes.forEach((index, i) => (dense.weights[index] = stored.values[i]));
      dense.bias = stored.bias;
      expect(sparseWeights(loadedModel(stored))).toEqual(stored);
      return { model, stored, dense };
    });
    const shapes = models.map(({ model }) => (model.sparse ? 'map' : 'array'));
    expect(shapes).toContain('map');
    expect(shapes).toContain('array');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.double({ min: -5, max: 5, noNaN: true })), { maxLength: 40 }), (named) => {
        const features = new FeatureVector();
        for (const [name, value] of named) features.add(name, value);
        for (const { model, dense } of models) expect(linearScore(model, features)).toBe(linearScore(dense, features));
      }),
      { numRuns: 200 },
    );
    // And on features the models actually weigh: their stored weights' buckets.
    for (const { model, stored, dense } of models) {
      const keys = Array.from(stored.indexes.slice(0, 500));
      const features = { keys, values: keys.map((_, i) => (i % 7) - 3) } as unknown as InstanceType<typeof FeatureVector>;
      expect(linearScore(model, features)).toBe(linearScore(dense, features));
    }
  });
});
