import { convert } from 'html-to-text';
import { DomUtils, parseDocument } from 'htmlparser2';
import { cleanTitle, isoDate, type ExtractedText } from './types.js';

/** Page furniture: never the readable text of a page. (Scripts and styles html-to-text drops by itself.) */
const SKIPPED = ['script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'form', 'button', 'svg', 'iframe', 'img', '[role=navigation]', '[aria-hidden=true]'];
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const OPTIONS = {
  wordwrap: false as const,
  selectors: [
    ...SKIPPED.map((selector) => ({ selector, format: 'skip' })),
    // Headings as written, not upper-cased: the quote must read like the page.
    ...HEADINGS.map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'a', options: { ignoreHref: true } },
  ],
};

function metaContent(doc: ReturnType<typeof parseDocument>, keys: string[]): string | undefined {
  for (const key of keys) {
    const el = DomUtils.findOne((e) => e.name === 'meta' && (e.attribs.property === key || e.attribs.name?.toLowerCase() === key), doc.children, true);
    if (el?.attribs.content) return el.attribs.content;
  }
  return undefined;
}

/** Readable text of a web page (html-to-text), with title and date from its <title>/<meta>/<time>. */
export function readHtml(html: string): ExtractedText {
  const content = convert(html, OPTIONS).replace(/\s+$/, '');
  const doc = parseDocument(html);
  const titleEl = DomUtils.findOne((e) => e.name === 'title', doc.children, true);
  const timeEl = DomUtils.findOne((e) => e.name === 'time' && Boolean(e.attribs.datetime), doc.children, true);
  return {
    content,
    title: cleanTitle(metaContent(doc, ['og:title']) ?? (titleEl ? DomUtils.textContent(titleEl) : undefined)),
    date: isoDate(metaContent(doc, ['article:published_time', 'date', 'dc.date', 'dcterms.date']) ?? timeEl?.attribs.datetime),
  };
}
