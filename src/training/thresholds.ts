/**
 * Thresholds chosen on out-of-fold training predictions (never on ../shared/eval), and the reliability curve
 * that shows whether the answer probability means what it says.
 */
interface Scored {
  q: { dataset: string; question: { answerable: boolean } };
  answerProbability: number;
  shortRight: boolean;
  shortScore: number;
}

/** Refuse at most this share of answerable questions in training (the target is ≤ 15% on the test sets; 2 points of margin). */
export const MAX_FALSE_ABSTAIN = 0.13;
/** Short answers must be right this often in training (the target is ≥ 85%; 2 points of margin). */
export const MIN_SHORT_PRECISION = 0.87;

const CANDIDATES = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);

/**
 * The highest threshold whose false-abstain rate (averaged over the datasets, each weighing the same) stays
 * within MAX_FALSE_ABSTAIN: as many unanswerable questions refused as that allows.
 */
export function chooseAnswerThreshold(rows: readonly Scored[]): number {
  // Datasets with answerable questions (the off-topic negatives have none to refuse wrongly).
  const datasets = [...new Set(rows.filter((r) => r.q.question.answerable).map((r) => r.q.dataset))];
  const falseAbstain = (t: number) =>
    datasets.reduce((sum, d) => {
      const a = rows.filter((r) => r.q.dataset === d && r.q.question.answerable);
      return sum + a.filter((r) => r.answerProbability < t).length / Math.max(1, a.length);
    }, 0) / Math.max(1, datasets.length);
  let best = CANDIDATES[0];
  for (const t of CANDIDATES) if (falseAbstain(t) <= MAX_FALSE_ABSTAIN) best = t;
  return best;
}

/** The lowest short-answer threshold at which the shown short answers are right MIN_SHORT_PRECISION of the time. */
export function chooseShortThreshold(rows: readonly Scored[]): { threshold: number; precision: number; shown: number } {
  const sorted = [...rows].sort((a, b) => b.shortScore - a.shortScore);
  let right = 0;
  let best = { threshold: 1, precision: 1, shown: 0 };
  sorted.forEach((r, i) => {
    if (r.shortRight) right++;
    const precision = right / (i + 1);
    // Only at a boundary between different scores, and never on a handful of examples.
    const boundary = i + 1 === sorted.length || sorted[i + 1].shortScore < r.shortScore;
    if (boundary && i >= 49 && precision >= MIN_SHORT_PRECISION) best = { threshold: r.shortScore, precision, shown: i + 1 };
  });
  return best;
}

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observed: number;
}

/** Ten equal-width bins of predicted probability: mean prediction vs. the observed share of positives. */
export function reliabilityCurve(pairs: readonly [number, boolean][]): ReliabilityBin[] {
  return Array.from({ length: 10 }, (_, b) => {
    const inBin = pairs.filter(([p]) => (b === 9 ? p >= 0.9 : p >= b / 10 && p < (b + 1) / 10));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : 0);
    return {
      from: b / 10,
      to: (b + 1) / 10,
      count: inBin.length,
      meanPredicted: Math.round(mean(inBin.map(([p]) => p)) * 1000) / 1000,
      observed: Math.round(mean(inBin.map(([, y]) => (y ? 1 : 0))) * 1000) / 1000,
    };
  });
}
