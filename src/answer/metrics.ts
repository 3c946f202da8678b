/** Area under the ROC curve of `scores` for telling positives (true) from negatives; ties count half. */
export function auroc(scores: number[], positive: boolean[]): number {
  const pos = scores.filter((_, i) => positive[i]);
  const neg = scores.filter((_, i) => !positive[i]);
  if (pos.length === 0 || neg.length === 0) return NaN;
  const all = scores.map((s, i) => ({ s, p: positive[i] })).sort((a, b) => a.s - b.s);
  // Mann–Whitney U with average ranks for ties.
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].s === all[i].s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].p) rankSumPos += avgRank;
    i = j;
  }
  return (rankSumPos - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

/** Precision and recall of abstaining (abstain = confidence below threshold) against "unanswerable". */
export function abstentionPrecisionRecall(confidence: number[], answerable: boolean[], threshold: number): { precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  confidence.forEach((c, i) => {
    const abstain = c < threshold;
    if (abstain && !answerable[i]) tp++;
    else if (abstain && answerable[i]) fp++;
    else if (!abstain && !answerable[i]) fn++;
  });
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
}
