import { phrase } from '../answer/phrases.js';
import path from 'node:path';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { AnswerResult, Citation } from '../answer/types.js';
import type { SummaryResult } from '../summary/types.js';
import { documentHeading, parseDocumentHeading } from '../summary/render.js';
import { escapeDiscordMarkdown, escapeUntrusted, splitMessage, truncate } from './renderText.js';
import { buttonId } from './customIds.js';
import { pageSuffix } from '../seeds/pages.js';

/**
 * Answers, summaries and search results as Discord embeds and messages. Pure: the same input gives the same
 * output, and every limit Discord enforces (4,096 / 1,024 / 25 fields / 6,000 per message) is respected here.
 * Everything from the briefing or a model is escaped with escapeDiscordMarkdown (escapeUntrusted where the text
 * carries our [n] markers) wherever Discord renders markdown: descriptions, field values, message content. Titles and field names render
 * no links or mentions and are only shortened.
 */

export const EMBED_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

const COLOR_ANSWER = 0x2b6cb0;
const COLOR_ABSTAIN = 0xb7791f;
const COLOR_SUMMARY = 0x2f855a;
const COLOR_INFO = 0x4a5568;

/** What renderers need to know about a source file. */
export interface SourceInfo {
  title?: string;
  date?: string;
  /** PDFs: where each page starts, so a citation names its page. */
  pageStarts?: readonly number[];
}
export type SourceLookup = (source: string) => SourceInfo | undefined;

export interface RenderOptions {
  elapsedMs: number;
  lookup: SourceLookup;
}

export function fileName(source: string): string {
  return path.posix.basename(source);
}

/** "[n] file p. 3 · date" for a field name (no markdown rendered there). */
function sourceLabel(c: Pick<Citation, 'n' | 'source' | 'start'>, lookup: SourceLookup): string {
  const info = lookup(c.source);
  return `[${c.n}] ${fileName(c.source)}${pageSuffix(info?.pageStarts, c.start)}${info?.date ? ` · ${info.date}` : ''}`;
}

/** The same label for message content, where the file name and date (from the seeds) must be escaped. */
function escapedSourceLabel(c: Pick<Citation, 'n' | 'source' | 'start'>, lookup: SourceLookup): string {
  const info = lookup(c.source);
  return `[${c.n}] ${escapeDiscordMarkdown(fileName(c.source))}${pageSuffix(info?.pageStarts, c.start)}${info?.date ? ` · ${escapeDiscordMarkdown(info.date)}` : ''}`;
}

/** A quoted snippet, markdown-escaped, in typographic quotes. */
export function quoteSnippet(quote: string, max: number): string {
  return `“${truncate(escapeDiscordMarkdown(quote.replace(/\s+/g, ' ').trim()), max - 2)}”`;
}

export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Citation fields, shrunk until the whole embed fits 6,000 characters. */
function citationFields(citations: Citation[], lookup: SourceLookup, budget: number): APIEmbedField[] {
  const shown = citations.slice(0, EMBED_LIMITS.fields);
  for (let snippet = 300; snippet >= 40; snippet = Math.floor(snippet * 0.7)) {
    const fields = shown.map((c) => ({ name: truncate(sourceLabel(c, lookup), EMBED_LIMITS.fieldName), value: quoteSnippet(c.quote, Math.min(snippet, EMBED_LIMITS.fieldValue)) }));
    if (fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0) <= budget) return fields;
  }
  // Still too long: as many as fit, smallest snippets.
  const fields: APIEmbedField[] = [];
  let used = 0;
  for (const c of shown) {
    const field = { name: truncate(sourceLabel(c, lookup), 60), value: quoteSnippet(c.quote, 40) };
    if (used + field.name.length + field.value.length > budget) break;
    used += field.name.length + field.value.length;
    fields.push(field);
  }
  return fields;
}

function finish(embed: APIEmbed): APIEmbed {
  // Defensive: trim the description if the total is still over (it never should be after the budgets above).
  const over = embedLength(embed) - EMBED_LIMITS.total;
  if (over > 0 && embed.description) embed.description = truncate(embed.description, embed.description.length - over);
  return embed;
}

/**
 * The answer's text for Discord: extractive answers quote the briefing and LLM answers are a model's words, so
 * both are escaped alike (a model repeating a seed's disguised link must not make it live); the citation markers
 * stay readable. The short answer, when there is one, leads in bold.
 */
function answerBody(result: AnswerResult): string {
  const body = escapeUntrusted(result.answer);
  return result.shortAnswer ? `**${escapeDiscordMarkdown(result.shortAnswer)}** [1]\n\n${body}` : body;
}

/**
 * A summary for Discord: every line escaped, keeping only the structure the summarizer writes itself: document
 * headings in bold and "- " bullets.
 */
export function summaryMarkdown(summary: string): string {
  return summary
    .split('\n')
    .map((line) => {
      const heading = parseDocumentHeading(line);
      if (heading) return documentHeading({ title: escapeDiscordMarkdown(heading.title), ...(heading.date ? { date: escapeDiscordMarkdown(heading.date) } : {}) });
      return line.startsWith('- ') ? `- ${escapeUntrusted(line.slice(2))}` : escapeUntrusted(line);
    })
    .join('\n');
}

/** The embed for an answer, or (different colour, no sources, hints and a pointer to /search) an abstention. */
export function renderAnswerEmbed(result: AnswerResult, options: RenderOptions): APIEmbed {
  const footer = { text: truncate(`${result.mode} · ${formatMs(options.elapsedMs)}`, EMBED_LIMITS.footer) };
  const title = truncate(result.question.replace(/\s+/g, ' '), EMBED_LIMITS.title);
  if (result.abstained) {
    const hints = result.closest ?? [];
    const description = truncate(
      [escapeDiscordMarkdown(result.answer), result.notice ? `*${escapeDiscordMarkdown(result.notice)}*` : '', phrase('searchHint', result.language)]
        .filter(Boolean)
        .join('\n\n'),
      EMBED_LIMITS.description,
    );
    const fields = hints.slice(0, 2).map((c) => ({
      name: truncate(`${phrase('closestPassage', result.language)} · ${fileName(c.source)}`, EMBED_LIMITS.fieldName),
      value: quoteSnippet(c.quote, 300),
    }));
    return finish({ title: `${phrase('notInBriefing', result.language)}: ${truncate(title, 200)}`, description, color: COLOR_ABSTAIN, fields, footer });
  }
  const notice = result.notice ? `\n\n*${escapeDiscordMarkdown(result.notice)}*` : '';
  const description = truncate(answerBody(result), EMBED_LIMITS.description - notice.length) + notice;
  const budget = EMBED_LIMITS.total - title.length - description.length - footer.text.length;
  return finish({ title, description, color: COLOR_ANSWER, fields: citationFields(result.citations, options.lookup, budget), footer });
}

/** Plain text for channels where the bot may not embed (no Embed Links): split below 2,000 characters. */
export function renderAnswerText(result: AnswerResult, options: RenderOptions): string[] {
  const parts = [result.abstained ? escapeDiscordMarkdown(result.answer) : answerBody(result)];
  if (result.notice) parts.push(`*${escapeDiscordMarkdown(result.notice)}*`);
  if (result.abstained) {
    for (const c of (result.closest ?? []).slice(0, 2)) parts.push(`${phrase('closestPassage', result.language)}, ${escapeDiscordMarkdown(fileName(c.source))}: ${quoteSnippet(c.quote, 300)}`);
    parts.push(phrase('searchHint', result.language));
  } else if (result.citations.length > 0) {
    parts.push(`**Sources**\n${result.citations.map((c) => `${escapedSourceLabel(c, options.lookup)} · ${quoteSnippet(c.quote, 200)}`).join('\n')}`);
  }
  parts.push(`-# ${result.mode} · ${formatMs(options.elapsedMs)}`);
  return splitMessage(parts.join('\n\n'));
}

/** "Show sources", 👍, 👎 for an answer stored under `key` (abstentions get no sources button). */
export function renderAnswerButtons(key: string, abstained: boolean): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = [];
  if (!abstained) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Show sources', custom_id: buttonId('sources', key) });
  buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: '👍' }, custom_id: buttonId('up', key) });
  buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: '👎' }, custom_id: buttonId('down', key) });
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** The full cited passages (for "Show sources"), as messages below 2,000 characters. */
export function renderFullSources(citations: Citation[], lookup: SourceLookup): string[] {
  if (citations.length === 0) return ['This answer has no cited passages.'];
  const text = citations
    .map((c) => {
      const info = lookup(c.source);
      const heading = `**${escapedSourceLabel(c, lookup)}**${info?.title ? ` · ${escapeDiscordMarkdown(info.title)}` : ''} · characters ${c.start}–${c.end}`;
      return `${heading}\n> ${escapeDiscordMarkdown(c.quote.replace(/\s+/g, ' ').trim())}`;
    })
    .join('\n\n');
  return splitMessage(text);
}

export function renderSummaryEmbed(result: SummaryResult, options: RenderOptions & { topic?: string }): APIEmbed {
  const title = truncate(`Summary (${result.style})${options.topic ? `: ${options.topic}` : ''}`, EMBED_LIMITS.title);
  const extra = [result.notice, result.leftOut?.length ? `Left out: ${result.leftOut.map(fileName).join(', ')}` : '']
    .filter(Boolean)
    .map((line) => `*${escapeDiscordMarkdown(String(line))}*`)
    .join('\n');
  const description = truncate(summaryMarkdown(result.summary), EMBED_LIMITS.description - (extra ? extra.length + 2 : 0)) + (extra ? `\n\n${extra}` : '');
  const footer = { text: `${result.mode}${result.cached ? ' · cached' : ''} · ${formatMs(options.elapsedMs)}` };
  const budget = EMBED_LIMITS.total - title.length - description.length - footer.text.length;
  return finish({ title, description, color: COLOR_SUMMARY, fields: citationFields(result.citations, options.lookup, budget), footer });
}

export interface SearchHitView {
  rank: number;
  source: string;
  start: number;
  end: number;
  score: number;
  text: string;
}

export function renderSearchEmbed(query: string, hits: SearchHitView[], lookup: SourceLookup): APIEmbed {
  const title = truncate(`Passages for: ${query}`, EMBED_LIMITS.title);
  if (hits.length === 0) return { title, description: 'No passages matched.', color: COLOR_INFO };
  const perHit = Math.min(EMBED_LIMITS.fieldValue, Math.floor((EMBED_LIMITS.total - title.length - 200) / hits.length) - 80);
  const fields = hits.slice(0, EMBED_LIMITS.fields).map((h) => {
    const info = lookup(h.source);
    return {
      name: truncate(`#${h.rank} ${fileName(h.source)}${pageSuffix(info?.pageStarts, h.start)}${info?.date ? ` · ${info.date}` : ''} · chars ${h.start}–${h.end} · score ${h.score.toFixed(2)}`, EMBED_LIMITS.fieldName),
      value: quoteSnippet(h.text, perHit),
    };
  });
  return finish({ title, color: COLOR_INFO, fields, footer: { text: 'Raw passages, not an answer. Use /ask for a cited answer.' } });
}

export interface DocumentView {
  source: string;
  title: string;
  date?: string;
  chunks: number;
  /** PDFs only. */
  pages?: number;
}

export function renderDocumentsEmbed(documents: DocumentView[], builtAt: string, skipped: { source: string; reason: string }[] = []): APIEmbed {
  const fields = documents.slice(0, EMBED_LIMITS.fields).map((d) => ({
    name: truncate(fileName(d.source), EMBED_LIMITS.fieldName),
    value: truncate(`${escapeDiscordMarkdown(d.title)}\n${d.date ? `Date: ${escapeDiscordMarkdown(d.date)} · ` : ''}${d.pages ? `${d.pages} pages · ` : ''}${d.chunks} chunks`, EMBED_LIMITS.fieldValue),
  }));
  // Files that are there but not read: the operator should see why.
  const notRead = skipped.length
    ? truncate(`Not read: ${skipped.map((s) => `${escapeDiscordMarkdown(fileName(s.source))} (${escapeDiscordMarkdown(s.reason)})`).join('; ')}`, 1500)
    : undefined;
  const more = documents.length > fields.length ? ` (showing ${fields.length})` : '';
  return finish({
    title: `Documents in the briefing: ${documents.length}${more}`,
    description: [documents.length === 0 ? 'The briefing is empty: add documents with /add-document (or files to seeds/) and run /reindex.' : '', notRead ?? ''].filter(Boolean).join('\n\n') || undefined,
    color: COLOR_INFO,
    fields,
    footer: { text: `Indexed ${builtAt}` },
  });
}
