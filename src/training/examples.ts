import type { ScoredSentence } from '../answer/sentenceScorer.js';
import { holdsGoldAnswer } from '../eval/answerMatch.js';
import { questionCues } from '../reader/questionCues.js';
import { sentenceContexts } from '../reader/reader.js';
import { sentenceFeatures } from '../reader/sentenceFeatures.js';
import { spanCandidates } from '../reader/spanCandidates.js';
import { spanContext, spanFeatures } from '../reader/spanFeatures.js';
import { tokenize } from '../reader/tokens.js';
import { terms } from '../text/tokenize.js';
import type { IndexedDocument } from '../chunk/chunker.js';
import type { LinearModel } from '../reader/linearModel.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { pack, type ChoiceExample } from './sgd.js';
import type { GoldSpan, TrainingQuestion } from './trainingSet.js';

/** Does the sentence hold (the start of) a gold answer, at its place in the gold passage? */
export const holdsAnswer = (s: Pick<ScoredSentence, 'source' | 'start' | 'end'>, gold: readonly GoldSpan[]): boolean =>
  gold.some((g) => g.source === s.source && g.start >= s.start && g.start < s.end);

/**
 * A right sentence to cite first: it holds a gold answer at its place, or states the answer's text (another
 * passage saying the same fact is as good a citation: the eval's sentence@1 counts it too). Answers shorter
 * than 3 characters only count at their place.
 */
export const citesAnswer = (s: Pick<ScoredSentence, 'source' | 'start' | 'end' | 'text'>, q: TrainingQuestion): boolean =>
  holdsAnswer(s, q.gold) || (q.question.answerable && q.question.answers.some((a) => a.trim().length >= 3 && holdsGoldAnswer(s.text, [a])));

/** The sentence ranker's example: the retrieved candidates, right where they hold a gold answer. */
export function sentenceExample(q: TrainingQuestion, spanModel: LinearModel): ChoiceExample | null {
  const { ranked } = q.evidence;
  const positives = ranked.flatMap((s, i) => (citesAnswer(s, q) ? [i] : []));
  if (positives.length === 0 || positives.length === ranked.length) return null;
  const cues = questionCues(q.evidence.analysis.question);
  const contexts = sentenceContexts(q.evidence, spanModel);
  return { candidates: ranked.map((s, i) => pack(sentenceFeatures(s, contexts[i], cues))), positives };
}

const documentsByKb = new WeakMap<KnowledgeBase, Map<string, IndexedDocument>>();

function documentOf(kb: KnowledgeBase, source: string): IndexedDocument | undefined {
  let bySource = documentsByKb.get(kb);
  if (!bySource) documentsByKb.set(kb, (bySource = new Map(kb.documents.map((d) => [d.source, d]))));
  return bySource.get(source);
}

/** Negatives kept per span example: the softmax sees the gold span among this many others. */
const SPAN_NEGATIVES = 120;

/**
 * The span model's example: the candidates of the gold sentence (taken from the passage itself, so a retrieval
 * miss still teaches the span model), right where they are exactly a gold answer.
 */
export function spanExample(q: TrainingQuestion, random: () => number): ChoiceExample | null {
  const g = q.gold[0];
  if (!g) return null;
  const doc = documentOf(q.kb, g.source);
  const sentence = doc?.sentences.find((s) => g.start >= s.start && g.start < s.end);
  if (!doc || !sentence || g.end > sentence.end) return null;
  const text = doc.content.slice(sentence.start, sentence.end);
  const tokens = tokenize(text, sentence.start);
  const all = spanCandidates(tokens);
  const isGold = (c: { start: number; end: number }) => q.gold.some((x) => x.start === c.start && x.end === c.end);
  const positives = all.filter(isGold);
  if (positives.length === 0) return null;
  const negatives = all.filter((c) => !isGold(c));
  for (let i = negatives.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [negatives[i], negatives[j]] = [negatives[j], negatives[i]];
  }
  const kept = [...positives, ...negatives.slice(0, SPAN_NEGATIVES)];
  const cues = questionCues(q.question.question);
  const ctx = spanContext(tokens, cues, new Set(terms(q.question.question)));
  return { candidates: kept.map((c) => pack(spanFeatures(c, ctx, cues))), positives: positives.map((_, i) => i) };
}
