import { existsSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { splitSentences } from '../text/sentences.js';
import { isProse } from '../summary/candidates.js';
import { seededRandom as random } from '../util/random.js';

/**
 * Synthetic multi-document briefings for tests and benchmarks: news-like documents made of real sentences
 * recombined from the shared eval corpora (Indonesian IDK-MRC and English SQuAD passages), each with a
 * "date YYYY-MM-DD Photo : …" header like the seed's. Deterministic for a given seed number.
 */
export interface SyntheticOptions {
  documents: number;
  /** Folder holding idk_mrc_id/ and squad2_en/ (default: ../shared/eval from the project root). */
  evalDir?: string;
  seed?: number;
  /** First date; documents are spread over the following days. */
  startDate?: string;
}

export interface SyntheticDocument {
  /** Relative file name, e.g. "synthetic/doc-0001.txt". */
  file: string;
  date: string;
  content: string;
}

/** Passages as lists of prose sentences, from every corpus.jsonl found. */
function loadPassages(evalDir: string): string[][] {
  const passages: string[][] = [];
  for (const corpus of ['idk_mrc_id', 'squad2_en']) {
    const file = path.join(evalDir, corpus, 'corpus.jsonl');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const text = (JSON.parse(line) as { text: string }).text.replace(/\s+/g, ' ').trim();
      const sentences = splitSentences(text).map((s) => text.slice(s.start, s.end)).filter(isProse);
      if (sentences.length >= 2) passages.push(sentences);
    }
  }
  return passages;
}

/** Without the eval data: sentences from a tiny template grammar, still varied enough to rank. */
function templatePassages(rand: () => number): string[][] {
  const subjects = ['The council', 'The ministry', 'Local farmers', 'The central bank', 'Researchers', 'The port authority'];
  const verbs = ['announced', 'reviewed', 'postponed', 'approved', 'criticised', 'expanded'];
  const objects = ['a new irrigation plan', 'the rail project', 'interest rates', 'a vaccine trial', 'the fishing quota', 'school budgets'];
  const tails = ['after a long debate.', 'despite strong protests.', 'for the coming year.', 'in the northern provinces.'];
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: 60 }, () => Array.from({ length: 6 }, () => `${pick(subjects)} ${pick(verbs)} ${pick(objects)} ${pick(tails)}`));
}

export function generateSyntheticBriefing(options: SyntheticOptions): SyntheticDocument[] {
  const rand = random(options.seed ?? 42);
  const evalDir = options.evalDir ?? path.resolve(process.cwd(), '../shared/eval');
  let passages = loadPassages(evalDir);
  if (passages.length === 0) passages = templatePassages(rand);
  const start = Date.parse(`${options.startDate ?? '2020-01-01'}T00:00:00Z`);
  const docs: SyntheticDocument[] = [];
  for (let i = 0; i < options.documents; i++) {
    // A main story (consecutive sentences of one passage) and a second one, as news items often carry.
    const main = passages[Math.floor(rand() * passages.length)];
    const side = passages[Math.floor(rand() * passages.length)];
    const sentences = [...main.slice(0, 4 + Math.floor(rand() * 5)), ...side.slice(0, 2 + Math.floor(rand() * 3))];
    const date = new Date(start + Math.floor(rand() * 365) * 86_400_000).toISOString().slice(0, 10);
    const number = String(i + 1).padStart(4, '0');
    docs.push({ file: `synthetic/doc-${number}.txt`, date, content: ` date ${date} Photo : Synthetic\n\n${sentences.join(' ')}\n` });
  }
  return docs;
}

/** Writes the documents under `seedsDir`. */
export async function writeSyntheticBriefing(seedsDir: string, docs: SyntheticDocument[]): Promise<void> {
  for (const doc of docs) {
    const file = path.join(seedsDir, doc.file);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, doc.content);
  }
}
