import type { EvalReport } from './runEval.js';

const f = (x: number | null, digits = 4) => (x === null ? 'n/a' : x.toFixed(digits));

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
    `Timings: build ${r.timings.buildMs} ms, search ${r.timings.searchMsPerQuestion} ms/question, baseline ${r.timings.baselineMs} ms, ` +
      `abstention ${r.timings.abstentionMs === null ? 'n/a' : `${r.timings.abstentionMs} ms`}, total ${r.timings.totalMs} ms`,
  ];
  return `${lines.join('\n')}\n`;
}
