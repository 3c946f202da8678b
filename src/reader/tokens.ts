/**
 * Tokens of a sentence with exact offsets: words (keeping inner dots, commas, slashes, hyphens and apostrophes:
 * "1.000", "14/01/20", "Kyung-wha") and single punctuation marks. Spans are built from these, so a short answer
 * is always an exact slice of the source.
 */
export interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  isWord: boolean;
  /** A coarse shape: X (capitalised), x (lower), d (digits), D (digits with punctuation), p (punctuation). */
  shape: string;
}

const TOKEN = /[\p{L}\p{N}]+(?:['’./,:-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

function shapeOf(text: string): string {
  if (/^\d+$/.test(text)) return 'd';
  if (/^\d[\d.,/:-]*$/.test(text)) return 'D';
  if (/\d/.test(text)) return 'a';
  if (/^\p{Lu}/u.test(text)) return 'X';
  if (/^[\p{L}\p{N}]/u.test(text)) return 'x';
  return 'p';
}

export function tokenize(text: string, offset = 0): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    const shape = shapeOf(t);
    out.push({ text: t, lower: t.toLowerCase(), start: offset + (m.index ?? 0), end: offset + (m.index ?? 0) + t.length, isWord: shape !== 'p', shape });
  }
  return out;
}

/** "X X p X" → "X+pX": repeated shapes collapse, so the shape of a span is a small vocabulary. */
export function spanShape(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    const s = t.shape === 'p' ? t.text : t.shape;
    if (out.endsWith(s) || out.endsWith(`${s}+`)) {
      if (!out.endsWith('+')) out += '+';
    } else out += s;
  }
  return out.slice(0, 12);
}
