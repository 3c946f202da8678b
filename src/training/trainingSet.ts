import { gatherEvidence, type Evidence } from '../answer/evidence.js';
import { loadAnswerConfig } from '../answer/config.js';
import type { CoreConfig } from '../config.js';
import { loadDataset, type EvalQuestion } from '../eval/dataset.js';
import { buildKnowledgeBase, passageTask } from '../eval/runEval.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { detectLanguage } from '../text/language.js';

/** A gold answer as exact offsets into its passage. */
export interface GoldSpan {
  source: string;
  start: number;
  end: number;
}

/** One training question with what the engine retrieves for it, exactly as at run time. */
export interface TrainingQuestion {
  dataset: string;
  question: EvalQuestion;
  gold: GoldSpan[];
  /** Cross-validation fold, by passage, so the questions of one passage never straddle folds. */
  fold: number;
  evidence: Evidence;
  kb: KnowledgeBase;
}

/** FNV-1a of the passage id: a stable fold assignment. */
function foldOf(key: string, folds: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % folds;
}

/** Answer spans trimmed of surrounding spaces and punctuation, so they line up with candidate spans. */
function goldSpans(q: EvalQuestion, passageText: string): GoldSpan[] {
  if (!q.answerable || !q.passageId || !q.answerStarts) return [];
  return q.answers.flatMap((answer, i) => {
    const at = q.answerStarts?.[i];
    if (at === undefined || passageText.slice(at, at + answer.length) !== answer) return [];
    const lead = answer.length - answer.replace(/^[\s\p{P}]+/u, '').length;
    // Trailing punctuation goes, except a bracket closing one the answer opened ("Selasa (14/01/20)").
    const balanced = /\([^()]*\)$/.test(answer);
    const trail = balanced ? answer.length - answer.replace(/\s+$/u, '').length : answer.length - answer.replace(/[\s\p{P}]+$/u, '').length;
    if (lead + trail >= answer.length) return [];
    return [{ source: q.passageId!, start: at + lead, end: at + answer.length - trail }];
  });
}

export interface LoadOptions {
  config: CoreConfig;
  folds: number;
  /** At most this many questions per dataset (a seeded, passage-grouped slice), for quick runs and tests. */
  limit?: number;
  onProgress?: (dataset: string, done: number, total: number) => void;
}

export interface LoadedDataset {
  name: string;
  kb: KnowledgeBase;
  questions: TrainingQuestion[];
}

/**
 * Off-topic negatives: answerable questions of other datasets asked over this one's passages, labelled
 * unanswerable. The near-miss questions of SQuAD 2.0 and IDK-MRC never show the answerability model a question
 * the briefing has nothing about ("How do I make nasi goreng?"), which is the commonest kind in a Discord server.
 */
export async function offTopicQuestions(target: LoadedDataset, others: readonly LoadedDataset[], perSource: number, folds: number): Promise<TrainingQuestion[]> {
  const k = loadAnswerConfig({}).retrieveK;
  const out: TrainingQuestion[] = [];
  for (const other of others) {
    if (other.name === target.name) continue;
    const picked = other.questions.filter((q) => q.question.answerable).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / perSource)) === 0).slice(0, perSource);
    for (const source of picked) {
      const q: EvalQuestion = { ...source.question, id: `${source.question.id}@${target.name}`, answerable: false, passageId: null, answers: [], answerStarts: [] };
      const evidence = await gatherEvidence(target.kb, q.question, detectLanguage(q.question), { k });
      out.push({ dataset: `${target.name}+offtopic`, question: q, gold: [], fold: foldOf(q.id, folds), evidence, kb: target.kb });
    }
  }
  return out;
}

/** Loads a training folder, indexes its passages as the eval does, and retrieves evidence for every question. */
export async function loadTrainingQuestions(dir: string, options: LoadOptions): Promise<TrainingQuestion[]> {
  return (await loadTrainingDataset(dir, options)).questions;
}

export async function loadTrainingDataset(dir: string, options: LoadOptions): Promise<LoadedDataset> {
  const dataset = await loadDataset(dir);
  let questions = dataset.questions;
  let passages = dataset.passages;
  if (options.limit && questions.length > options.limit) {
    // A slice of whole passages, chosen by hash: the same every run.
    const ordered = [...passages].sort((a, b) => foldOf(a.id, 1_000_003) - foldOf(b.id, 1_000_003));
    const keep = new Set<string>();
    let count = 0;
    const perPassage = new Map<string, number>();
    for (const q of questions) perPassage.set(q.sourcePassageId ?? '', (perPassage.get(q.sourcePassageId ?? '') ?? 0) + 1);
    for (const p of ordered) {
      if (count >= options.limit) break;
      keep.add(p.id);
      count += perPassage.get(p.id) ?? 0;
    }
    passages = passages.filter((p) => keep.has(p.id));
    questions = questions.filter((q) => keep.has(q.sourcePassageId ?? ''));
  }
  const task = passageTask({ ...dataset, passages, questions });
  const kb = await buildKnowledgeBase(task.documents, options.config);
  const textOf = new Map(passages.map((p) => [p.id, p.text]));
  const k = loadAnswerConfig({}).retrieveK;
  const out: TrainingQuestion[] = [];
  for (const [i, q] of questions.entries()) {
    const evidence = await gatherEvidence(kb, q.question, detectLanguage(q.question), { k });
    const gold = q.passageId ? goldSpans(q, textOf.get(q.passageId) ?? '') : [];
    out.push({ dataset: dataset.name, question: q, gold, fold: foldOf(q.sourcePassageId ?? q.id, options.folds), evidence, kb });
    if (i % 200 === 0) options.onProgress?.(dataset.name, i, questions.length);
  }
  return { name: dataset.name, kb, questions: out };
}
