import { abstentionFeatures } from '../answer/abstentionFeatures.js';
import type { Evidence } from '../answer/evidence.js';
import type { ScoredSentence } from '../answer/sentenceScorer.js';
import { sentenceStats } from '../answer/sentenceStats.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { isContentWord } from '../answer/queryTerms.js';
import { keyTerms, stem, terms, words } from '../text/tokenize.js';
import { answerabilityFeatures, shortAnswerFeatures, type AnswerabilitySignals, type ShortAnswerSignals } from './answerabilityFeatures.js';
import { linearScore, sigmoid, softmax, type LinearModel } from './linearModel.js';
import type { ReaderModel } from './modelFile.js';
import { questionCues, type QuestionCues } from './questionCues.js';
import { spanCandidates } from './spanCandidates.js';
import { spanContext, spanFeatures } from './spanFeatures.js';
import { sentenceFeatures, type SentenceContext } from './sentenceFeatures.js';
import { spanShape, tokenize, type Token } from './tokens.js';

export interface ShortAnswer {
  text: string;
  source: string;
  /** Exact offsets into the source: `content.slice(start, end) === text`. */
  start: number;
  end: number;
  /** The short-answer model's probability that this span is right: what the "In short" threshold applies to. */
  probability: number;
}

/** What the trained reader makes of the evidence. */
export interface Reading {
  /** The candidate sentences re-ranked by the sentence model; `score` is each one's softmax probability. */
  ranked: ScoredSentence[];
  /** The best span inside the best sentence (shown or not: the threshold is the caller's). */
  span: ShortAnswer | null;
  /** Calibrated probability that the briefing answers the question. */
  answerProbability: number;
  /** What the answerability and short-answer models saw (for training and inspection). */
  signals: AnswerabilitySignals | null;
  shortSignals: ShortAnswerSignals | null;
  cues: QuestionCues;
}

/** Sentences (in the first scorer's order) whose best typed span is scored: the rest are too far down to matter. */
const TYPED_SPAN_SENTENCES = 8;

/**
 * The best score the span model gives a short typed candidate (a name, number or date: up to 4 tokens starting
 * on a capitalised word or a number) in the sentence: "this sentence holds something that answers", cheaply.
 */
export function typedSpanScore(spanModel: LinearModel, tokens: Token[], cues: QuestionCues, questionStems: Set<string>): number | null {
  const candidates = spanCandidates(tokens).filter((c) => c.to - c.from < 4 && TYPED_START.has(tokens[c.from].shape));
  if (candidates.length === 0) return null;
  const ctx = spanContext(tokens, cues, questionStems);
  let best = -Infinity;
  for (const c of candidates) best = Math.max(best, linearScore(spanModel, spanFeatures(c, ctx, cues)));
  return best;
}
const TYPED_START = new Set(['X', 'd', 'D']);

/** Everything the sentence model needs about each candidate, derived from the retrieved chunks. */
export function sentenceContexts(evidence: Evidence, spanModel?: LinearModel): SentenceContext[] {
  const { analysis, hits, ranked } = evidence;
  const rankOf = new Map<string, number>(hits.map((h, i) => [h.chunk.id, i + 1]));
  const questionStems = keyTerms(analysis.question);
  const questionKeys = new Set(questionStems);
  const bigrams = new Set(questionStems.slice(1).map((s, i) => `${questionStems[i]} ${s}`));
  const bestCoverage = Math.max(0, ...ranked.map((s) => s.coverage));
  const contentWords = [...new Set(words(analysis.question).filter(isContentWord))];
  const exact = ranked.map((s) => {
    if (contentWords.length === 0) return 0;
    const present = new Set(words(s.text));
    return contentWords.filter((w) => present.has(w)).length / contentWords.length;
  });
  const bestExactCoverage = Math.max(0, ...exact);
  const cues = questionCues(analysis.question);
  const allStems = new Set(terms(analysis.question));
  return ranked.map((s, rank) => {
    const tokens = tokenize(s.text, s.start);
    const sentenceStems = terms(s.text);
    let bigramHits = 0;
    for (let i = 1; i < sentenceStems.length; i++) if (bigrams.has(`${sentenceStems[i - 1]} ${sentenceStems[i]}`)) bigramHits++;
    return {
      chunkRank: rankOf.get(s.chunkId) ?? hits.length,
      bigramHits,
      bestCoverage,
      tokens,
      anchor: tokens.map((t) => t.isWord && questionKeys.has(stem(t.lower))),
      matchedWeight: analysis.groups.reduce((sum, g, i) => sum + (s.matched[i] ? analysis.weights[i] : 0), 0),
      exactCoverage: exact[rank],
      bestExactCoverage,
      scorerRank: rank + 1,
      typedSpan: spanModel && rank < TYPED_SPAN_SENTENCES ? typedSpanScore(spanModel, tokens, cues, allStems) : null,
    };
  });
}

/** The best span of one sentence and its probability given the sentence. */
export function bestSpan(model: ReaderModel, sentence: ScoredSentence, cues: QuestionCues, questionStems: Set<string>): { start: number; end: number; probability: number; score: number } | null {
  const tokens = tokenize(sentence.text, sentence.start);
  const candidates = spanCandidates(tokens);
  if (candidates.length === 0) return null;
  const ctx = spanContext(tokens, cues, questionStems);
  const scores = candidates.map((c) => linearScore(model.span, spanFeatures(c, ctx, cues)));
  const probabilities = softmax(scores);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return { start: candidates[best].start, end: candidates[best].end, probability: probabilities[best], score: scores[best] };
}

export function readEvidence(model: ReaderModel, kb: KnowledgeBase, evidence: Evidence): Reading {
  const cues = questionCues(evidence.analysis.question);
  if (evidence.ranked.length === 0) return { ranked: [], span: null, answerProbability: 0, signals: null, shortSignals: null, cues };
  const contexts = sentenceContexts(evidence, model.span);
  const scores = evidence.ranked.map((s, i) => linearScore(model.sentence, sentenceFeatures(s, contexts[i], cues)));
  const probabilities = softmax(scores);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || evidence.ranked[a].start - evidence.ranked[b].start);
  const ranked = order.map((i) => ({ ...evidence.ranked[i], score: probabilities[i] }));
  const top = ranked[0];
  const questionStems = new Set(terms(evidence.analysis.question));
  const span = bestSpan(model, top, cues, questionStems);
  const signals: AnswerabilitySignals = {
    topScore: scores[order[0]],
    topProbability: top.score,
    margin: order.length > 1 ? scores[order[0]] - scores[order[1]] : 10,
    spanProbability: span?.probability ?? 0,
    spanScore: span?.score ?? 0,
    evidence: abstentionFeatures(kb, sentenceStats(kb), evidence.analysis, top),
    coverage: top.coverage,
    questionTerms: evidence.analysis.groups.filter((g) => !g.carried).length,
  };
  const answerProbability = sigmoid(linearScore(model.answerable, answerabilityFeatures(signals, cues)));
  let shortAnswer: ShortAnswer | null = null;
  let shortSignals: ShortAnswerSignals | null = null;
  if (span) {
    const text = top.text.slice(span.start - top.start, span.end - top.start);
    const spanTokens = tokenize(text, span.start);
    const spanWords = spanTokens.filter((t) => t.isWord);
    const seen = spanWords.filter((t) => cues.words.has(t.lower) || questionStems.has(stem(t.lower))).length / Math.max(1, spanWords.length);
    shortSignals = { signals, shape: spanShape(spanTokens), words: spanWords.length, seen };
    const z = linearScore(model.shortAnswer, shortAnswerFeatures(shortSignals, cues));
    shortAnswer = { text, source: top.source, start: span.start, end: span.end, probability: sigmoid(z) };
  }
  return { ranked, span: shortAnswer, answerProbability, signals, shortSignals, cues };
}
