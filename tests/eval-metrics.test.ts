import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auroc, dedupeInOrder, mrrAtK, percentile, precisionRecall, rankOf, recallAtK, retrievalMetrics } from '../src/eval/metrics.js';
import { Bm25Baseline, baselineTokens } from '../src/eval/bm25Baseline.js';

describe('retrieval metrics', () => {
  it('rankOf is 1-based and null when missing', () => {
    expect(rankOf(['a', 'b', 'c'], 'b')).toBe(2);
    expect(rankOf(['a', 'b'], 'z')).toBeNull();
    expect(rankOf([3, 8, 9], (x) => x > 5)).toBe(2);
  });

  it('recall@k and MRR@k on a hand-made case', () => {
    const ranks = [1, 2, null, 6, 11];
    expect(recallAtK(ranks, 1)).toBeCloseTo(1 / 5);
    expect(recallAtK(ranks, 5)).toBeCloseTo(2 / 5);
    // 1 + 1/2 + 0 + 1/6 + 0 (rank 11 is past the cut-off)
    expect(mrrAtK(ranks, 10)).toBeCloseTo((1 + 0.5 + 1 / 6) / 5);
    expect(retrievalMetrics(ranks)).toEqual({ 'recall@1': 0.2, 'recall@5': 0.4, 'mrr@10': mrrAtK(ranks, 10) });
    expect(recallAtK([], 5)).toBe(0);
  });

  it('recall@k never decreases with k and MRR lies between recall@1 and recall@k', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }), { minLength: 1 }), (ranks) => {
        expect(recallAtK(ranks, 5)).toBeGreaterThanOrEqual(recallAtK(ranks, 1));
        expect(mrrAtK(ranks, 10)).toBeGreaterThanOrEqual(recallAtK(ranks, 1) - 1e-12);
        expect(mrrAtK(ranks, 10)).toBeLessThanOrEqual(recallAtK(ranks, 10) + 1e-12);
      }),
    );
  });

  it('dedupeInOrder keeps the first occurrence', () => {
    expect(dedupeInOrder(['p2', 'p1', 'p2', 'p3', 'p1'])).toEqual(['p2', 'p1', 'p3']);
  });
});

describe('abstention metrics', () => {
  it('AUROC: perfect, inverted, uninformative, and ties count one half', () => {
    expect(auroc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1);
    expect(auroc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
    expect(auroc([0.5, 0.5, 0.5, 0.5], [true, false, true, false])).toBe(0.5);
    // positives 0.9, 0.4; negatives 0.4, 0.1 → pairs: (0.9>0.4)1 (0.9>0.1)1 (0.4=0.4)½ (0.4>0.1)1 → 3.5/4
    expect(auroc([0.9, 0.4, 0.4, 0.1], [true, true, false, false])).toBe(0.875);
    expect(auroc([0.3, 0.4], [true, true])).toBeNull();
  });

  it('AUROC equals the pairwise definition on random data', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2 }), (items) => {
        const scores = items.map(([s]) => s);
        const labels = items.map(([, l]) => l);
        const pos = scores.filter((_, i) => labels[i]);
        const neg = scores.filter((_, i) => !labels[i]);
        if (!pos.length || !neg.length) {
          expect(auroc(scores, labels)).toBeNull();
          return;
        }
        let wins = 0;
        for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
        expect(auroc(scores, labels)).toBeCloseTo(wins / (pos.length * neg.length), 10);
      }),
    );
  });

  it('precision and recall of abstaining, unanswerable being the positive class', () => {
    const abstained = [true, true, false, false, true];
    const unanswerable = [true, false, true, false, true];
    expect(precisionRecall(abstained, unanswerable)).toEqual({ precision: 2 / 3, recall: 2 / 3 });
    expect(precisionRecall([false, false], [true, false])).toEqual({ precision: null, recall: 0 });
  });

  it('percentile by nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('plain BM25 baseline', () => {
  it('tokenises Unicode words like Python \\w (letters, digits, underscore), lower-cased', () => {
    expect(baselineTokens('Kang Kyung-wha, São_Paulo 2020!')).toEqual(['kang', 'kyung', 'wha', 'são_paulo', '2020']);
  });

  it('ranks by BM25 with the documented idf, ties by corpus order', () => {
    const bm25 = new Bm25Baseline(['the cat sat', 'a dog barked at the cat', 'nothing here', 'dog dog dog']);
    // idf = ln(1 + (N − df + 0.5)/(df + 0.5)); "cat" is in 2 of 4 texts
    expect(bm25.idf('cat')).toBeCloseTo(Math.log(1 + 2.5 / 2.5));
    expect(bm25.rank('dog', 2)).toEqual([3, 1]);
    expect(bm25.rank('cat', 2)).toEqual([0, 1]);
    // No match at all: corpus order.
    expect(bm25.rank('zebra', 4)).toEqual([0, 1, 2, 3]);
  });
});
