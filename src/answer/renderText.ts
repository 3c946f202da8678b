import type { AnswerResult, Citation } from './types.js';
import { phrase } from './phrases.js';

/**
 * Plain-text rendering of an answer, shared by the CLI and the console: the answer with its `[n]` markers, an
 * optional notice, then a numbered Sources list (file, date, quote), or the closest passages when abstaining.
 */
export type DateOf = (source: string) => string | undefined;

export function renderSources(citations: Citation[], dateOf: DateOf): string[] {
  return citations.map((c) => {
    const date = dateOf(c.source);
    return `[${c.n}] ${c.source}${date ? ` (${date})` : ''}: "${c.quote}"`;
  });
}

export function renderAnswerText(result: AnswerResult, dateOf: DateOf = () => undefined): string {
  // The short answer points at the first citation: the sentence it was found in.
  const lines = result.shortAnswer ? [`${phrase('shortAnswer', result.language)} ${result.shortAnswer} [1]`, '', result.answer] : [result.answer];
  if (result.notice) lines.push(`(${result.notice})`);
  if (result.abstained) {
    if (result.closest?.length) lines.push('', phrase('closestHeading', result.language), ...renderSources(result.closest, dateOf));
  } else if (result.citations.length) {
    lines.push('', phrase('sourcesHeading', result.language), ...renderSources(result.citations, dateOf));
  }
  return lines.join('\n');
}
