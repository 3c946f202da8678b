import { createHash } from 'node:crypto';
import { answerabilityFeatures, shortAnswerFeatures } from '../reader/answerabilityFeatures.js';
import { emptyModel, type LinearModel } from '../reader/linearModel.js';
import { encodeReader, type ReaderModel } from '../reader/modelFile.js';
import { readEvidence } from '../reader/reader.js';
import { containsEitherWay } from '../eval/answerMatch.js';
import { auroc } from '../eval/metrics.js';
import { seededRandom } from '../util/random.js';
import { citesAnswer, sentenceExample, spanExample } from './examples.js';
import { DEFAULT_SGD, pack, trainBinary, trainChoice, type BinaryExample, type ChoiceExample, type PackedFeatures, type SgdOptions } from './sgd.js';
import { chooseAnswerThreshold, chooseShortThreshold, reliabilityCurve, type ReliabilityBin } from './thresholds.js';
import type { TrainingQuestion } from './trainingSet.js';

/** One question's out-of-fold reading: what models trained without its passage made of it. */
export interface OutOfFold {
  q: TrainingQuestion;
  features: PackedFeatures | null;
  shortFeatures: PackedFeatures | null;
  topRight: boolean;
  shortRight: boolean;
  shortScore: number;
  answerProbability: number;
}

export interface TrainedReader {
  /** The model file (modelFile.ts format). */
  bytes: Buffer;
  version: string;
  thresholds: ReaderModel['thresholds'];
  report: TrainingReport;
}

export interface TrainingReport {
  questions: Record<string, number>;
  crossValidation: {
    folds: number;
    sentenceAt1: Record<string, number>;
    /** The hand-weighted scorer's first sentence, on the same questions (what the ranker replaces). */
    sentenceAt1Before: Record<string, number>;
    auroc: Record<string, number | null>;
    abstainUnanswerable: Record<string, number>;
    falseAbstain: Record<string, number>;
    spanRightGivenRightSentence: number;
    shortPrecision: number;
    shortCoverage: number;
  };
  reliability: ReliabilityBin[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function asReader(sentence: LinearModel, span: LinearModel): ReaderModel {
  return { version: 'training', sentence, span, answerable: emptyModel(), shortAnswer: emptyModel(), thresholds: { answer: 0, shortAnswer: 0 } };
}

/** Out-of-fold probabilities of a binary model over the rows (trained on the other folds each time). */
function outOfFold(rows: readonly OutOfFold[], folds: number, examples: (rows: readonly OutOfFold[]) => BinaryExample[], features: (r: OutOfFold) => PackedFeatures | null, options: SgdOptions): number[] {
  const out = rows.map(() => 0);
  for (let fold = 0; fold < folds; fold++) {
    const model = trainBinary(examples(rows.filter((r) => r.q.fold !== fold)), options);
    rows.forEach((r, i) => {
      const f = features(r);
      if (r.q.fold !== fold || !f) return;
      let z = model.bias;
      for (let k = 0; k < f.keys.length; k++) z += model.weights[f.keys[k]] * f.values[k];
      out[i] = 1 / (1 + Math.exp(-z));
    });
  }
  return out;
}

/** The short-answer model learns from answerable questions: is the best span right? Classes balanced. */
function shortAnswerExamples(rows: readonly OutOfFold[]): BinaryExample[] {
  const usable = rows.filter((r) => r.shortFeatures && r.q.question.answerable);
  const right = usable.filter((r) => r.shortRight).length;
  const wrong = usable.length - right;
  return usable.map((r) => ({
    features: r.shortFeatures!,
    label: r.shortRight,
    weight: r.shortRight ? usable.length / (2 * Math.max(1, right)) : usable.length / (2 * Math.max(1, wrong)),
  }));
}

/** Balanced class weights, so each class (answerable, not) weighs the same in the answerability model. */
function answerabilityExamples(rows: readonly OutOfFold[]): BinaryExample[] {
  const usable = rows.filter((r) => r.features);
  const positives = usable.filter((r) => r.q.question.answerable).length;
  const negatives = usable.length - positives;
  return usable.map((r) => ({
    features: r.features!,
    label: r.q.question.answerable,
    weight: r.q.question.answerable ? usable.length / (2 * positives) : usable.length / (2 * negatives),
  }));
}

const byDataset = <T>(rows: readonly OutOfFold[], fn: (rows: readonly OutOfFold[]) => T): Record<string, T> => {
  const out: Record<string, T> = {};
  for (const name of [...new Set(rows.map((r) => r.q.dataset))]) out[name] = fn(rows.filter((r) => r.q.dataset === name));
  return out;
};

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Trains the reader: sentence ranker and span model (listwise softmax over hashed features), then the
 * answerability model on their out-of-fold readings (stacking), then both thresholds on out-of-fold
 * probabilities. Everything is fitted on the training questions only; folds group questions by passage.
 */
export function trainReader(questions: readonly TrainingQuestion[], folds: number, seed: number): TrainedReader {
  const random = seededRandom(seed);
  const options: SgdOptions = { ...DEFAULT_SGD, random };
  const foldsOf = Array.from({ length: folds }, (_, f) => f);
  // 1. Span models: one per fold (trained on the other folds) and one on everything.
  const spanExamples = questions.map((q) => spanExample(q, random));
  const spanOn = (keep: (q: TrainingQuestion) => boolean) => trainChoice(spanExamples.filter((e, i) => e && keep(questions[i])) as ChoiceExample[], options);
  const spanByFold = foldsOf.map((f) => spanOn((q) => q.fold !== f));
  const span = spanOn(() => true);
  log('train: span models');
  // 2. Sentence rankers, whose typed-span feature comes from the span model that never saw the question's fold.
  const sentenceExamples = questions.map((q) => sentenceExample(q, spanByFold[q.fold]));
  const sentenceOn = (keep: (q: TrainingQuestion) => boolean) => trainChoice(sentenceExamples.filter((e, i) => e && keep(questions[i])) as ChoiceExample[], options);
  const sentenceByFold = foldsOf.map((f) => sentenceOn((q) => q.fold !== f));
  const sentence = sentenceOn(() => true);
  log('train: sentence rankers');
  // 3. Out-of-fold readings: what models that never saw a question's passage make of it.
  const rows: OutOfFold[] = questions.map((q) => {
    const reading = readEvidence(asReader(sentenceByFold[q.fold], spanByFold[q.fold]), q.kb, q.evidence);
    const top = reading.ranked[0];
    const best = reading.span;
    return {
      q,
      features: reading.signals ? pack(answerabilityFeatures(reading.signals, reading.cues)) : null,
      shortFeatures: reading.shortSignals ? pack(shortAnswerFeatures(reading.shortSignals, reading.cues)) : null,
      topRight: !!top && citesAnswer(top, q),
      shortRight: !!best && containsEitherWay(best.text, q.question.answers),
      shortScore: 0,
      answerProbability: 0,
    };
  });
  log('train: out-of-fold readings');
  // 4. Answerability and short-answer models on those readings; their own out-of-fold probabilities set the thresholds.
  const answerProbabilities = outOfFold(rows, folds, answerabilityExamples, (r) => r.features, options);
  const shortProbabilities = outOfFold(rows, folds, shortAnswerExamples, (r) => r.shortFeatures, options);
  rows.forEach((r, i) => {
    r.answerProbability = answerProbabilities[i];
    r.shortScore = shortProbabilities[i];
  });
  const withUnanswerable = rows.filter((r) => questions.some((q) => q.dataset === r.q.dataset && !q.question.answerable));
  const answerThreshold = chooseAnswerThreshold(withUnanswerable);
  const short = chooseShortThreshold(rows.filter((r) => r.q.question.answerable && r.answerProbability >= answerThreshold));

  const answerable = trainBinary(answerabilityExamples(rows), options);
  const shortAnswer = trainBinary(shortAnswerExamples(rows), options);
  const models = { sentence, span, answerable, shortAnswer };
  const thresholds = { answer: round(answerThreshold), shortAnswer: round(short.threshold) };
  // The version names the weights and thresholds themselves: retraining to the same result keeps it.
  const version = `reader-v2-${createHash('sha256').update(encodeReader(models, { version: '', thresholds, training: {} })).digest('hex').slice(0, 12)}`;

  const answerableRows = rows.filter((r) => r.q.question.answerable);
  const report: TrainingReport = {
    questions: byDataset(rows, (r) => r.length),
    crossValidation: {
      folds,
      sentenceAt1: byDataset(answerableRows, (r) => round(r.filter((x) => x.topRight).length / r.length)),
      sentenceAt1Before: byDataset(answerableRows, (r) => round(r.filter((x) => x.q.evidence.ranked[0] && citesAnswer(x.q.evidence.ranked[0], x.q)).length / r.length)),
      auroc: byDataset(withUnanswerable, (r) => {
        const a = auroc(r.map((x) => x.answerProbability), r.map((x) => x.q.question.answerable));
        return a === null ? null : round(a);
      }),
      abstainUnanswerable: byDataset(withUnanswerable, (r) => {
        const u = r.filter((x) => !x.q.question.answerable);
        return round(u.filter((x) => x.answerProbability < answerThreshold).length / u.length);
      }),
      falseAbstain: byDataset(answerableRows.filter((r) => !r.q.dataset.endsWith('+offtopic')), (r) => round(r.filter((x) => x.answerProbability < answerThreshold).length / r.length)),
      spanRightGivenRightSentence: round(answerableRows.filter((r) => r.topRight && r.shortRight).length / Math.max(1, answerableRows.filter((r) => r.topRight).length)),
      shortPrecision: round(short.precision),
      shortCoverage: round(short.shown / Math.max(1, answerableRows.length)),
    },
    reliability: reliabilityCurve(withUnanswerable.map((r) => [r.answerProbability, r.q.question.answerable])),
  };
  return { bytes: encodeReader(models, { version, thresholds, training: { seed, ...report } }), version, thresholds, report };
}
