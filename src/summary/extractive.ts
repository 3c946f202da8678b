import type { IndexedDocument } from '../chunk/chunker.js';
import type { SummaryStyle } from './types.js';
import type { CandidateSentence } from './candidates.js';
import { mmrSelect, segmentThemes, similarityMatrix, textRank } from './centrality.js';
import { sentenceVectors } from './vectors.js';

/**
 * Extractive planning: which sentences go into a summary, grouped by document (newest first) and by theme.
 *
 * Per document: TF-IDF sentence vectors → TextRank centrality → the sentences cut into as many contiguous
 * themes as the document has slots → from each theme its representative: the sentence that is both central
 * and early in the theme (news opens a thread with the sentence that states it), chosen with MMR against what
 * is already picked. Then the length budget of the style is enforced without ever cutting a sentence.
 */

/** One document (or the retrieved part of it) to summarise. */
export interface SummaryUnit {
  doc: IndexedDocument;
  candidates: CandidateSentence[];
  /** Topic summaries: how much each candidate is about the topic, in [0, 1]. */
  relevance?: number[];
}

export interface PickedSentence {
  candidate: CandidateSentence;
  /** Representative score in [0, 1]; becomes the citation's score. */
  score: number;
}

export interface PlannedGroup {
  doc: IndexedDocument;
  /** One paragraph per theme; in `brief` and `bullets` each has exactly one sentence. */
  paragraphs: PickedSentence[][];
}

export interface ExtractivePlan {
  groups: PlannedGroup[];
  /** Sources of documents with nothing in the summary, in the order they were considered. */
  leftOut: string[];
}

interface StyleShape {
  /** Total slots (themes) over all documents. */
  slots: (totalCandidates: number) => number;
  /** Most sentences per paragraph for a theme of `size` sentences. */
  sentencesPerTheme: (size: number) => number;
  /** Characters of summary text, markers included. */
  maxChars: number;
  minUnits: number;
  /** Themes a document can carry, given its candidates. */
  capacity: (candidates: number) => number;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

export const STYLE_SHAPES: Record<SummaryStyle, StyleShape> = {
  brief: { slots: (n) => Math.min(3, n), sentencesPerTheme: () => 1, maxChars: 600, minUnits: 2, capacity: (n) => n },
  bullets: {
    slots: (n) => Math.min(n, clamp(Math.ceil(n / 2), 5, 8)),
    sentencesPerTheme: () => 1,
    maxChars: 2400,
    minUnits: 5,
    capacity: (n) => n,
  },
  detailed: {
    slots: (n) => Math.min(n, clamp(Math.round(n / 3), 2, 6)),
    sentencesPerTheme: (size) => clamp(Math.ceil((size * 2) / 3), 1, 3),
    maxChars: 3600,
    minUnits: 1,
    capacity: (n) => Math.max(1, Math.floor(n / 2)),
  },
};

/** Characters a sentence adds to the rendered summary: the text, " [n]" and a separator. */
const MARKER_CHARS = 5;
const sentenceCost = (c: CandidateSentence) => c.text.length + MARKER_CHARS;
/** The weight of "comes first in its theme" against centrality when choosing a theme's representative. */
const LEAD_WEIGHT = 0.5;
const MMR_LAMBDA = 0.7;
/** Topic summaries: the weight of "about the topic" against the representative score above. */
const TOPIC_WEIGHT = 0.7;
/** Alternatives per theme that the length fitting may swap in. */
const ALTERNATIVES = 3;

interface Slot {
  group: number;
  /** Picked sentences, best first, then alternatives (brief/bullets); for detailed, the paragraph. */
  options: PickedSentence[];
  paragraph: PickedSentence[];
}

/** Share `slots` among units in order, one at a time (newest document first), up to each one's capacity. */
export function allocateSlots(capacities: number[], slots: number): number[] {
  const given = capacities.map(() => 0);
  let left = slots;
  let progressed = true;
  while (left > 0 && progressed) {
    progressed = false;
    for (let i = 0; i < capacities.length && left > 0; i++) {
      if (given[i] < capacities[i]) {
        given[i]++;
        left--;
        progressed = true;
      }
    }
  }
  return given;
}

/** Themes of one unit, each with its representative (first) and ranked alternatives. */
function planUnit(unit: SummaryUnit, themes: number, style: SummaryStyle): { paragraph: PickedSentence[]; options: PickedSentence[] }[] {
  const { candidates, relevance } = unit;
  const vectors = sentenceVectors(candidates.map((c) => c.text));
  const similarity = similarityMatrix(vectors);
  const centrality = textRank(similarity);
  const starts = segmentThemes(similarity, themes, 2);
  const shape = STYLE_SHAPES[style];
  const chosen: number[] = [];
  const out: { paragraph: PickedSentence[]; options: PickedSentence[] }[] = [];
  for (let t = 0; t < starts.length; t++) {
    const from = starts[t];
    const to = t + 1 < starts.length ? starts[t + 1] : candidates.length;
    const members = Array.from({ length: to - from }, (_, r) => from + r);
    const score = new Map<number, number>();
    for (const i of members) {
      const lead = 1 / (1 + i - from);
      const base = LEAD_WEIGHT * lead + (1 - LEAD_WEIGHT) * centrality[i];
      score.set(i, relevance ? TOPIC_WEIGHT * relevance[i] + (1 - TOPIC_WEIGHT) * base : base);
    }
    const relevanceOf = (i: number) => score.get(i)!;
    const sim = (a: number, b: number) => (a === b ? 1 : similarity[a][b]);
    const count = Math.min(members.length, shape.sentencesPerTheme(members.length));
    const picked = mmrSelect(members, relevanceOf, sim, count, MMR_LAMBDA, chosen);
    chosen.push(...picked);
    const alternatives = members
      .filter((i) => !picked.includes(i))
      .sort((a, b) => relevanceOf(b) - relevanceOf(a) || a - b)
      .slice(0, ALTERNATIVES - 1);
    const toPicked = (i: number): PickedSentence => ({ candidate: candidates[i], score: Math.round(relevanceOf(i) * 1000) / 1000 });
    out.push({
      paragraph: [...picked].sort((a, b) => a - b).map(toPicked),
      options: [...picked.slice(0, 1), ...alternatives].map(toPicked),
    });
  }
  return out;
}

/** Best choice of one option (or none) per slot under the character budget: exhaustive, for a handful of slots. */
function fitExhaustively(slots: Slot[], maxChars: number, minUnits: number): (PickedSentence | null)[] {
  let best: { value: number; choice: (PickedSentence | null)[] } | null = null;
  const choice: (PickedSentence | null)[] = [];
  const walk = (i: number, chars: number, value: number, units: number) => {
    if (chars > maxChars) return;
    if (i === slots.length) {
      // Reaching the minimum number of sentences matters more than any score.
      const total = value + (units >= Math.min(minUnits, slots.length) ? 1000 : 0);
      if (units > 0 && (!best || total > best.value)) best = { value: total, choice: [...choice] };
      return;
    }
    for (const option of slots[i].options) {
      choice.push(option);
      walk(i + 1, chars + sentenceCost(option.candidate), value + 1 + option.score, units + 1);
      choice.pop();
    }
    choice.push(null);
    walk(i + 1, chars, value, units);
    choice.pop();
  };
  walk(0, 0, 0, 0);
  if (best) return (best as { choice: (PickedSentence | null)[] }).choice;
  // Nothing fits: the shortest representative alone (a sentence is never cut, even when it is too long).
  const shortest = slots
    .flatMap((s, i) => s.options.map((o) => ({ i, o })))
    .sort((a, b) => a.o.candidate.text.length - b.o.candidate.text.length)[0];
  return slots.map((_, i) => (shortest && shortest.i === i ? shortest.o : null));
}

/** Drop from the end (the oldest document's last theme; in paragraphs, the weakest sentence first). */
function fitGreedily(slots: Slot[], maxChars: number, minUnits: number): PickedSentence[][] {
  const paragraphs = slots.map((s) => [...s.paragraph]);
  const chars = () => paragraphs.reduce((sum, p) => sum + p.reduce((x, s) => x + sentenceCost(s.candidate), 0), 0);
  const units = () => paragraphs.filter((p) => p.length > 0).length;
  while (chars() > maxChars) {
    const longParagraph = [...paragraphs.keys()].reverse().find((i) => paragraphs[i].length > 1);
    if (longParagraph !== undefined) {
      const p = paragraphs[longParagraph];
      let weakest = 0;
      for (let i = 1; i < p.length; i++) if (p[i].score < p[weakest].score) weakest = i;
      p.splice(weakest, 1);
      continue;
    }
    if (units() <= Math.max(1, minUnits)) break;
    const last = [...paragraphs.keys()].reverse().find((i) => paragraphs[i].length > 0)!;
    paragraphs[last] = [];
  }
  return paragraphs;
}

/**
 * Plans a summary of `units`, already in the order they should appear (newest first). Only units that get a
 * slot are analysed, so the cost is bounded by the style's size, not by the size of the briefing.
 */
export function planExtractive(units: SummaryUnit[], style: SummaryStyle, onProgress?: (done: number, total: number) => void): ExtractivePlan {
  const shape = STYLE_SHAPES[style];
  const usable = units.filter((u) => u.candidates.length > 0);
  const totalCandidates = usable.reduce((sum, u) => sum + u.candidates.length, 0);
  const allocation = allocateSlots(usable.map((u) => shape.capacity(u.candidates.length)), shape.slots(totalCandidates));
  const slots: Slot[] = [];
  const planned = usable.map((u, i) => ({ unit: u, themes: allocation[i] })).filter((p) => p.themes > 0);
  planned.forEach(({ unit, themes }, group) => {
    for (const theme of planUnit(unit, themes, style)) slots.push({ group, ...theme });
    onProgress?.(group + 1, planned.length);
  });

  let paragraphs: PickedSentence[][];
  if (style === 'brief') {
    paragraphs = fitExhaustively(slots, shape.maxChars, shape.minUnits).map((p) => (p ? [p] : []));
  } else {
    paragraphs = fitGreedily(slots, shape.maxChars, shape.minUnits);
  }
  const groups: PlannedGroup[] = planned.map(({ unit }) => ({ doc: unit.doc, paragraphs: [] }));
  slots.forEach((slot, i) => {
    if (paragraphs[i].length > 0) groups[slot.group].paragraphs.push(paragraphs[i]);
  });
  const kept = groups.filter((g) => g.paragraphs.length > 0);
  const keptSources = new Set(kept.map((g) => g.doc.source));
  return { groups: kept, leftOut: units.map((u) => u.doc.source).filter((s) => !keptSources.has(s)) };
}
