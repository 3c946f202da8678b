/**
 * Checking a model's `[n]` markers against the passages it was given: markers pointing nowhere are removed,
 * the rest are renumbered from 1 in order of first use. `[1, 3]` and `[1][3]` are both understood.
 */
const MARKER = /\s*\[(\d+(?:\s*,\s*\d+)*)\]/g;

export interface ValidatedCitations {
  /** The text with valid markers renumbered (`[k]`) and invalid ones removed. */
  text: string;
  /** Passage numbers actually cited, in order of first use; index i gets the new number i + 1. */
  used: number[];
  /** Markers removed because no such passage exists. */
  dropped: number[];
}

export function validateCitations(text: string, passageCount: number): ValidatedCitations {
  const used: number[] = [];
  const dropped: number[] = [];
  const replaced = text.replace(MARKER, (_match, list: string) => {
    const kept: number[] = [];
    for (const raw of list.split(',')) {
      const n = Number(raw.trim());
      if (!Number.isInteger(n) || n < 1 || n > passageCount) {
        dropped.push(n);
        continue;
      }
      if (!used.includes(n)) used.push(n);
      const renumbered = used.indexOf(n) + 1;
      if (!kept.includes(renumbered)) kept.push(renumbered);
    }
    return kept.map((k) => ` [${k}]`).join('');
  });
  return { text: replaced.replace(/[ \t]+([.,;:!?])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim(), used, dropped };
}
