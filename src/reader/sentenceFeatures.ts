import type { ScoredSentence } from '../answer/sentenceScorer.js';
import { FeatureVector, bucket } from './features.js';
import type { QuestionCues } from './questionCues.js';
import type { Token } from './tokens.js';

/** Distance in tokens from token i to the nearest anchor, or Infinity. */
function distanceToAnchor(i: number, anchor: readonly boolean[]): number {
  for (let d = 1; d < anchor.length; d++) if (anchor[i - d] || anchor[i + d]) return d;
  return Infinity;
}

/** Where a candidate sentence stands: its chunk's retrieval rank, its place in its document, its neighbours. */
export interface SentenceContext {
  chunkRank: number;
  /** Question word bigrams (stems) that occur in the sentence in the same order. */
  bigramHits: number;
  /** The best coverage among all candidate sentences (a sentence is compared with the best available). */
  bestCoverage: number;
  tokens: Token[];
  /** Token i is one of the question's content words (by stem). */
  anchor: boolean[];
  /** IDF-weighted sum of the question terms the sentence holds (coverage before normalising). */
  matchedWeight: number;
  /** Share of the question's content words the sentence has verbatim (unstemmed: "setuju" is not "tujuan"). */
  exactCoverage: number;
  /** The best exactCoverage among the candidates. */
  bestExactCoverage: number;
  /** Its place (from 1) in the hand-weighted scorer's order: the learned ranker starts from that judgement. */
  scorerRank: number;
  /** The span model's best score for a short typed candidate in the sentence (null: none, or not scored). */
  typedSpan: number | null;
}

const DAY = /^(senin|selasa|rabu|kamis|jumat|sabtu|minggu|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/;
const DATE = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/;
const COPULA = new Set(['adalah', 'merupakan', 'ialah', 'yaitu', 'is', 'was', 'are', 'were', 'refers']);
const YEAR = /^(1\d{3}|20\d{2})$/;
const MONTH = /^(januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|january|february|march|may|june|july|august|october|december)$/;

/**
 * Features of "this sentence answers the question": the hand-made evidence of the old scorer (term coverage,
 * soft match, retrieval score, expected answer kind), how it compares with the best candidate, and which kinds
 * of answer it holds, conjoined with the question's cues so the model learns that "tahun berapa" wants a
 * sentence with a year and "siapa" one with a name it did not already say.
 */
// Left out on purpose: the sentence's place in its document and the previous sentence's match. On the training
// passages (Wikipedia paragraphs of 3–4 sentences, asked about their opening) they are strong priors; in a long
// briefing the answer can be anywhere, and they pulled the ranker to the wrong sentences (README, trade-offs).
export function sentenceFeatures(s: ScoredSentence, ctx: SentenceContext, cues: QuestionCues): FeatureVector {
  const f = new FeatureVector();
  const [type, wh, head] = cues.contexts;
  f.add('coverage', s.coverage).add('gram', s.gram).add('context', s.contextCoverage).add('chunk', s.chunkScore).add('carried', s.carried);
  f.add('coverageGap', ctx.bestCoverage - s.coverage);
  f.addWith(`coverage=${Math.round(s.coverage * 4)}`, [type]);
  f.addWith(`gap=${Math.round((ctx.bestCoverage - s.coverage) * 4)}`, [type]);
  f.addWith(`typeOk=${s.typeOk}`, [type, wh, head]);
  f.addWith(`chunkRank=${bucket(ctx.chunkRank)}`, [type]);
  f.addWith(`bigrams=${bucket(ctx.bigramHits)}`, [type]);

  f.addWith(`scorerRank=${bucket(ctx.scorerRank)}`, [type]);
  // Stems conflate ("setuju" and "tujuan" are both "tuju"): the words themselves break such ties.
  f.add('exactCoverage', ctx.exactCoverage).add('exactGap', ctx.bestExactCoverage - ctx.exactCoverage);
  f.addWith(`exactGap=${Math.round((ctx.bestExactCoverage - ctx.exactCoverage) * 4)}`, [type]);
  if (ctx.typedSpan !== null) {
    const clipped = Math.max(-10, Math.min(10, ctx.typedSpan));
    f.addWith('typedSpan', [type], clipped / 5);
    f.addWith(`typedSpan=${Math.round(clipped / 2)}`, [type]);
  } else f.addWith('typedSpan=none', [type]);
  f.add('matchedWeight', Math.min(ctx.matchedWeight, 30) / 10);
  const words = ctx.tokens.filter((t) => t.isWord);
  f.addWith(`length=${bucket(Math.ceil(words.length / 4))}`, [type]);
  // Which kinds of answer the sentence holds that the question does not already say, and how close each
  // stands to the question's words: "tahun berapa" wants a year next to them, "siapa" a name.
  const kinds = new Map<string, number>();
  const anchors = ctx.anchor.filter(Boolean).length;
  ctx.tokens.forEach((t, i) => {
    if (!t.isWord || ctx.anchor[i] || cues.words.has(t.lower)) return;
    const kind = YEAR.test(t.text)
      ? 'year'
      : MONTH.test(t.lower)
        ? 'month'
        : DAY.test(t.lower)
          ? 'day'
          : DATE.test(t.text)
            ? 'date'
            : t.shape === 'd' || t.shape === 'D'
              ? 'number'
              : t.shape === 'X' && i > 0
                ? 'name'
                : null;
    if (!kind) return;
    const d = anchors ? distanceToAnchor(i, ctx.anchor) : Infinity;
    kinds.set(kind, Math.min(kinds.get(kind) ?? Infinity, d));
  });
  for (const [kind, d] of kinds) {
    f.addWith(`has=${kind}`, [type, wh, head]);
    f.addWith(`near=${kind}:${d === Infinity ? 'none' : bucket(d)}`, [type, wh]);
  }
  if (ctx.tokens.some((t) => t.text === '(')) f.addWith('hasParens', [type]);
  // "X adalah …", "X is …": a definition of what the question names ("apa yang dimaksud dengan X", "what is X").
  const firstVerb = words.findIndex((t) => COPULA.has(t.lower));
  if (firstVerb > 0 && firstVerb <= 4 && ctx.anchor[ctx.tokens.indexOf(words[0])]) f.addWith('definition', [type, wh]);
  if (anchors > 1) {
    const positions = ctx.anchor.flatMap((a, i) => (a ? [i] : []));
    f.addWith(`spread=${bucket(Math.ceil((positions[positions.length - 1] - positions[0]) / anchors))}`, [type]);
  }
  return f;
}
