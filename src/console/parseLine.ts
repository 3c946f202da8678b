import { stripControls } from '../text/userInput.js';
import { SUMMARY_STYLES, type SummaryStyle } from '../summary/types.js';

/** What one line typed at the console asks for. Plain text is a question. */
export type ConsoleCommand =
  | { kind: 'ask'; question: string }
  | { kind: 'summary'; style: SummaryStyle; topic?: string }
  | { kind: 'sources' }
  | { kind: 'search'; query: string }
  | { kind: 'help' }
  | { kind: 'exit' }
  | { kind: 'empty' }
  | { kind: 'unknown'; name: string };

export function parseLine(line: string): ConsoleCommand {
  // A line of invisible or bidi control characters is as empty as a blank one.
  const text = stripControls(line).trim();
  if (!text) return { kind: 'empty' };
  if (!text.startsWith('/')) return { kind: 'ask', question: text };
  const [head, ...rest] = text.split(/\s+/);
  const name = head.slice(1).toLowerCase();
  const arg = rest.join(' ');
  switch (name) {
    case 'ask':
      return { kind: 'ask', question: arg };
    case 'summary': {
      const first = rest[0]?.toLowerCase();
      const style = SUMMARY_STYLES.find((s) => s === first);
      const topic = (style ? rest.slice(1) : rest).join(' ').trim();
      return { kind: 'summary', style: style ?? 'brief', ...(topic ? { topic } : {}) };
    }
    case 'sources':
      return { kind: 'sources' };
    case 'search':
      return { kind: 'search', query: arg };
    case 'help':
      return { kind: 'help' };
    case 'exit':
    case 'quit':
      return { kind: 'exit' };
    default:
      return { kind: 'unknown', name: head.slice(0, 40) };
  }
}
