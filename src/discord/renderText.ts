/**
 * Text helpers for Discord: escaping, truncating and splitting messages under Discord's limits. Pure functions.
 */

/** Discord's hard limit is 2,000 characters per message; stay clearly below it. */
export const MESSAGE_LIMIT = 1900;

/**
 * Escapes Discord markdown so quoted briefing text (or a user's question) shows literally: emphasis, code,
 * spoilers, block quotes, links, headings, lists and mention syntax.
 */
export function escapeDiscordMarkdown(text: string): string {
  return text
    .replace(/([\\*_~`|>[\]()<])/g, '\\$1')
    .replace(/^(\s*)([#+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.');
}

/**
 * The one escaping for text that comes from the briefing or from a model (quotes, answers, summaries, titles,
 * dates, file names): everything is escaped, then our own citation markers `[n]` are made readable again. A
 * `[1](https://…)` link in the text stays broken, because its parenthesis is still escaped.
 */
export function escapeUntrusted(text: string): string {
  return escapeDiscordMarkdown(text).replace(/\\\[(\d+)\\\]/g, '[$1]');
}

/** Shortens to at most `max` characters, at a word boundary when one is near, ending with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  const base = space > max * 0.6 ? cut.slice(0, space) : cut;
  // Never leave a dangling backslash from an escape.
  return `${base.replace(/\\+$/, '')}…`;
}

interface Block {
  text: string;
  /** A fenced code block: kept whole when it fits, else split on lines with its fence re-opened. */
  fence?: string;
}

/** Paragraphs and fenced code blocks, in order. */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  const fencePattern = /```([^\n`]*)\n?[\s\S]*?(```|$)/g;
  let last = 0;
  for (const match of text.matchAll(fencePattern)) {
    const before = text.slice(last, match.index);
    for (const p of before.split(/\n{2,}/)) if (p.trim()) out.push({ text: p.trim() });
    out.push({ text: match[0].endsWith('```') && match[0].length > 3 ? match[0] : `${match[0]}\n\`\`\``, fence: match[1] ?? '' });
    last = (match.index ?? 0) + match[0].length;
  }
  for (const p of text.slice(last).split(/\n{2,}/)) if (p.trim()) out.push({ text: p.trim() });
  return out;
}

/** Inline markdown pairs that must not be split apart (an odd count means one is still open). */
const INLINE_MARKERS = [/\*\*/g, /__/g, /~~/g, /\|\|/g, /`/g];

function opensMarkup(text: string): boolean {
  const unescaped = text.replace(/\\./g, '');
  return INLINE_MARKERS.some((marker) => (unescaped.match(marker)?.length ?? 0) % 2 === 1);
}

/**
 * Sentences of a paragraph, each keeping its trailing punctuation and following space. Sentences inside one
 * bold/italic/code/spoiler span stay together so a split never leaves a construct open.
 */
function sentences(paragraph: string): string[] {
  const parts = paragraph.match(/[^.!?\n]+(?:[.!?]+["'”’)\]]*|\n|$)\s*/g);
  if (!parts || parts.join('') !== paragraph) return [paragraph];
  const merged: string[] = [];
  let open = '';
  for (const part of parts) {
    open += part;
    if (!opensMarkup(open)) {
      merged.push(open);
      open = '';
    }
  }
  if (open) merged.push(open);
  return merged;
}

/** Last resort for a sentence longer than a message: cut at spaces, else hard. */
function hardSplit(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(' ', limit);
    if (cut < limit * 0.5) cut = limit;
    // Don't cut inside a backslash escape or a [n] citation marker.
    const marker = rest.slice(0, cut).match(/\[\d*$|\\$/);
    if (marker && marker.index && marker.index > 0) cut = marker.index;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

function splitCodeBlock(block: string, fence: string, limit: number): string[] {
  const open = `\`\`\`${fence}\n`;
  const close = '\n```';
  const body = block.slice(block.indexOf('\n') + 1).replace(/\n?```$/, '');
  const room = limit - open.length - close.length;
  const out: string[] = [];
  let current = '';
  for (const line of body.split('\n').flatMap((l) => (l.length > room ? hardSplit(l, room) : [l]))) {
    if (current && current.length + 1 + line.length > room) {
      out.push(open + current + close);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current || out.length === 0) out.push(open + current + close);
  return out;
}

/**
 * Splits text into messages of at most `limit` characters: on paragraph boundaries first, then sentence
 * boundaries, then spaces. A fenced code block is never cut open: it moves whole to the next message, or, when it
 * alone is too long, is split on lines with the fence closed and re-opened in each part.
 */
export function splitMessage(text: string, limit = MESSAGE_LIMIT): string[] {
  const messages: string[] = [];
  let current = '';
  const push = (piece: string, separator: string) => {
    if (!current) current = piece;
    else if (current.length + separator.length + piece.length <= limit) current += separator + piece;
    else {
      messages.push(current);
      current = piece;
    }
  };
  for (const block of blocks(text)) {
    if (block.text.length <= limit) {
      push(block.text, '\n\n');
      continue;
    }
    if (block.fence !== undefined) {
      for (const part of splitCodeBlock(block.text, block.fence, limit)) push(part, '\n');
      continue;
    }
    let first = true;
    for (const sentence of sentences(block.text)) {
      for (const piece of sentence.length > limit ? hardSplit(sentence.trim(), limit) : [sentence.trim()]) {
        if (!piece) continue;
        push(piece, first ? '\n\n' : ' ');
        first = false;
      }
    }
  }
  if (current) messages.push(current);
  return messages;
}
