/**
 * Finding a chunk in a posting list (chunks increasing), each search returning the first position in
 * `docs[from, to)` holding a chunk ≥ `doc` (`to` when none). Lookups for chunks in increasing order start where the
 * previous one stopped; which search is cheapest depends on how far apart the chunks looked up are.
 */

/**
 * `lowerBound` for lookups that move forward through a list: steps 1, 2, 4, … from `from` first, so a chunk near the
 * previous one costs a few reads rather than a binary search of the whole rest.
 */
export function gallop(docs: Int32Array, from: number, to: number, doc: number): number {
  if (from >= to || docs[from] >= doc) return from;
  let lo = from;
  let step = 1;
  while (lo + step < to && docs[lo + step] < doc) {
    lo += step;
    step <<= 1;
  }
  return lowerBound(docs, lo + 1, Math.min(lo + step + 1, to), doc);
}

/**
 * `lowerBound` for a chunk far from the previous one in a long list: chunks are spread fairly evenly, so the guess
 * `doc`'s share of the range gives lands near it, and galloping from there (back or on) finds it in a few reads
 * rather than the dozens galloping from the start of the range takes.
 */
export function seek(docs: Int32Array, from: number, to: number, doc: number): number {
  if (from >= to || docs[from] >= doc) return from;
  const first = docs[from];
  const last = docs[to - 1];
  if (last < doc) return to;
  // Here docs[from] < doc ≤ docs[to − 1], so to − 1 > from.
  let guess = from + Math.floor(((doc - first) / (last - first)) * (to - 1 - from));
  if (guess <= from) guess = from + 1;
  if (docs[guess] < doc) return gallop(docs, guess, to, doc);
  // docs[guess] ≥ doc: step back until a chunk below `doc`, then search between.
  let hi = guess;
  let lo = guess - 1;
  let step = 1;
  while (lo > from && docs[lo] >= doc) {
    hi = lo;
    lo = Math.max(from, lo - step);
    step <<= 1;
  }
  return lowerBound(docs, lo + 1, hi, doc);
}

/** First position in `docs[from, to)` holding a chunk ≥ `doc` (`to` when none). */
export function lowerBound(docs: Int32Array, from: number, to: number, doc: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < doc) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
