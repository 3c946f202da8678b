/**
 * The graph maths of extractive summarisation, on unit-length sentence vectors: similarity, TextRank
 * centrality, contiguous theme segmentation and MMR. Everything here is bounded by the caller's candidate
 * cap (n sentences → O(n²) at most), never by the size of the briefing.
 */

/** Cosine similarity matrix of unit vectors (so a dot product), with a zero diagonal. */
export function similarityMatrix(vectors: ArrayLike<number>[]): Float64Array[] {
  const n = vectors.length;
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = vectors[i];
      const b = vectors[j];
      let dot = 0;
      for (let d = 0; d < a.length; d++) dot += a[d] * b[d];
      rows[i][j] = dot;
      rows[j][i] = dot;
    }
  }
  return rows;
}

/**
 * TextRank: PageRank over the sentence graph weighted by (positive) similarity. Scores are scaled so the most
 * central sentence has 1. A sentence with no neighbours keeps the teleport share only.
 */
export function textRank(similarity: Float64Array[], damping = 0.85, iterations = 40): number[] {
  const n = similarity.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  const outWeight = similarity.map((row) => row.reduce((sum, w) => sum + Math.max(0, w), 0));
  let rank = new Float64Array(n).fill(1 / n);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n).fill((1 - damping) / n);
    for (let j = 0; j < n; j++) {
      if (outWeight[j] === 0) continue;
      const share = (damping * rank[j]) / outWeight[j];
      const row = similarity[j];
      for (let i = 0; i < n; i++) if (row[i] > 0) next[i] += share * row[i];
    }
    rank = next;
  }
  const max = Math.max(...rank);
  return Array.from(rank, (r) => (max > 0 ? r / max : 0));
}

/**
 * Splits sentences (in source order) into `k` contiguous themes that are each as tight as possible: the
 * segmentation minimising the total squared distance of each sentence to its theme's mean vector, found
 * exactly by dynamic programming in O(k·n²) from prefix sums of the similarity matrix.
 * News stories move from thread to thread, so contiguity is the right prior and keeps source order for free.
 * Returns the start index of each theme.
 */
export function segmentThemes(similarity: Float64Array[], k: number, minSize = 1): number[] {
  const n = similarity.length;
  const themes = Math.max(1, Math.min(k, n));
  // A theme of one sentence is usually an outlier (the lead, a quote), not a thread: ask for more when there is room.
  const size = themes * minSize <= n ? minSize : 1;
  if (themes === 1) return [0];
  // block[i][j] = Σ_{a,b in [i,j)} sim(a,b) with sim(a,a) = 1, via 2-D prefix sums.
  const prefix = Array.from({ length: n + 1 }, () => new Float64Array(n + 1));
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const s = a === b ? 1 : similarity[a][b];
      prefix[a + 1][b + 1] = s + prefix[a][b + 1] + prefix[a + 1][b] - prefix[a][b];
    }
  }
  // Scatter of a segment of unit vectors: |S| − ‖Σv‖² / |S|.
  const cost = (i: number, j: number) => {
    const block = prefix[j][j] - prefix[i][j] - prefix[j][i] + prefix[i][i];
    return j - i - block / (j - i);
  };
  const best = Array.from({ length: themes + 1 }, () => new Float64Array(n + 1).fill(Infinity));
  const cut = Array.from({ length: themes + 1 }, () => new Int32Array(n + 1));
  best[0][0] = 0;
  for (let t = 1; t <= themes; t++) {
    for (let j = t * size; j <= n; j++) {
      for (let i = (t - 1) * size; i <= j - size; i++) {
        const value = best[t - 1][i] + cost(i, j);
        if (value < best[t][j]) {
          best[t][j] = value;
          cut[t][j] = i;
        }
      }
    }
  }
  const starts: number[] = [];
  let j = n;
  for (let t = themes; t >= 1; t--) {
    const i = cut[t][j];
    starts.unshift(i);
    j = i;
  }
  return starts;
}

/**
 * Maximal marginal relevance: repeatedly takes the candidate with the best
 * `λ·relevance − (1−λ)·max similarity to what is already taken`.
 */
export function mmrSelect(
  candidates: number[],
  relevance: (i: number) => number,
  similarity: (a: number, b: number) => number,
  count: number,
  lambda = 0.7,
  taken: number[] = [],
): number[] {
  const chosen: number[] = [];
  const pool = new Set(candidates);
  while (chosen.length < count && pool.size > 0) {
    let bestIndex = -1;
    let bestScore = -Infinity;
    for (const c of pool) {
      let redundancy = 0;
      for (const t of [...taken, ...chosen]) redundancy = Math.max(redundancy, similarity(c, t));
      const score = lambda * relevance(c) - (1 - lambda) * redundancy;
      if (score > bestScore || (score === bestScore && c < bestIndex)) {
        bestScore = score;
        bestIndex = c;
      }
    }
    chosen.push(bestIndex);
    pool.delete(bestIndex);
  }
  return chosen;
}
