/**
 * Retrieval and abstention metrics as small pure functions, so they can be tested on hand-made cases.
 * A "rank" is the 1-based position of the gold item in a ranked list, or null when it is not there.
 */

/** 1-based position of `gold` in `ranked`, or null. */
export function rankOf<T>(ranked: readonly T[], gold: T | ((item: T) => boolean)): number | null {
  const match = typeof gold === 'function' ? (gold as (item: T) => boolean) : (item: T) => item === gold;
  const i = ranked.findIndex(match);
  return i < 0 ? null : i + 1;
}

/** Share of questions whose gold item is in the top k. */
export function recallAtK(ranks: readonly (number | null)[], k: number): number {
  if (ranks.length === 0) return 0;
  return ranks.filter((r) => r !== null && r <= k).length / ranks.length;
}

/** Mean reciprocal rank, counting a gold item below position k as 0. */
export function mrrAtK(ranks: readonly (number | null)[], k: number): number {
  if (ranks.length === 0) return 0;
  let sum = 0;
  for (const r of ranks) if (r !== null && r <= k) sum += 1 / r;
  return sum / ranks.length;
}

export interface RetrievalMetrics {
  'recall@1': number;
  'recall@5': number;
  'mrr@10': number;
}

export function retrievalMetrics(ranks: readonly (number | null)[]): RetrievalMetrics {
  return { 'recall@1': recallAtK(ranks, 1), 'recall@5': recallAtK(ranks, 5), 'mrr@10': mrrAtK(ranks, 10) };
}

/**
 * Area under the ROC curve: the probability that a random positive scores higher than a random negative,
 * ties counting one half (Mann–Whitney U). Null when either class is empty.
 */
export function auroc(scores: readonly number[], positive: readonly boolean[]): number | null {
  if (scores.length !== positive.length) throw new Error('auroc: scores and labels differ in length');
  const items = scores.map((s, i) => ({ s, p: positive[i] })).sort((a, b) => a.s - b.s);
  const nPos = items.filter((x) => x.p).length;
  const nNeg = items.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  // Sum of the (tie-averaged) ranks of the positives.
  let rankSum = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j + 1 < items.length && items[j + 1].s === items[i].s) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (items[t].p) rankSum += avgRank;
    i = j + 1;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Precision and recall of a yes/no decision against labels (here: "abstained" against "unanswerable").
 * Precision is null when the decision never fires, recall when there are no positives.
 */
export function precisionRecall(decided: readonly boolean[], positive: readonly boolean[]): { precision: number | null; recall: number | null } {
  let tp = 0;
  let fired = 0;
  let pos = 0;
  decided.forEach((d, i) => {
    if (d) fired++;
    if (positive[i]) pos++;
    if (d && positive[i]) tp++;
  });
  return { precision: fired ? tp / fired : null, recall: pos ? tp / pos : null };
}

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Items in first-seen order without repeats: chunk hits collapse to passages this way. */
export function dedupeInOrder<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
