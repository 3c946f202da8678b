/** What a format reader gives back: the citable text, and what the document says about itself. */
export interface ExtractedText {
  content: string;
  /** From the document's own metadata (PDF Info, DOCX core properties, HTML <title>/<meta>), when present. */
  title?: string;
  date?: string;
  /** PDFs: offset in `content` where each page starts (page n at index n-1; empty pages included). */
  pageStarts?: number[];
}

export interface FormatLimits {
  /** Most pages a PDF may have (SEED_MAX_PAGES). */
  maxPages: number;
  /** Most bytes the parts of a DOCX that are read may expand to (a zip bomb is refused before inflating). */
  maxExpandedBytes: number;
}

/** A file that can't be read as its format: the reason is shown to the operator, by file name. */
export class UnreadableDocument extends Error {}

/** "2021-03-04" from a Date or an ISO-like string; undefined when it is neither. */
export function isoDate(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d{4}-\d{2}(?:-\d{2})?)/.exec(value);
  return m ? m[1] : undefined;
}

export function cleanTitle(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const title = value.replace(/\s+/g, ' ').trim();
  return title || undefined;
}
