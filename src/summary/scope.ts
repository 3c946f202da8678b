import type { IndexedDocument } from '../chunk/chunker.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { UserInputError } from '../errors.js';
import { stem, words } from '../text/tokenize.js';
import { detectLanguage } from '../text/language.js';
import { expandedQuery, groupPresent, questionTermGroups, type TermGroup } from '../answer/queryTerms.js';
import { chunkCandidates, documentCandidates } from './candidates.js';
import type { SummaryUnit } from './extractive.js';

/** Newest first by date metadata ("2020-01" sorts before "2020-01-15"); undated last; then by source. */
export function byRecency(a: IndexedDocument, b: IndexedDocument): number {
  if (a.date && b.date && a.date !== b.date) return a.date < b.date ? 1 : -1;
  if (!!a.date !== !!b.date) return a.date ? -1 : 1;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/** "seeds/x.txt", "x.txt" or "x" → the document's source; an unknown name is the user's mistake. */
export function resolveSource(kb: KnowledgeBase, wanted: string): string {
  const name = wanted.trim().replace(/\\/g, '/');
  const docs = kb.documents;
  const exact = docs.find((d) => d.source === name);
  if (exact) return exact.source;
  const base = (s: string) => s.slice(s.lastIndexOf('/') + 1);
  const stripExt = (s: string) => s.replace(/\.[^./]+$/, '');
  const matches = docs.filter((d) => base(d.source) === base(name) || stripExt(base(d.source)) === base(name));
  if (matches.length === 1) return matches[0].source;
  const known = docs.slice(0, 3).map((d) => d.source).join(', ');
  const more = docs.length > 3 ? ` and ${docs.length - 3} more` : '';
  if (matches.length > 1) throw new UserInputError(`Source "${name.slice(0, 80)}" is ambiguous; give the path (e.g. ${matches[0].source}).`);
  throw new UserInputError(`Unknown source "${name.slice(0, 80)}"${docs.length ? `; the briefing has ${known}${more}.` : '; the briefing is empty.'}`);
}

/** Whole briefing or one document: every document's summarisable sentences, newest document first. */
export function documentUnits(kb: KnowledgeBase, maxSentences: number, source?: string): SummaryUnit[] {
  return kb.documents
    .filter((d) => !source || d.source === source)
    .sort(byRecency)
    .map((doc) => ({ doc, candidates: documentCandidates(doc, kb.chunksBySource.get(doc.source) ?? [], maxSentences) }));
}

/** How much of the topic a sentence mentions: the share of the topic's term groups (with translations) it has. */
function coverage(groups: TermGroup[], text: string): number {
  if (groups.length === 0) return 0;
  const stems = new Set(words(text).map(stem));
  return groups.filter((g) => groupPresent(g, stems)).length / groups.length;
}

/** Dense-only hits below this similarity are noise, not the topic (hashing and neural cosines alike). */
const MIN_DENSE_FOR_TOPIC = 0.3;
/** A sentence right after one that names the topic usually develops it ("…Hormuz." → "Kang replied…"). */
const FOLLOWING_SENTENCE_SHARE = 0.5;

/**
 * Topic scope: the passages retrieved for the topic, as units per document (newest first). Each candidate's
 * relevance is how much of the topic it names, or half of that of the sentence before it; sentences that are
 * about none of it are dropped. Empty when the briefing has nothing on the topic.
 */
export async function topicUnits(kb: KnowledgeBase, topic: string, passages: number, maxSentences: number, source?: string): Promise<SummaryUnit[]> {
  // The answer engine's term groups: an English topic also looks for its Indonesian translations.
  const groups = questionTermGroups(topic, detectLanguage(topic));
  const hits = (await kb.search(expandedQuery(topic, groups), { k: passages, source })).filter(
    (h) => h.lexical > 0 || h.dense >= MIN_DENSE_FOR_TOPIC,
  );
  const bySource = new Map<string, typeof hits>();
  for (const hit of hits) bySource.set(hit.chunk.source, [...(bySource.get(hit.chunk.source) ?? []), hit]);
  const units: SummaryUnit[] = [];
  for (const doc of kb.documents.filter((d) => bySource.has(d.source)).sort(byRecency)) {
    const docHits = bySource.get(doc.source)!;
    const all = chunkCandidates(doc, docHits.map((h) => h.chunk), maxSentences);
    const direct = all.map((c) => coverage(groups, c.text));
    let relevance = direct.map((d, i) => Math.max(d, i > 0 ? FOLLOWING_SENTENCE_SHARE * direct[i - 1] : 0));
    if (relevance.every((r) => r === 0)) {
      // No sentence names the topic. A passage close in meaning (neural embeddings) still counts, as much as it
      // scored; a match on a few shared letters does not.
      const best = Math.max(...docHits.map((h) => h.dense));
      if (best < MIN_DENSE_FOR_TOPIC) continue;
      relevance = relevance.map(() => best);
    }
    const keep = all.map((_, i) => i).filter((i) => relevance[i] > 0);
    units.push({
      doc,
      candidates: keep.map((i, position) => ({ ...all[i], position })),
      relevance: keep.map((i) => relevance[i]),
    });
  }
  return units;
}
