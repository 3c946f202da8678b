import { CitationNumbering } from '../answer/citations.js';
import type { Citation } from '../answer/types.js';
import type { SummaryStyle } from './types.js';
import type { ExtractivePlan, PickedSentence } from './extractive.js';

/**
 * Display form of a quoted sentence: line breaks folded, and the source's own footnote marks ("2003.[1]",
 * common in wiki text) removed so they cannot be mistaken for our citations. The citation keeps it exact.
 */
export const display = (text: string) => text.replace(/\[\d+\]/g, '').replace(/\s+/g, ' ').trim();

/** Heading that introduces a document's part in a multi-document summary. */
export function documentHeading(doc: { title: string; date?: string }): string {
  return `**${doc.title}**${doc.date ? ` (${doc.date})` : ''}`;
}

/** The title and date of a line written by `documentHeading`, or null (for renderers that escape the rest). */
export function parseDocumentHeading(line: string): { title: string; date?: string } | null {
  const match = /^\*\*(.+)\*\*(?: \(([^()]*)\))?$/.exec(line);
  if (!match) return null;
  return match[2] === undefined ? { title: match[1] } : { title: match[1], date: match[2] };
}

/**
 * Turns a plan into the summary text and its citations. Each quoted sentence is followed by `[n]`; numbers
 * follow first use, from 1. Many documents: a heading per document (not in `brief`, which is 2–3 sentences).
 */
export function renderExtractive(plan: ExtractivePlan, style: SummaryStyle): { summary: string; citations: Citation[] } {
  const numbering = new CitationNumbering();
  const { citations } = numbering;
  const cite = (picked: PickedSentence): string => {
    const c = picked.candidate;
    const n = numbering.cite({ source: c.source, start: c.start, end: c.end, quote: c.text, chunkId: c.chunkId, score: picked.score });
    return `${display(c.text)} [${n}]`;
  };
  const headed = plan.groups.length > 1;
  const blocks: string[] = [];
  if (style === 'brief') {
    const sentences = plan.groups.flatMap((g) => g.paragraphs.flat()).map(cite);
    return { summary: sentences.join(' '), citations };
  }
  for (const group of plan.groups) {
    const lines: string[] = headed ? [documentHeading(group.doc)] : [];
    if (style === 'bullets') {
      for (const paragraph of group.paragraphs) lines.push(`- ${paragraph.map(cite).join(' ')}`);
      blocks.push(lines.join('\n'));
    } else {
      const paragraphs = group.paragraphs.map((p) => p.map(cite).join(' '));
      blocks.push([...lines, ...paragraphs].join('\n\n'));
    }
  }
  return { summary: blocks.join('\n\n'), citations };
}
