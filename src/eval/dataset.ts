import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../errors.js';

/**
 * Eval datasets in the format of the shared eval folder: `corpus.jsonl` (one passage a line) and
 * `questions.jsonl` (one question a line, with its gold passage or null when unanswerable).
 */
export interface EvalPassage {
  id: string;
  title: string;
  text: string;
}

export interface EvalQuestion {
  id: string;
  question: string;
  answerable: boolean;
  /** Gold passage for answerable questions; null otherwise. */
  passageId: string | null;
  /** Optional: the exact text the gold passage must contain at the hit (the seed gold set's sentence). */
  answers: string[];
  /** Where each answer starts in the gold passage (training data has them; eval data may not). */
  answerStarts?: number[];
  /** The passage the question was written against (for unanswerable questions: the near miss). */
  sourcePassageId?: string;
}

export interface EvalDataset {
  name: string;
  passages: EvalPassage[];
  questions: EvalQuestion[];
}

async function readJsonl(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UserInputError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new UserInputError(`${file}:${i + 1} is not valid JSON`);
      }
    });
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new UserInputError(`${what} must be a string`);
  return value;
}

export async function loadDataset(dir: string): Promise<EvalDataset> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new UserInputError(`Dataset folder ${dir} does not exist`);
  const corpusFile = path.join(dir, 'corpus.jsonl');
  const questionsFile = path.join(dir, 'questions.jsonl');
  const passages = (await readJsonl(corpusFile)).map((raw, i) => {
    const p = raw as Record<string, unknown>;
    const where = `${corpusFile} line ${i + 1}`;
    return { id: str(p?.id, `${where}: id`), title: typeof p.title === 'string' ? p.title : '', text: str(p.text, `${where}: text`) };
  });
  const ids = new Set(passages.map((p) => p.id));
  if (ids.size !== passages.length) throw new UserInputError(`${corpusFile} has duplicate passage ids`);
  const questions = (await readJsonl(questionsFile)).map((raw, i) => {
    const q = raw as Record<string, unknown>;
    const where = `${questionsFile} line ${i + 1}`;
    const answerable = q?.answerable === true;
    const passageId = answerable ? str(q.passage_id, `${where}: passage_id`) : null;
    if (passageId !== null && !ids.has(passageId)) throw new UserInputError(`${where}: unknown passage ${passageId}`);
    const answers = Array.isArray(q.answers) ? q.answers.filter((a): a is string => typeof a === 'string') : [];
    const answerStarts = Array.isArray(q.answer_starts) && q.answer_starts.every((n) => Number.isInteger(n)) ? (q.answer_starts as number[]) : undefined;
    const sourcePassageId = typeof q.source_passage_id === 'string' && ids.has(q.source_passage_id) ? q.source_passage_id : (passageId ?? undefined);
    const id = typeof q.id === 'string' ? q.id : String(i);
    return { id, question: str(q.question, `${where}: question`), answerable, passageId, answers, answerStarts, sourcePassageId };
  });
  if (passages.length === 0 || questions.length === 0) throw new UserInputError(`Dataset ${dir} is empty`);
  return { name: path.basename(path.resolve(dir)), passages, questions };
}
