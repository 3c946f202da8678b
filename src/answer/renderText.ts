import type { AnswerResult, Citation } from './types.js';
import { phrase } from './phrases.js';
import { pageSuffix } from '../seeds/pages.js';

/**
 * Plain-text rendering of an answer, shared by the CLI and the console: the answer with its `[n]` markers, an
 * optional notice, then a numbered Sources list (file, date, quote), or the closest passages when abstaining.
 */
export type DateOf = (source: string) => string | undefined;
/** Where each page of a PDF source starts, so a citation names its page ('report.pdf p. 3'). */
export type PagesOf = (source: string) => readonly number[] | undefined;

/** Control characters (ESC sequences, bell, C1) and bidi overrides: a seed or a model could use them to recolour, hide or reorder what the terminal shows. */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The terminal's escaping, for text from the seeds or a model: every control character becomes a visible "�",
 * line breaks and tabs stay. (Discord's counterpart is escapeDiscordMarkdown in src/discord/renderText.ts.)
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, '\ufffd');
}

export function renderSources(citations: Citation[], dateOf: DateOf, pagesOf: PagesOf = () => undefined): string[] {
  return citations.map((c) => {
    const date = dateOf(c.source);
    return terminalSafe(`[${c.n}] ${c.source}${pageSuffix(pagesOf(c.source), c.start)}${date ? ` (${date})` : ''}: "${c.quote}"`);
  });
}

export function renderAnswerText(result: AnswerResult, dateOf: DateOf = () => undefined, pagesOf: PagesOf = () => undefined): string {
  // The short answer points at the first citation: the sentence it was found in.
  const answer = terminalSafe(result.answer);
  const lines = result.shortAnswer ? [`${phrase('shortAnswer', result.language)} ${terminalSafe(result.shortAnswer)} [1]`, '', answer] : [answer];
  if (result.notice) lines.push(`(${result.notice})`);
  if (result.abstained) {
    if (result.closest?.length) lines.push('', phrase('closestHeading', result.language), ...renderSources(result.closest, dateOf, pagesOf));
  } else if (result.citations.length) {
    lines.push('', phrase('sourcesHeading', result.language), ...renderSources(result.citations, dateOf, pagesOf));
  }
  return lines.join('\n');
}
