import { performance } from 'node:perf_hooks';
import type { CoreConfig } from '../config.js';
import { segmentDocument, type IndexedDocument } from '../chunk/chunker.js';
import { createEmbeddings } from '../embed/providers.js';
import { KnowledgeBase, type SearchHit } from '../retrieve/knowledgeBase.js';
import { retrievalOptions } from '../store/openKnowledgeBase.js';
import { Bm25Baseline } from './bm25Baseline.js';
import type { EvalDataset, EvalQuestion } from './dataset.js';
import { readerMetrics, type EvalAnswer, type ReaderMetrics } from './readerMetrics.js';
import { auroc, dedupeInOrder, precisionRecall, rankOf, retrievalMetrics, type RetrievalMetrics } from './metrics.js';

/** Ranks are scored to 10 (MRR@10); chunks are fetched generously so enough distinct passages remain. */
const RANK_DEPTH = 10;
const CHUNK_DEPTH = 30;

/** What the eval needs of an answer engine: an answer reduced to what the metrics score. */
export interface Answerer {
  inspect(question: string, options?: { source?: string }): Promise<EvalAnswer>;
}

/** The engine as shipped, and the first engine (v1) for the same-run comparison. */
export type AnswererFactory = (kb: KnowledgeBase, config: CoreConfig) => Promise<{ current: Answerer; v1: Answerer } | null>;

export interface EvalReport {
  dataset: string;
  passages: number;
  questions: number;
  retrieval: RetrievalMetrics;
  baseline_bm25: RetrievalMetrics;
  /** Our figure divided by the baseline's, per metric. */
  ratio: RetrievalMetrics;
  /** The hybrid's two parts alone, same run: the fusion should not be worse than the better one. */
  components: { lexical: RetrievalMetrics; dense: RetrievalMetrics };
  abstention: { auroc: number | null; precision: number | null; recall: number | null };
  /** The trained reader, and the first engine in the same run (issue 9); null for the seed gold set. */
  reader: ReaderMetrics | null;
  reader_v1: ReaderMetrics | null;
  /** Extra detail: answerable/unanswerable counts and chunk count. */
  detail: { answerable: number; unanswerable: number; chunks: number; abstentionEngine: string };
  timings: { buildMs: number; searchMsPerQuestion: number; baselineMs: number; abstentionMs: number | null; readerMs: number | null; totalMs: number };
}

export interface EvalOptions {
  config: CoreConfig;
  answerer?: AnswererFactory;
  onProgress?: (done: number, total: number) => void;
}

/**
 * How a dataset is scored. For the shared sets each passage is a document and a hit counts at passage level;
 * for the seed gold set the documents are the seeds and a hit is a chunk holding the answering sentence.
 */
export interface EvalTask {
  dataset: EvalDataset;
  documents: IndexedDocument[];
  /** Ranked hits → ranked keys (passage ids, or chunk ids), best first, deduplicated. */
  keysOf(hits: SearchHit[]): string[];
  /** Is this key a correct answer for the question? */
  isGold(question: EvalQuestion, key: string): boolean;
  /** The baseline's texts and their keys, ranked the same way. */
  baselineUnits: { key: string; text: string }[];
  /** The source holding the passage a question was written against (its gold passage), where there is one. */
  goldSourceOf?(question: EvalQuestion): string | undefined;
}

export function passageTask(dataset: EvalDataset): EvalTask {
  return {
    dataset,
    documents: dataset.passages.map((p) => segmentDocument({ source: p.id, title: p.title, content: p.text })),
    keysOf: (hits) => dedupeInOrder(hits.map((h) => h.chunk.source)),
    isGold: (q, key) => q.passageId === key,
    baselineUnits: dataset.passages.map((p) => ({ key: p.id, text: p.text })),
    goldSourceOf: (q) => q.sourcePassageId ?? q.passageId ?? undefined,
  };
}

function round(value: number | null, digits = 4): number | null {
  return value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}

function roundMetrics(m: RetrievalMetrics): RetrievalMetrics {
  return { 'recall@1': round(m['recall@1'])!, 'recall@5': round(m['recall@5'])!, 'mrr@10': round(m['mrr@10'])! };
}

export async function buildKnowledgeBase(documents: IndexedDocument[], config: CoreConfig): Promise<KnowledgeBase> {
  const embeddings = await createEmbeddings(config.embeddings);
  const chunking = { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences };
  return KnowledgeBase.build(documents, embeddings, chunking, retrievalOptions(config));
}

export async function runEval(task: EvalTask, options: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const { dataset } = task;
  const answerable = dataset.questions.filter((q) => q.answerable);
  const engineWork = options.answerer ? dataset.questions.length * (task.goldSourceOf ? 4 : 1) : 0;
  const totalWork = answerable.length * 3 + engineWork;
  let done = 0;
  const tick = () => options.onProgress?.(++done, totalWork);

  const buildStart = performance.now();
  const kb = await buildKnowledgeBase(task.documents, options.config);
  const buildMs = performance.now() - buildStart;

  const searchStart = performance.now();
  const ranks: (number | null)[] = [];
  for (const q of answerable) {
    const hits = await kb.search(q.question, { k: CHUNK_DEPTH });
    ranks.push(rankOf(task.keysOf(hits).slice(0, RANK_DEPTH), (key) => task.isGold(q, key)));
    tick();
  }
  const searchMs = performance.now() - searchStart;

  const lexicalRanks: (number | null)[] = [];
  const denseRanks: (number | null)[] = [];
  const chunkHit = (index: number) => ({ chunk: kb.chunks[index] }) as SearchHit;
  for (const q of answerable) {
    const lexical = kb.lexicalSearch(q.question, CHUNK_DEPTH).map((h) => chunkHit(h.index));
    const dense = (await kb.denseSearch(q.question, CHUNK_DEPTH)).map((h) => chunkHit(h.index));
    lexicalRanks.push(rankOf(task.keysOf(lexical).slice(0, RANK_DEPTH), (key) => task.isGold(q, key)));
    denseRanks.push(rankOf(task.keysOf(dense).slice(0, RANK_DEPTH), (key) => task.isGold(q, key)));
    tick();
  }

  const baselineStart = performance.now();
  const bm25 = new Bm25Baseline(task.baselineUnits.map((u) => u.text));
  const baselineRanks = answerable.map((q) => {
    const keys = dedupeInOrder(bm25.rank(q.question, CHUNK_DEPTH).map((i) => task.baselineUnits[i].key));
    tick();
    return rankOf(keys.slice(0, RANK_DEPTH), (key) => task.isGold(q, key));
  });
  const baselineMs = performance.now() - baselineStart;

  let abstention: EvalReport['abstention'] = { auroc: null, precision: null, recall: null };
  let abstentionMs: number | null = null;
  let readerMs: number | null = null;
  let reader: ReaderMetrics | null = null;
  let readerV1: ReaderMetrics | null = null;
  let engineName = 'none (answer engine not available)';
  const engines = options.answerer ? await options.answerer(kb, options.config) : null;
  if (engines) {
    engineName = 'AnswerEngine';
    const abstentionStart = performance.now();
    const endToEnd: EvalAnswer[] = [];
    for (const q of dataset.questions) {
      endToEnd.push(await engines.current.inspect(q.question));
      tick();
    }
    abstentionMs = performance.now() - abstentionStart;
    const isAnswerable = dataset.questions.map((q) => q.answerable);
    const pr = precisionRecall(endToEnd.map((a) => a.abstained), isAnswerable.map((a) => !a));
    abstention = { auroc: round(auroc(endToEnd.map((a) => a.confidence), isAnswerable)), precision: round(pr.precision), recall: round(pr.recall) };
    if (task.goldSourceOf) {
      const readerStart = performance.now();
      const goldOf = task.goldSourceOf;
      const all = async (engine: Answerer, source: (q: EvalQuestion) => string | undefined) => {
        const out: EvalAnswer[] = [];
        for (const q of dataset.questions) {
          out.push(await engine.inspect(q.question, { source: source(q) }));
          tick();
        }
        return out;
      };
      reader = readerMetrics(dataset.questions, endToEnd, await all(engines.current, goldOf));
      readerV1 = readerMetrics(dataset.questions, await all(engines.v1, () => undefined), await all(engines.v1, goldOf));
      readerMs = performance.now() - readerStart;
    }
  }

  const retrieval = retrievalMetrics(ranks);
  const baseline = retrievalMetrics(baselineRanks);
  const ratio = (key: keyof RetrievalMetrics) => (baseline[key] > 0 ? retrieval[key] / baseline[key] : 0);
  return {
    dataset: dataset.name,
    passages: dataset.passages.length,
    questions: dataset.questions.length,
    retrieval: roundMetrics(retrieval),
    baseline_bm25: roundMetrics(baseline),
    components: { lexical: roundMetrics(retrievalMetrics(lexicalRanks)), dense: roundMetrics(retrievalMetrics(denseRanks)) },
    ratio: roundMetrics({ 'recall@1': ratio('recall@1'), 'recall@5': ratio('recall@5'), 'mrr@10': ratio('mrr@10') }),
    abstention,
    reader,
    reader_v1: readerV1,
    detail: { answerable: answerable.length, unanswerable: dataset.questions.length - answerable.length, chunks: kb.size, abstentionEngine: engineName },
    timings: {
      buildMs: Math.round(buildMs),
      searchMsPerQuestion: round(answerable.length ? searchMs / answerable.length : 0, 3)!,
      baselineMs: Math.round(baselineMs),
      abstentionMs: abstentionMs === null ? null : Math.round(abstentionMs),
      readerMs: readerMs === null ? null : Math.round(readerMs),
      totalMs: Math.round(performance.now() - started),
    },
  };
}
