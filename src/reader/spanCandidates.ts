import type { Token } from './tokens.js';

/** A candidate short answer: tokens [from, to] of its sentence, and its exact offsets in the source. */
export interface SpanCandidate {
  from: number;
  to: number;
  start: number;
  end: number;
}

/** Longest short answer considered, in tokens (covers ~95% of the training answers). */
export const MAX_SPAN_TOKENS = 10;

/** Closing mark → the opening mark it closes (a straight quote closes itself). */
const PAIRS = new Map([[')', '('], [']', '['], ['}', '{'], ['”', '“'], ['»', '«'], ['"', '"']]);
const OPENERS = new Set(['(', '[', '{', '“', '«', '"']);
/** Marks that may sit inside an answer ("Pasuruan, Jawa Timur", "Kang Kyung-wha's"); others end it. */
const INNER = new Set([',', '-', '–', '&', "'", '’', '/', '.', '%']);

/** A footnote or reference marker: "[51]", "[a]", "[citation needed]" and what is inside it. */
export function footnoteTokens(tokens: readonly Token[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text !== '[') continue;
    let j = i + 1;
    while (j < tokens.length && j - i <= 4 && tokens[j].text !== ']') j++;
    if (j < tokens.length && tokens[j].text === ']') for (let k = i; k <= j; k++) out.add(k);
  }
  return out;
}

/**
 * Every contiguous run of up to MAX_SPAN_TOKENS tokens that starts on a word and ends on a word (or on a bracket
 * closing one it opened), contains no sentence punctuation other than inner marks, no footnote marker, and has
 * balanced brackets. The model chooses among them.
 */
export function spanCandidates(tokens: readonly Token[]): SpanCandidate[] {
  const foot = footnoteTokens(tokens);
  const out: SpanCandidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!tokens[i].isWord || foot.has(i)) continue;
    const open: string[] = [];
    for (let j = i; j < tokens.length && j - i < MAX_SPAN_TOKENS; j++) {
      const t = tokens[j];
      if (foot.has(j)) break;
      if (t.isWord) {
        if (open.length === 0) out.push({ from: i, to: j, start: tokens[i].start, end: t.end });
        continue;
      }
      const closes = PAIRS.get(t.text);
      if (closes !== undefined && open[open.length - 1] === closes) {
        open.pop();
        // A bracket or quote that closes one opened inside the span ends it well: "Selasa (14/01/20)".
        if (open.length === 0) out.push({ from: i, to: j, start: tokens[i].start, end: t.end });
      } else if (OPENERS.has(t.text)) open.push(t.text);
      else if (closes !== undefined || !INNER.has(t.text)) break;
    }
  }
  return out;
}
