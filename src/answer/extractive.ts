import type { CitedSentence } from './citations.js';
import type { ScoredSentence } from './sentenceScorer.js';

/**
 * The offline answer: the best sentence, then at most two more that are nearly as good and either bring
 * question terms the earlier ones lack, or are a near tie that also holds the expected kind of answer (two
 * "50 minutes" sentences: show both rather than guess).
 */
const MAX_SENTENCES = 3;
const EXTRA_MIN_RATIO = 0.8;
const NEAR_TIE_RATIO = 0.9;

export function pickAnswerSentences(ranked: ScoredSentence[]): ScoredSentence[] {
  if (ranked.length === 0) return [];
  const picked = [ranked[0]];
  const covered = [...ranked[0].matched];
  for (const s of ranked.slice(1)) {
    if (picked.length >= MAX_SENTENCES || s.score < EXTRA_MIN_RATIO * ranked[0].score) break;
    const addsTerm = s.matched.some((m, i) => m && !covered[i]);
    const nearTie = s.typeOk && s.score >= NEAR_TIE_RATIO * ranked[0].score;
    if (!addsTerm && !nearTie) continue;
    picked.push(s);
    s.matched.forEach((m, i) => (covered[i] ||= m));
  }
  return picked;
}

/**
 * The trained reader's answer: the best sentences in order until the ranker is CREDIBLE_MASS sure that one of
 * them answers (its scores are probabilities over the candidates), at most MAX_SENTENCES. A confident ranker
 * cites one sentence; when two sentences compete ("50 minutes" twice) both are shown rather than a guess.
 */
export const CREDIBLE_MASS = 0.8;

export function pickCredibleSentences(ranked: ScoredSentence[]): ScoredSentence[] {
  const picked: ScoredSentence[] = [];
  let mass = 0;
  for (const s of ranked) {
    if (picked.length >= MAX_SENTENCES || mass >= CREDIBLE_MASS) break;
    picked.push(s);
    mass += s.score;
  }
  return picked;
}

export function toCited(s: ScoredSentence): CitedSentence {
  return { source: s.source, start: s.start, end: s.end, quote: s.text, chunkId: s.chunkId, score: s.score };
}

/** "Sentence one. [1] Sentence two. [2]" */
export function joinWithMarkers(sentences: string[], numbers: number[]): string {
  return sentences.map((text, i) => `${text.trim()} [${numbers[i]}]`).join(' ');
}
