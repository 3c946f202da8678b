import { describe, expect, it } from 'vitest';
import { containsEitherWay, holdsGoldAnswer, squadExact, squadF1, squadNormalize } from '../src/eval/answerMatch.js';
import { readerMetrics, type EvalAnswer } from '../src/eval/readerMetrics.js';
import type { EvalQuestion } from '../src/eval/dataset.js';

describe('answer matching', () => {
  it('SQuAD normalisation drops case, punctuation and English articles', () => {
    expect(squadNormalize('The  Normans, in France!')).toBe('normans in france');
  });

  it('SQuAD EM and F1: best over gold answers; no answer is the empty string', () => {
    expect(squadExact('the Normans', ['Normans', 'Norsemen'])).toBe(1);
    expect(squadExact('Normans of France', ['Normans'])).toBe(0);
    expect(squadF1('Normans of France', ['Normans'])).toBeCloseTo(0.5, 6); // precision 1/3, recall 1
    expect(squadF1('', [])).toBe(1);
    expect(squadExact('', [])).toBe(1);
    expect(squadF1('something', [])).toBe(0);
    expect(squadF1('', ['Normans'])).toBe(0);
  });

  it('the reader metric counts containment either way, lower-cased and whitespace-folded', () => {
    expect(containsEitherWay('Selasa (14/01/20)', ['selasa  (14/01/20) waktu setempat'])).toBe(true);
    expect(containsEitherWay('Mike Pompeo', ['Pompeo'])).toBe(true);
    expect(containsEitherWay('Toshimitsu Motegi', ['Mike Pompeo'])).toBe(false);
    expect(containsEitherWay('', ['x'])).toBe(false);
    expect(holdsGoldAnswer('Kang bertemu Mike Pompeo di San Francisco.', ['mike pompeo'])).toBe(true);
  });
});

describe('reader metrics', () => {
  const q = (answerable: boolean, answers: string[]): EvalQuestion => ({ id: String(Math.random()), question: '?', answerable, passageId: answerable ? 'p' : null, answers });
  const a = (over: Partial<EvalAnswer>): EvalAnswer => ({ abstained: false, confidence: 0.5, firstSentence: null, shortAnswer: null, prediction: '', ...over });

  it('computes each figure over the right questions', () => {
    const questions = [q(true, ['Pompeo']), q(true, ['1945']), q(true, ['Seoul']), q(false, []), q(false, [])];
    const endToEnd = [
      a({ firstSentence: 'Kang met Pompeo.', shortAnswer: 'Mike Pompeo', prediction: 'Mike Pompeo', confidence: 0.9 }),
      a({ firstSentence: 'It was founded in 1946.', shortAnswer: '1946', prediction: '1946', confidence: 0.8 }),
      a({ abstained: true, firstSentence: 'Seoul is big.', confidence: 0.2 }),
      a({ abstained: true, confidence: 0.1 }),
      a({ firstSentence: 'x', prediction: 'x', confidence: 0.7 }),
    ];
    const m = readerMetrics(questions, endToEnd, endToEnd);
    expect(m.sentenceAt1).toBeCloseTo(2 / 3, 4); // ranking quality, abstained or not
    expect(m.shortCoverage).toBeCloseTo(2 / 3, 4);
    expect(m.shortPrecision).toBe(0.5);
    expect(m.abstainUnanswerable).toBe(0.5);
    expect(m.falseAbstain).toBeCloseTo(1 / 3, 4);
    // Answerable 0.9, 0.8, 0.2 vs unanswerable 0.1, 0.7: 5 of 6 pairs ordered right.
    expect(m.auroc).toBeCloseTo(5 / 6, 4);
    // EM: q1 "Mike Pompeo" ≠ "Pompeo" (0), q2 0, q3 abstained "" vs Seoul (0), q4 "" = no answer (1), q5 0 → 20.
    expect(m.squad2.endToEnd.em).toBe(20);
  });
});
