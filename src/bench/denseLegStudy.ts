import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { segmentDocument } from '../chunk/chunker.js';
import { loadCoreConfig } from '../config.js';
import { loadDataset } from '../eval/dataset.js';
import { buildKnowledgeBase } from '../eval/runEval.js';
import { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { retrievalOptions } from '../store/openKnowledgeBase.js';
import { seededRandom } from '../util/random.js';

/**
 * What HNSW's `ef` costs and buys in the hybrid search, measured on the TRAINING sets only (../shared/train: the
 * IDK-MRC, SQuAD 2.0 and FacQA passages as one briefing, their questions as queries), never on ../shared/eval:
 * for each ef, the share of questions whose hybrid top 5 is exactly the one at ef 200 (the old default), passage
 * MRR@10 on answerable questions, and the p50 of the dense leg and of the whole search.
 * `node dist/src/bench/denseLegStudy.js [questions] [ef/candidates,…]` (e.g. `1000 40/40,10/10`)
 */
const TRAIN_SETS = ['idk_mrc_train', 'squad2_train_en', 'facqa_train'];

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function denseLegStudy(rootDir: string, questionCount: number, settings: { ef: number; dense?: number }[]): Promise<string> {
  const trainDir = path.resolve(rootDir, '../shared/train');
  const sets = await Promise.all(TRAIN_SETS.map((name) => loadDataset(path.join(trainDir, name))));
  const documents = sets.flatMap((set) => set.passages.map((p) => segmentDocument({ source: `${set.name}/${p.id}`, title: p.title, content: p.text })));
  const random = seededRandom(11);
  const questions = sets
    .flatMap((set) => set.questions.map((q) => ({ text: q.question, gold: q.passageId ? `${set.name}/${q.passageId}` : null })))
    .map((q) => ({ q, key: random() }))
    .sort((a, b) => a.key - b.key)
    .slice(0, questionCount)
    .map(({ q }) => q);
  // The environment's chunking and HNSW settings (CHUNK_SIZE, HNSW_M, …), always the offline embedder.
  const config = loadCoreConfig({ ...process.env, EMBEDDINGS_PROVIDER: 'hashing', EMBEDDINGS_MODEL: undefined }, rootDir);
  const base = await buildKnowledgeBase(documents, config);
  const lines = [`${documents.length} passages, ${base.size} chunks, ${questions.length} questions (training sets only)`, '', '| ef | dense candidates | top-5 same as ef 200, 40 candidates | MRR@10 (answerable) | dense leg p50 ms | search p50 ms |', '| ---: | ---: | ---: | ---: | ---: | ---: |'];
  let reference: string[][] | null = null;
  for (const { ef, dense } of [{ ef: 200 }, ...settings]) {
    const kb = new KnowledgeBase(base.documents, base.chunks, base.vectors, base.embeddings, { ...retrievalOptions(config), hnswEf: ef, denseCandidates: dense }, base.pointOf, base.lexical);
    const tops: string[][] = [];
    const denseMs: number[] = [];
    const searchMs: number[] = [];
    let reciprocal = 0;
    let answerable = 0;
    for (const q of questions) {
      const vector = await kb.embeddings.embedQuery(q.text);
      let t = performance.now();
      await kb.denseSearch(vector, dense ?? 40);
      denseMs.push(performance.now() - t);
      t = performance.now();
      const hits = await kb.search(q.text, { k: 10 });
      searchMs.push(performance.now() - t);
      tops.push(hits.slice(0, 5).map((h) => h.chunk.id));
      if (q.gold) {
        answerable++;
        const rank = hits.findIndex((h) => h.chunk.source === q.gold);
        if (rank >= 0) reciprocal += 1 / (rank + 1);
      }
    }
    reference ??= tops;
    const same = tops.filter((top, i) => top.join() === reference![i].join()).length / tops.length;
    lines.push(`| ${ef} | ${dense ?? 40} | ${same.toFixed(3)} | ${(reciprocal / Math.max(answerable, 1)).toFixed(4)} | ${p50(denseMs).toFixed(2)} | ${p50(searchMs).toFixed(2)} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const count = Number(process.argv[2] ?? 1000);
  const settings = (process.argv[3] ?? '100/40,40/40,20/20,10/10').split(',').map((s) => {
    const [ef, dense] = s.split('/').map(Number);
    return { ef, dense: dense || undefined };
  });
  denseLegStudy(process.cwd(), count, settings).then((out) => console.log(out), (error) => {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  });
}
