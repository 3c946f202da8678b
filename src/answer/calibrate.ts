/**
 * Calibrates the abstention confidence on the shared eval sets (IDK-MRC, SQuAD 2.0), reproducibly:
 *   npx tsx src/answer/calibrate.ts [--fit] [--threshold 0.5]
 * For each question it gathers evidence exactly as `ask` does (one passage = one document) and prints, per set:
 * AUROC of the confidence (answerable vs unanswerable), abstention precision/recall at the threshold, and how
 * often the best sentence holds a gold answer. `--fit` refits the logistic weights (both sets weighted equally)
 * and prints them for src/answer/confidence.ts.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { detectLanguage } from '../text/language.js';
import { CONFIDENCE_MODEL, FEATURE_NAMES, confidenceFeatures, logistic } from './confidence.js';
import { DEFAULT_MIN_CONFIDENCE } from './config.js';
import { loadEvalCorpus } from './evalCorpus.js';
import { gatherEvidence } from './evidence.js';
import { abstentionPrecisionRecall, auroc } from './metrics.js';

interface Row {
  set: string;
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

async function collect(set: string): Promise<Row[]> {
  const { kb, questions } = await loadEvalCorpus(path.join(evalDir(), set));
  const rows: Row[] = [];
  for (const q of questions) {
    const evidence = await gatherEvidence(kb, q.question, detectLanguage(q.question), { k: 6 });
    const best = evidence.ranked[0];
    const text = best?.text.toLowerCase() ?? '';
    rows.push({
      set,
      features: confidenceFeatures(best),
      answerable: q.answerable,
      sentenceHit: q.answerable && q.answers.some((a) => text.includes(a.toLowerCase())),
    });
  }
  return rows;
}

/** Logistic regression by gradient descent; each set contributes equally, and classes are balanced within it. */
function fit(rows: Row[]): { bias: number; weights: number[] } {
  const sets = [...new Set(rows.map((r) => r.set))];
  const sampleWeight = rows.map((r) => {
    const same = rows.filter((x) => x.set === r.set && x.answerable === r.answerable).length;
    return 1 / (sets.length * 2 * same);
  });
  let bias = 0;
  let weights = FEATURE_NAMES.map(() => 0);
  const l2 = 1e-3;
  for (let iter = 0; iter < 4000; iter++) {
    let gb = 0;
    const gw = weights.map(() => 0);
    rows.forEach((r, i) => {
      const err = (logistic(r.features, { bias, weights }) - (r.answerable ? 1 : 0)) * sampleWeight[i];
      gb += err;
      r.features.forEach((f, j) => (gw[j] += err * f));
    });
    bias -= 2 * gb;
    weights = weights.map((w, j) => w - 2 * (gw[j] + l2 * w));
  }
  return { bias, weights };
}

function report(rows: Row[], model: { bias: number; weights: number[] }, threshold: number): void {
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    const subset = rows.filter((r) => r.set === set);
    const conf = subset.map((r) => logistic(r.features, model));
    const answerable = subset.map((r) => r.answerable);
    const { precision, recall } = abstentionPrecisionRecall(conf, answerable, threshold);
    const answered = subset.filter((r, i) => r.answerable && conf[i] >= threshold).length;
    const hits = subset.filter((r) => r.sentenceHit).length;
    const nAns = answerable.filter(Boolean).length;
    console.log(
      `${set}: AUROC ${auroc(conf, answerable).toFixed(3)} | abstention precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} @${threshold}` +
        ` | answerable answered ${(answered / nAns).toFixed(3)} | best sentence holds gold answer ${(hits / nAns).toFixed(3)} (${subset.length} questions)`,
    );
    FEATURE_NAMES.forEach((name, j) => console.log(`  feature ${name}: AUROC ${auroc(subset.map((r) => r.features[j]), answerable).toFixed(3)}`));
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const t = args.indexOf('--threshold');
  const threshold = t >= 0 ? Number(args[t + 1]) : DEFAULT_MIN_CONFIDENCE;
  const rows = [...(await collect('idk_mrc_id')), ...(await collect('squad2_en'))];
  console.log(`current model ${JSON.stringify(CONFIDENCE_MODEL)}`);
  report(rows, CONFIDENCE_MODEL, threshold);
  if (args.includes('--fit')) {
    const model = fit(rows);
    const rounded = { bias: Number(model.bias.toFixed(3)), weights: model.weights.map((w) => Number(w.toFixed(3))) };
    console.log(`fitted model ${JSON.stringify(rounded)} (features ${FEATURE_NAMES.join(', ')})`);
    report(rows, rounded, threshold);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
