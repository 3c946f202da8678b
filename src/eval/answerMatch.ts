/**
 * How a short answer is judged against gold answers.
 * - `containsEitherWay`: the reader metric (issue 9): lower-cased, whitespace-normalised, one contains the other.
 * - `squadExact` / `squadF1`: the official SQuAD 2.0 scoring (lower-case, no punctuation, no English articles,
 *   whitespace-split tokens; "no answer" is the empty string; the best over the gold answers).
 */
const fold = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

export function containsEitherWay(predicted: string, golds: readonly string[]): boolean {
  const p = fold(predicted);
  if (!p) return false;
  return golds.some((g) => {
    const gold = fold(g);
    return gold !== '' && (p.includes(gold) || gold.includes(p));
  });
}

/** Does the text (a cited sentence) hold one of the gold answers? */
export function holdsGoldAnswer(text: string, golds: readonly string[]): boolean {
  const t = fold(text);
  return golds.some((g) => fold(g) !== '' && t.includes(fold(g)));
}

/** SQuAD's normalize_answer. */
export function squadNormalize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

const tokensOf = (s: string): string[] => squadNormalize(s).split(' ').filter(Boolean);

function f1Pair(predicted: string, gold: string): number {
  const p = tokensOf(predicted);
  const g = tokensOf(gold);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Gold answers of an unanswerable question: `[]`, scored as the single answer "". */
const goldsOrEmpty = (golds: readonly string[]): readonly string[] => (golds.length ? golds : ['']);

export function squadExact(predicted: string, golds: readonly string[]): number {
  return goldsOrEmpty(golds).some((g) => squadNormalize(g) === squadNormalize(predicted)) ? 1 : 0;
}

export function squadF1(predicted: string, golds: readonly string[]): number {
  return Math.max(...goldsOrEmpty(golds).map((g) => f1Pair(predicted, g)));
}
