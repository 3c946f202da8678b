import type { ReaderMetrics } from './readerMetrics.js';
import type { EvalReport } from './runEval.js';

const f = (x: number | null, digits = 4) => (x === null ? 'n/a' : x.toFixed(digits));

const readerRow = (name: string, m: ReaderMetrics) =>
  `| ${name} | ${f(m.sentenceAt1, 3)} | ${f(m.shortPrecision, 3)} | ${f(m.shortCoverage, 3)} | ${f(m.abstainUnanswerable, 3)} | ${f(m.falseAbstain, 3)} | ${f(m.auroc, 3)} | ` +
  `${f(m.squad2.goldPassage.em, 1)} / ${f(m.squad2.goldPassage.f1, 1)} | ${f(m.squad2.endToEnd.em, 1)} / ${f(m.squad2.endToEnd.f1, 1)} |`;

/** The reader table: the trained reader and the first engine, same run. */
export function formatReaderTable(r: EvalReport): string[] {
  if (!r.reader || !r.reader_v1) return [];
  return [
    '| reader | sentence@1 | short precision | short coverage | unanswerable abstained | answerable refused | AUROC | SQuAD2 EM / F1, gold passage | EM / F1, end to end |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    readerRow('trained reader (v2)', r.reader),
    readerRow('first engine (v1)', r.reader_v1),
    '',
  ];
}

/** The eval report as a readable table (also used by BENCHMARKS.md). */
export function formatEvalReport(r: EvalReport): string {
  const lines = [
    `Dataset ${r.dataset}: ${r.passages} passages, ${r.questions} questions (${r.detail.answerable} answerable, ${r.detail.unanswerable} unanswerable), ${r.detail.chunks} chunks`,
    '',
    '| retrieval (answerable) | recall@1 | recall@5 | MRR@10 |',
    '| --- | ---: | ---: | ---: |',
    `| briefing-bot hybrid | ${f(r.retrieval['recall@1'])} | ${f(r.retrieval['recall@5'])} | ${f(r.retrieval['mrr@10'])} |`,
    `| plain BM25 baseline | ${f(r.baseline_bm25['recall@1'])} | ${f(r.baseline_bm25['recall@5'])} | ${f(r.baseline_bm25['mrr@10'])} |`,
    `| ratio hybrid ÷ baseline | ${f(r.ratio['recall@1'], 3)} | ${f(r.ratio['recall@5'], 3)} | ${f(r.ratio['mrr@10'], 3)} |`,
    `| component: lexical alone | ${f(r.components.lexical['recall@1'])} | ${f(r.components.lexical['recall@5'])} | ${f(r.components.lexical['mrr@10'])} |`,
    `| component: dense alone (HNSW) | ${f(r.components.dense['recall@1'])} | ${f(r.components.dense['recall@5'])} | ${f(r.components.dense['mrr@10'])} |`,
    '',
    `Abstention (${r.detail.abstentionEngine}, all questions): AUROC of confidence (answerable vs unanswerable) ${f(r.abstention.auroc)}, ` +
      `abstain precision ${f(r.abstention.precision)}, recall ${f(r.abstention.recall)} (positive class: unanswerable)`,
    '',
    ...formatReaderTable(r),
    `Timings: build ${r.timings.buildMs} ms, search ${r.timings.searchMsPerQuestion} ms/question, baseline ${r.timings.baselineMs} ms, ` +
      `abstention ${r.timings.abstentionMs === null ? 'n/a' : `${r.timings.abstentionMs} ms`}, reader ${r.timings.readerMs === null ? 'n/a' : `${r.timings.readerMs} ms`}, total ${r.timings.totalMs} ms`,
  ];
  return `${lines.join('\n')}\n`;
}
