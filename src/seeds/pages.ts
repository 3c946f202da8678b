/** The 1-based page holding `offset`, from the offsets where pages start; undefined for paged-less documents. */
export function pageAt(pageStarts: readonly number[] | undefined, offset: number): number | undefined {
  if (!pageStarts?.length) return undefined;
  let lo = 0;
  let hi = pageStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pageStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** " p. 3" for a citation at `offset` of a PDF, "" otherwise: appended to the file name in every rendering. */
export function pageSuffix(pageStarts: readonly number[] | undefined, offset: number): string {
  const page = pageAt(pageStarts, offset);
  return page === undefined ? '' : ` p. ${page}`;
}
