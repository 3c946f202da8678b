import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { chunkDocument, segmentDocument, type IndexedDocument } from '../chunk/chunker.js';
import { UserInputError } from '../errors.js';
import { loadSeeds } from '../seeds/loadSeeds.js';
import type { Span } from '../text/sentences.js';
import type { EvalQuestion } from './dataset.js';
import { dedupeInOrder } from './metrics.js';
import type { EvalTask } from './runEval.js';

/**
 * `--dataset seed`: the project's own seeds and gold set. Gold items name an exact substring of the sentence
 * that answers; a hit is a retrieved chunk that holds that whole sentence. Keys are chunk spans
 * ("source:start:end"), so the BM25 baseline, run over the same chunks, is scored the same way.
 */
export const SEED_GOLD = 'tests/fixtures/seed-gold.json';
export const SEED_UNANSWERABLE = 'tests/fixtures/seed-unanswerable.json';

interface GoldItem {
  question: string;
  lang?: string;
  answer: string;
}

async function readJsonArray(file: string): Promise<unknown[]> {
  let data: unknown;
  try {
    data = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new UserInputError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'}`);
  }
  if (!Array.isArray(data)) throw new UserInputError(`${file} must hold a JSON array`);
  return data;
}

const spanKey = (source: string, start: number, end: number) => `${source}:${start}:${end}`;

function parseKey(key: string): { source: string; start: number; end: number } {
  const m = /^(.*):(\d+):(\d+)$/.exec(key)!;
  return { source: m[1], start: Number(m[2]), end: Number(m[3]) };
}

export async function seedTask(config: CoreConfig): Promise<EvalTask> {
  const scan = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir);
  if (scan.documents.length === 0) throw new UserInputError(`No readable seeds in ${config.seedsDir}`);
  const documents: IndexedDocument[] = scan.documents.map((d) =>
    segmentDocument({ source: d.source, title: d.title, date: d.date, content: d.content, bodyStart: d.bodyStart }),
  );
  // The answering sentence(s) of each gold item: every sentence that contains the answer text.
  const goldSentences = new Map<string, { source: string; span: Span }[]>();
  const gold = (await readJsonArray(path.join(config.rootDir, SEED_GOLD))) as GoldItem[];
  const questions: EvalQuestion[] = gold.map((g, i) => {
    if (typeof g?.question !== 'string' || typeof g.answer !== 'string') throw new UserInputError(`${SEED_GOLD} item ${i + 1} needs question and answer`);
    const id = `seed-gold-${i + 1}`;
    const where = documents.flatMap((d) =>
      d.sentences.filter((s) => d.content.slice(s.start, s.end).includes(g.answer)).map((span) => ({ source: d.source, span })),
    );
    if (where.length === 0) throw new UserInputError(`${SEED_GOLD} item ${i + 1}: its answer is in no seed sentence`);
    goldSentences.set(id, where);
    return { id, question: g.question, answerable: true, passageId: null, answers: [g.answer] };
  });
  const unanswerable = (await readJsonArray(path.join(config.rootDir, SEED_UNANSWERABLE)).catch(() => [])) as { question?: unknown }[];
  unanswerable.forEach((u, i) => {
    if (typeof u?.question === 'string') questions.push({ id: `seed-unans-${i + 1}`, question: u.question, answerable: false, passageId: null, answers: [] });
  });
  const chunking = { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences };
  const chunks = documents.flatMap((d) => chunkDocument(d, chunking));
  return {
    dataset: { name: 'seed', passages: chunks.map((c) => ({ id: spanKey(c.source, c.start, c.end), title: c.title, text: c.text })), questions },
    documents,
    keysOf: (hits) => dedupeInOrder(hits.map((h) => spanKey(h.chunk.source, h.chunk.start, h.chunk.end))),
    isGold: (q, key) => {
      const c = parseKey(key);
      return (goldSentences.get(q.id) ?? []).some((g) => g.source === c.source && c.start <= g.span.start && g.span.end <= c.end);
    },
    baselineUnits: chunks.map((c) => ({ key: spanKey(c.source, c.start, c.end), text: c.text })),
  };
}
