/**
 * Sentence segmentation with exact offsets into the original string.
 *
 * Written for news text in Indonesian and English, including the seed's habit of joining sentences with no
 * space after the period ("perundingan.Menteri"). Rules, in order:
 * - a blank line always ends a sentence (headers, paragraphs);
 * - `.`, `!`, `?`, `…` end a sentence when followed by whitespace and then something that can start one,
 *   or directly by an upper-case letter after a lower-case word ("perundingan.Menteri");
 * - never after an abbreviation ("Dr.", "e.g.", "dll.") or an initial ("J. Smith"), never inside numbers
 *   ("3.5", "1.000") or dates ("(14/01/20)").
 */
export interface Span {
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set(
  [
    // English
    'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'inc', 'ltd', 'co', 'corp', 'gen', 'col',
    'lt', 'sgt', 'capt', 'gov', 'sen', 'rep', 'no', 'vol', 'fig', 'approx', 'dept', 'est', 'jan', 'feb', 'mar',
    'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'mt', 'ft', 'e.g', 'i.e', 'u.s', 'u.k',
    'a.m', 'p.m', 'ph.d',
    // Indonesian
    'bpk', 'ibu', 'sdr', 'sdri', 'yth', 'dll', 'dsb', 'dst', 'tsb', 'ttd', 'hlm', 'kab', 'kec', 'kel', 'jl',
    'jln', 'tel', 'telp', 'no', 'ir', 'drs', 'dra', 'h', 'hj', 'kh', 'mis', 'spt', 'th', 'thn', 'tgl', 'a.n',
    's.d', 'u.p', 'd.a', 'm.si', 's.h', 's.e', 's.pd', 's.kom', 'm.m', 'm.a', 'm.sc', 'a.s',
  ],
);

const TERMINATORS = new Set(['.', '!', '?', '…', '。', '！', '？']);
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '»', '›']);
/** A hard cap, so text with no punctuation at all still yields citable pieces. */
export const MAX_SENTENCE_CHARS = 1500;

const isUpper = (ch: string) => /\p{Lu}/u.test(ch);
const isLower = (ch: string) => /\p{Ll}/u.test(ch);
const isDigit = (ch: string) => /\p{Nd}/u.test(ch);
const isSpace = (ch: string) => /\s/u.test(ch);
const canStartSentence = (ch: string) => /[\p{Lu}\p{Nd}"'“‘([«¿¡\-–—•*]/u.test(ch);

/**
 * Longest word looked at before a dot. Abbreviations and initials are far shorter; without a bound, text like
 * "a.a.a.a…" (every dot a candidate) would rescan the whole run at each dot: quadratic time.
 */
const MAX_WORD_LOOKBACK = 32;

/** The word (letters and inner dots) that ends right before position `i`, lower-cased (at most its last 32 characters). */
function wordBefore(text: string, i: number): string {
  let j = i;
  while (j > 0 && i - j < MAX_WORD_LOOKBACK && /[\p{L}.]/u.test(text[j - 1])) j--;
  return text.slice(j, i).toLowerCase().replace(/^\.+/, '');
}

function isAbbreviationOrInitial(text: string, dotIndex: number): boolean {
  const word = wordBefore(text, dotIndex);
  if (!word) return false;
  if (ABBREVIATIONS.has(word)) return true;
  // A single letter ("J." in "J. Smith") or dotted initials ("U.S.A.").
  if (/^\p{L}$/u.test(word)) return true;
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  return false;
}

/** Is there a sentence boundary right after the terminator run ending at `end` (exclusive)? */
function boundaryAfter(text: string, termStart: number, end: number): boolean {
  if (end >= text.length) return true;
  const term = text[termStart];
  const next = text[end];
  const prev = termStart > 0 ? text[termStart - 1] : '';
  if (term === '.') {
    if (isDigit(prev) && isDigit(next)) return false; // 3.5, 1.000
    if (isAbbreviationOrInitial(text, termStart)) return false;
  }
  if (isSpace(next)) {
    let k = end;
    while (k < text.length && isSpace(text[k])) k++;
    if (k >= text.length) return true;
    if (/\n\s*\n/.test(text.slice(end, k))) return true;
    const after = text[k];
    // "... kata. lalu" is more likely a typo than a new sentence; wait for a proper start.
    return canStartSentence(after) || !isLower(after);
  }
  // No space: "perundingan.Menteri", "AS.Kementerian". Only after a whole word (not "U.S.A"), into a capitalised one.
  if (term === '.' && isUpper(next)) {
    const word = wordBefore(text, termStart);
    return (/\p{L}/u.test(prev) || CLOSERS.has(prev) || isDigit(prev)) && word.length >= 2 && !word.includes('.');
  }
  if ((term === '!' || term === '?') && (isUpper(next) || isDigit(next))) return true;
  return false;
}

function trimSpan(text: string, start: number, end: number): Span | null {
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

/** The last space in `text(start, limit]`, or -1. Bounded, unlike `lastIndexOf`, which would scan back to 0. */
function lastSpaceIn(text: string, start: number, limit: number): number {
  for (let i = limit; i > start; i--) if (text[i] === ' ') return i;
  return -1;
}

/** Split an over-long span at whitespace so no sentence exceeds MAX_SENTENCE_CHARS. */
function capLength(text: string, span: Span, out: Span[]): void {
  let { start } = span;
  while (span.end - start > MAX_SENTENCE_CHARS) {
    // Searching only this piece's window keeps a megabyte without spaces linear, not quadratic.
    let cut = lastSpaceIn(text, start, start + MAX_SENTENCE_CHARS);
    if (cut <= start) cut = start + MAX_SENTENCE_CHARS;
    const piece = trimSpan(text, start, cut);
    if (piece) out.push(piece);
    start = cut;
  }
  const rest = trimSpan(text, start, span.end);
  if (rest) out.push(rest);
}

/** Sentences of `text[from, to)`, as offsets into `text`. */
export function splitSentences(text: string, from = 0, to = text.length): Span[] {
  const out: Span[] = [];
  let sentenceStart = from;
  const emit = (end: number) => {
    const span = trimSpan(text, sentenceStart, end);
    if (span) capLength(text, span, out);
    sentenceStart = end;
  };
  let i = from;
  while (i < to) {
    const ch = text[i];
    if (ch === '\n') {
      // Blank line: paragraph boundary.
      let k = i + 1;
      while (k < to && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k++;
      if (k < to && text[k] === '\n') {
        emit(i);
        i = k + 1;
        continue;
      }
    }
    if (TERMINATORS.has(ch)) {
      let end = i + 1;
      while (end < to && (TERMINATORS.has(text[end]) || CLOSERS.has(text[end]))) end++;
      if (boundaryAfter(text.slice(0, to), i, end)) {
        emit(end);
      }
      i = end;
      continue;
    }
    i++;
  }
  emit(to);
  return out;
}
