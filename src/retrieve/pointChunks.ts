/**
 * Which chunks each HNSW point stands for (chunks with identical vectors share one point; see `KnowledgeBase`),
 * as flat arrays rather than a Map of arrays: one Map entry and one array per point cost ~40 ms and ~10 MB of
 * short-lived objects at 100k chunks, at every load and every swap. Each chunk links to the next chunk of the same
 * point; each point knows its first chunk (by label in an array when labels are dense, as they are unless an
 * incremental update left gaps, else in a Map).
 */
const DENSE_LABELS_FACTOR = 4;

/** Whether labels up to `maxLabel`, `count` of them, are looked up in an array as long as the largest (else a Map). */
export function labelsFitAnArray(maxLabel: number, count: number): boolean {
  return maxLabel + 1 <= DENSE_LABELS_FACTOR * count + 1024;
}

export class PointChunks {
  /** Chunk index → the next chunk of the same point, or -1. */
  private readonly next: Int32Array;
  private readonly firstOf: (label: number) => number;
  /** Points with at least one chunk. */
  readonly size: number;

  constructor(pointOf: Int32Array) {
    const n = pointOf.length;
    this.next = new Int32Array(n).fill(-1);
    let maxLabel = -1;
    for (let i = 0; i < n; i++) if (pointOf[i] > maxLabel) maxLabel = pointOf[i];
    // Filled from the last chunk back, so each point's list is in chunk order.
    let size = 0;
    if (labelsFitAnArray(maxLabel, n)) {
      const first = new Int32Array(maxLabel + 1).fill(-1);
      for (let i = n - 1; i >= 0; i--) {
        const label = pointOf[i];
        if (first[label] === -1) size++;
        this.next[i] = first[label];
        first[label] = i;
      }
      this.firstOf = (label) => (Number.isInteger(label) && label >= 0 && label <= maxLabel ? first[label] : -1);
    } else {
      const first = new Map<number, number>();
      for (let i = n - 1; i >= 0; i--) {
        const label = pointOf[i];
        const head = first.get(label);
        if (head === undefined) size++;
        this.next[i] = head ?? -1;
        first.set(label, i);
      }
      this.firstOf = (label) => first.get(label) ?? -1;
    }
    this.size = size;
  }

  /** The chunks (indexes) point `label` stands for, in chunk order; empty for a label no chunk uses. */
  chunksOf(label: number): number[] {
    const out: number[] = [];
    for (let i = this.firstOf(label); i !== -1; i = this.next[i]) out.push(i);
    return out;
  }
}
