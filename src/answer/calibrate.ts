/**
 * Calibrates the abstention confidence on the shared eval sets (IDK-MRC, SQuAD 2.0), reproducibly:
 *   npx tsx src/answer/calibrate.ts [--fit] [--threshold 0.5]
 * For each question it gathers evidence exactly as `ask` does (one passage = one document). Each set's
 * passages are split in two halves by a hash of the passage id (a passage's questions stay together): the
 * model is fitted on the training halves of both sets pooled and reported on the held-out halves. Per set
 * and half it prints the AUROC of the confidence (answerable vs unanswerable), abstention precision/recall at
 * the threshold, how many answerable questions are answered, and how often the best sentence holds a gold
 * answer; then the seed check (gold sentences cited, seed-unanswerable questions abstained).
 * `--fit` refits the logistic weights and the balanced threshold and prints them for confidence.ts/config.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { segmentDocument } from '../chunk/chunker.js';
import { loadCoreConfig } from '../config.js';
import { createEmbeddings } from '../embed/providers.js';
import { KnowledgeBase, type KnowledgeBase as Kb } from '../retrieve/knowledgeBase.js';
import { loadSeeds } from '../seeds/loadSeeds.js';
import { retrievalOptions } from '../store/openKnowledgeBase.js';
import { detectLanguage } from '../text/language.js';
import { CONFIDENCE_MODEL, FEATURE_NAMES, confidenceFeatures, logistic, type LogisticModel } from './confidence.js';
import { loadAnswerConfig, DEFAULT_MIN_CONFIDENCE } from './config.js';
import { AnswerEngine } from './engine.js';
import { HashingEmbeddings } from '../embed/hashingEmbeddings.js';
import { loadEvalCorpus } from './evalCorpus.js';
import { gatherEvidence } from './evidence.js';
import { abstentionPrecisionRecall, auroc } from './metrics.js';
import { sentenceStats } from './sentenceStats.js';

interface Row {
  set: string;
  /** An answerable question asked over the other half's passages only: off-topic, so it should abstain. */
  offTopic: boolean;
  half: 'train' | 'test';
  features: number[];
  answerable: boolean;
  sentenceHit: boolean;
}

function evalDir(): string {
  const candidates = [process.env.EVAL_DIR, path.resolve('../shared/eval'), '/work/shared/eval'].filter(Boolean) as string[];
  const found = candidates.find((d) => existsSync(path.join(d, 'squad2_en')));
  if (!found) throw new Error('eval data not found (set EVAL_DIR)');
  return found;
}

/** Passages (with all their questions) go to one half by the parity of the first byte of sha256(passage id). */
export function halfOf(passageId: string): 'train' | 'test' {
  return createHash('sha256').update(passageId).digest()[0] % 2 === 0 ? 'train' : 'test';
}

async function featuresOf(kb: Kb, question: string): Promise<{ features: number[]; best: string }> {
  const evidence = await gatherEvidence(kb, question, detectLanguage(question), { k: loadAnswerConfig({}).retrieveK });
  const best = evidence.ranked[0];
  return { features: confidenceFeatures(kb, sentenceStats(kb), evidence.analysis, best), best: best?.text.toLowerCase() ?? '' };
}

/** A knowledge base over the passages of one half only, built the way loadEvalCorpus builds the whole set. */
async function halfKb(kb: Kb, half: 'train' | 'test'): Promise<Kb> {
  const config = loadCoreConfig({ EMBEDDINGS_PROVIDER: 'hashing' });
  return KnowledgeBase.build(
    kb.documents.filter((d) => halfOf(d.source) === half),
    new HashingEmbeddings({ dimensions: config.embeddings.dimensions }),
    { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences },
    retrievalOptions(config),
  );
}

async function collect(set: string): Promise<Row[]> {
  const { kb, questions } = await loadEvalCorpus(path.join(evalDir(), set));
  const other = { train: await halfKb(kb, 'test'), test: await halfKb(kb, 'train') };
  const rows: Row[] = [];
  for (const q of questions) {
    const half = halfOf(q.source_passage_id);
    const { features, best } = await featuresOf(kb, q.question);
    rows.push({ set, offTopic: false, half, features, answerable: q.answerable, sentenceHit: q.answerable && q.answers.some((a) => best.includes(a.toLowerCase())) });
    // Off-topic negatives: the eval sets hold only near-miss unanswerables, while users also ask about things
    // the briefing never touches ("the capital of Australia"). An answerable question over passages that
    // exclude its own is such a question.
    if (q.answerable) rows.push({ set, offTopic: true, half, features: (await featuresOf(other[half], q.question)).features, answerable: false, sentenceHit: false });
  }
  return rows;
}

/** Off-topic negatives weigh this much relative to the near-miss ones (they are easy; the near misses are the task). */
const OFF_TOPIC_WEIGHT = 0.5;

/** Each set contributes equally, and the two classes equally within it (off-topic negatives on top, lighter). */
function sampleWeights(rows: Row[]): number[] {
  const count = new Map<string, number>();
  const key = (r: Row) => `${r.set}/${r.answerable}/${r.offTopic}`;
  for (const r of rows) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
  return rows.map((r) => (r.offTopic ? OFF_TOPIC_WEIGHT : 1) / count.get(key(r))!);
}

/** Solves A x = b (small, symmetric positive definite) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/** L2-regularised logistic regression by Newton's method (IRLS); the bias is not penalised. */
export function fitLogistic(features: number[][], labels: boolean[], weights: number[], l2 = 1): LogisticModel {
  const d = features[0]?.length ?? 0;
  const total = weights.reduce((s, w) => s + w, 0);
  const w = weights.map((x) => (x / total) * features.length); // mean weight 1, so l2 is per-example scale
  let beta = new Array<number>(d + 1).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    features.forEach((f, i) => {
      const x = [1, ...f];
      const p = logistic(f, { bias: beta[0], weights: beta.slice(1) });
      const err = (p - (labels[i] ? 1 : 0)) * w[i];
      const curv = p * (1 - p) * w[i];
      for (let j = 0; j <= d; j++) {
        grad[j] += err * x[j];
        for (let k = 0; k <= d; k++) hess[j][k] += curv * x[j] * x[k];
      }
    });
    for (let j = 1; j <= d; j++) {
      grad[j] += l2 * beta[j];
      hess[j][j] += l2;
    }
    const step = solve(hess, grad);
    beta = beta.map((b, j) => b - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { bias: beta[0], weights: beta.slice(1) };
}

/** Balanced accuracy of "abstain below t" (mean of abstention recall and answered rate), averaged over sets. */
function balancedAccuracy(rows: Row[], model: LogisticModel, t: number): number {
  const sets = [...new Set(rows.map((r) => r.set))];
  return (
    sets.reduce((sum, set) => {
      const subset = rows.filter((r) => r.set === set && !r.offTopic);
      const unans = subset.filter((r) => !r.answerable);
      const ans = subset.filter((r) => r.answerable);
      const abstainRecall = unans.filter((r) => logistic(r.features, model) < t).length / unans.length;
      const answered = ans.filter((r) => logistic(r.features, model) >= t).length / ans.length;
      return sum + (abstainRecall + answered) / 2;
    }, 0) / sets.length
  );
}

function bestThreshold(rows: Row[], model: LogisticModel): number {
  let best = { t: 0.5, score: -1 };
  for (let t = 0.2; t <= 0.8 + 1e-9; t += 0.01) {
    const score = balancedAccuracy(rows, model, t);
    if (score > best.score) best = { t: Math.round(t * 100) / 100, score };
  }
  return best.t;
}

function report(rows: Row[], model: LogisticModel, threshold: number): void {
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    for (const half of ['train', 'test', 'all'] as const) {
      const subset = rows.filter((r) => r.set === set && !r.offTopic && (half === 'all' || r.half === half));
      const conf = subset.map((r) => logistic(r.features, model));
      const answerable = subset.map((r) => r.answerable);
      const { precision, recall } = abstentionPrecisionRecall(conf, answerable, threshold);
      const nAns = answerable.filter(Boolean).length;
      const answered = subset.filter((r, i) => r.answerable && conf[i] >= threshold).length;
      const hits = subset.filter((r) => r.sentenceHit).length;
      console.log(
        `${set} ${half.padEnd(5)}: AUROC ${auroc(conf, answerable).toFixed(3)} | abstention precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} @${threshold}` +
          ` | answerable answered ${(answered / nAns).toFixed(3)} | best sentence holds gold ${(hits / nAns).toFixed(3)} (${subset.length} q)`,
      );
    }
    const offTopic = rows.filter((r) => r.set === set && r.offTopic);
    const offTest = offTopic.filter((r) => r.half === 'test');
    const abstains = (list: Row[]) => (list.filter((r) => logistic(r.features, model) < threshold).length / list.length).toFixed(3);
    console.log(`  off-topic (answerable questions over the other half's passages) abstained: test ${abstains(offTest)}, all ${abstains(offTopic)}`);
    const subset = rows.filter((r) => r.set === set && !r.offTopic);
    const line = FEATURE_NAMES.map((name, j) => `${name} ${auroc(subset.map((r) => r.features[j]), subset.map((r) => r.answerable)).toFixed(3)}`);
    console.log(`  single-feature AUROC: ${line.join(', ')}`);
  }
}

/** The seed briefing with its gold and unanswerable fixtures: sentences cited, and abstentions, at the threshold. */
async function seedCheck(model: LogisticModel, threshold: number): Promise<void> {
  const fixtures = path.resolve('tests/fixtures');
  if (!existsSync(path.join(fixtures, 'seed-gold.json'))) return;
  const config = loadCoreConfig({ EMBEDDINGS_PROVIDER: 'hashing' }, path.resolve('.'));
  const scan = await loadSeeds(config.seedsDir, config.seedMaxBytes, config.rootDir);
  const documents = scan.documents.map((d) => segmentDocument({ source: d.source, title: d.title, date: d.date, content: d.content, bodyStart: d.bodyStart }));
  const kb = await KnowledgeBase.build(
    documents,
    await createEmbeddings(config.embeddings),
    { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences },
    retrievalOptions(config),
  );
  const answerAll = new AnswerEngine(() => kb, { config: loadAnswerConfig({ ANSWER_MIN_CONFIDENCE: '0' }) });
  const gold = JSON.parse(readFileSync(path.join(fixtures, 'seed-gold.json'), 'utf8')) as { question: string; lang: 'id' | 'en'; answer: string }[];
  const right = { id: 0, en: 0 };
  const total = { id: 0, en: 0 };
  const missed: string[] = [];
  for (const g of gold) {
    const confidence = logistic((await featuresOf(kb, g.question)).features, model);
    const r = await answerAll.ask(g.question);
    total[g.lang]++;
    if (confidence >= threshold && r.citations.some((c) => c.quote.includes(g.answer))) right[g.lang]++;
    else missed.push(`${confidence.toFixed(2)} ${g.question}`);
  }
  console.log(`seed gold: right sentence id ${right.id}/${total.id} (${(right.id / total.id).toFixed(3)}), en ${right.en}/${total.en} (${(right.en / total.en).toFixed(3)})`);
  for (const m of missed) console.log(`  missed: ${m}`);
  const unanswerable = JSON.parse(readFileSync(path.join(fixtures, 'seed-unanswerable.json'), 'utf8')) as { question: string }[];
  for (const u of unanswerable) {
    const confidence = logistic((await featuresOf(kb, u.question)).features, model);
    console.log(`  seed-unanswerable ${confidence < threshold ? 'abstains' : 'ANSWERS '} ${confidence.toFixed(2)} ${u.question}`);
  }
}

function nearMissOnly(rows: Row[]): [number[][], boolean[], number[]] {
  const kept = rows.filter((r) => !r.offTopic);
  return [kept.map((r) => r.features), kept.map((r) => r.answerable), sampleWeights(kept)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const t = args.indexOf('--threshold');
  let threshold = t >= 0 ? Number(args[t + 1]) : DEFAULT_MIN_CONFIDENCE;
  const rows = [...(await collect('idk_mrc_id')), ...(await collect('squad2_en'))];
  let model = CONFIDENCE_MODEL;
  if (args.includes('--fit')) {
    const train = rows.filter((r) => r.half === 'train');
    const fitted = fitLogistic(train.map((r) => r.features), train.map((r) => r.answerable), sampleWeights(train));
    if (args.includes('--no-off-topic')) Object.assign(fitted, fitLogistic(...nearMissOnly(train)));
    model = { bias: Number(fitted.bias.toFixed(3)), weights: fitted.weights.map((w) => Number(w.toFixed(3))) };
    console.log(`fitted on the training halves: ${JSON.stringify(model)} (features ${FEATURE_NAMES.join(', ')})`);
    if (t < 0) threshold = bestThreshold(train, model);
    console.log(`threshold maximising balanced accuracy on the training halves: ${bestThreshold(train, model)}`);
    const curve = [0.25, 0.3, 0.33, 0.35, 0.4, 0.45, 0.5].map((x) => `${x}: ${balancedAccuracy(train, model, x).toFixed(3)}`);
    console.log(`  balanced accuracy (train halves) at ${curve.join(', ')}`);
  } else {
    console.log(`current model ${JSON.stringify(model)} (features ${FEATURE_NAMES.join(', ')})`);
  }
  report(rows, model, threshold);
  await seedCheck(model, threshold);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
