/**
 * Hashed sparse features ("the hashing trick"): every feature is a name such as `span.shape=X+|person`, hashed
 * into one of 2^bits weights. Lexicalised conjunctions (question word × candidate shape × neighbouring word)
 * are then free to add: no vocabulary to ship, unseen names cost nothing. Collisions are rare at 2^20 buckets.
 */
export const FEATURE_BITS = 20;
const MASK = (1 << FEATURE_BITS) - 1;

/** FNV-1a, 32 bits: fast, stable across runs and platforms (the model files depend on it). */
export function hashFeature(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & MASK;
}

export class FeatureVector {
  readonly keys: number[] = [];
  readonly values: number[] = [];

  add(name: string, value = 1): this {
    if (value !== 0 && Number.isFinite(value)) {
      this.keys.push(hashFeature(name));
      this.values.push(value);
    }
    return this;
  }

  /** The same feature, alone and conjoined with each context (e.g. the question's answer type). */
  addWith(name: string, contexts: readonly string[], value = 1): this {
    this.add(name, value);
    for (const c of contexts) this.add(`${name}|${c}`, value);
    return this;
  }
}

/** A bucket label for a count or length, so one weight covers a range ("3-4", "5-8", …). */
export function bucket(n: number): string {
  if (n <= 2) return String(n);
  if (n <= 4) return '3-4';
  if (n <= 8) return '5-8';
  if (n <= 16) return '9-16';
  return '17+';
}
