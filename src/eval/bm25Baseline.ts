/**
 * The plain Okapi BM25 baseline that the eval compares against, exactly as the eval data's README describes
 * it: k1 = 1.2, b = 0.75, idf = ln(1 + (N − df + 0.5)/(df + 0.5)), lower-cased runs of Unicode word
 * characters, no stop words or stemming, query terms counted with multiplicity, ties by corpus order.
 * Deliberately separate from the project's own lexical index, so improvements there can't leak in.
 */
const K1 = 1.2;
const B = 0.75;
/** Python's `\w` under Unicode: letters, digits, underscore (JS `\w` alone would be ASCII-only). */
const WORD = /[\p{L}\p{N}_]+/gu;

export function baselineTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export class Bm25Baseline {
  private readonly termFreqs: Map<string, number>[];
  private readonly lengths: number[];
  private readonly avgLength: number;
  private readonly df = new Map<string, number>();

  constructor(texts: readonly string[]) {
    this.termFreqs = texts.map((t) => {
      const tf = new Map<string, number>();
      for (const tok of baselineTokens(t)) tf.set(tok, (tf.get(tok) ?? 0) + 1);
      return tf;
    });
    this.lengths = texts.map((_, i) => [...this.termFreqs[i].values()].reduce((a, b) => a + b, 0));
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, texts.length);
    for (const tf of this.termFreqs) for (const term of tf.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
  }

  idf(term: string): number {
    const n = this.termFreqs.length;
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Indexes of the top `k` texts for `query`, best first. */
  rank(query: string, k: number): number[] {
    const scores = new Float64Array(this.termFreqs.length);
    for (const term of baselineTokens(query)) {
      if (!this.df.has(term)) continue;
      const idf = this.idf(term);
      this.termFreqs.forEach((tf, i) => {
        const f = tf.get(term);
        if (!f) return;
        const norm = K1 * (1 - B + (B * this.lengths[i]) / this.avgLength);
        scores[i] += (idf * f * (K1 + 1)) / (f + norm);
      });
    }
    const order = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
    return order.slice(0, k);
  }
}
