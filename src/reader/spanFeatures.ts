import { isStopword } from '../text/stopwords.js';
import { stem } from '../text/tokenize.js';
import { FeatureVector, bucket } from './features.js';
import type { QuestionCues } from './questionCues.js';
import type { SpanCandidate } from './spanCandidates.js';
import { spanShape, type Token } from './tokens.js';

const MONTH = /^(januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|january|february|march|may|june|july|august|october|december)$/;

/** The sentence, prepared once for all its candidates: tokens and which of them the question mentions. */
export interface SpanContext {
  tokens: Token[];
  /** Token i is (a form of) a question word. */
  inQuestion: boolean[];
  /** Positions of question content words in the sentence. */
  anchors: number[];
}

export function spanContext(tokens: Token[], cues: QuestionCues, questionStems: Set<string>): SpanContext {
  const inQuestion = tokens.map((t) => t.isWord && (cues.words.has(t.lower) || questionStems.has(stem(t.lower))));
  const anchors = tokens.flatMap((t, i) => (inQuestion[i] && !isStopword(t.lower) ? [i] : []));
  return { tokens, inQuestion, anchors };
}

const word = (t: Token | undefined): string => (t ? (t.isWord ? (t.shape === 'd' || t.shape === 'D' ? '<num>' : t.lower) : t.text) : '<s>');

/**
 * Features of one candidate answer: its shape and length, its first and last words and their neighbours, how
 * much of it the question already says, and how close it stands to the question's words, each alone and
 * conjoined with the question's cues (type, question word, question word + head).
 */
export function spanFeatures(candidate: SpanCandidate, ctx: SpanContext, cues: QuestionCues): FeatureVector {
  const { tokens, inQuestion, anchors } = ctx;
  const { from, to } = candidate;
  const span = tokens.slice(from, to + 1);
  const words = span.filter((t) => t.isWord);
  const f = new FeatureVector();
  const all = cues.contexts;
  const coarse = [cues.contexts[0], cues.contexts[2]];
  const n = words.length;
  const shape = spanShape(span);
  f.addWith(`len=${bucket(n)}`, all);
  f.addWith(`shape=${shape}`, all);
  f.addWith(`first=${word(span[0])}`, coarse);
  f.addWith(`last=${word(span[span.length - 1])}`, coarse);
  f.addWith(`left=${word(tokens[from - 1])}`, coarse);
  f.addWith(`right=${word(tokens[to + 1])}`, coarse);
  f.addWith(`left2=${word(tokens[from - 2])}_${word(tokens[from - 1])}`, [cues.contexts[0]]);
  f.addWith(`leftShape=${tokens[from - 1]?.shape ?? 's'}|rightShape=${tokens[to + 1]?.shape ?? 's'}`, [cues.contexts[0]]);
  f.addWith(`suffix=${span[span.length - 1].lower.slice(-3)}`, [cues.contexts[0]]);
  if (isStopword(span[0].lower)) f.addWith('firstStop', all);
  if (isStopword(span[span.length - 1].lower)) f.addWith('lastStop', all);
  if (span.some((t) => t.text === ',')) f.addWith('hasComma', [cues.contexts[0]]);

  let seen = 0;
  for (let i = from; i <= to; i++) if (inQuestion[i]) seen++;
  const seenFraction = n ? seen / n : 0;
  f.addWith(`seen=${seen === 0 ? 'none' : seen === n ? 'all' : 'some'}`, all);
  f.addWith('seenFraction', [cues.contexts[0]], seenFraction);

  // Nearest question word, in tokens, on either side (the answer usually stands next to what was asked).
  let distance = Infinity;
  for (const a of anchors) if (a < from || a > to) distance = Math.min(distance, a < from ? from - a : a - to);
  f.addWith(`dist=${distance === Infinity ? 'none' : bucket(distance)}`, all);
  if (anchors.length) f.add('distInv', 1 / (1 + Math.min(distance, 50)));
  const near = (lo: number, hi: number) => {
    let c = 0;
    for (let i = Math.max(0, lo); i <= Math.min(tokens.length - 1, hi); i++) if (inQuestion[i] && !isStopword(tokens[i].lower)) c++;
    return c;
  };
  f.addWith(`qLeft=${bucket(near(from - 3, from - 1))}`, [cues.contexts[0]]);
  f.addWith(`qRight=${bucket(near(to + 1, to + 3))}`, [cues.contexts[0]]);
  if (inQuestion[from - 1]) f.addWith(`leftIsQ=${word(tokens[from - 1])}`, [cues.contexts[0]]);

  if (span.some((t) => /^(1\d{3}|20\d{2})$/.test(t.text))) f.addWith('year', all);
  if (span.some((t) => MONTH.test(t.lower))) f.addWith('month', all);
  if (words.every((t) => t.shape === 'X')) f.addWith('allCaps', all);
  if (tokens[from - 1]?.text === '(' && tokens[to + 1]?.text === ')') f.addWith('inParens', all);
  const position = tokens.length > 1 ? from / (tokens.length - 1) : 0;
  f.addWith(`pos=${Math.min(4, Math.floor(position * 5))}`, [cues.contexts[0]]);
  return f;
}
