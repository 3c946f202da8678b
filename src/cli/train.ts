import path from 'node:path';
import { Command } from 'commander';
import { loadCoreConfig } from '../config.js';
import { UserInputError } from '../errors.js';
import { DEFAULT_READER_FILE } from '../reader/modelFile.js';
import { trainReader } from '../training/trainReader.js';
import { loadTrainingDataset, offTopicQuestions, type LoadedDataset, type TrainingQuestion } from '../training/trainingSet.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { parseIntOption, runCli, strictCommand } from './common.js';

const DATASETS = ['idk_mrc_train', 'squad2_train_en', 'facqa_train'];
/** Off-topic negatives per other dataset, as a share of the smallest dataset's questions. */
const OFF_TOPIC_SHARE = 0.15;

/**
 * `npm run train [-- --limit N] [--out FILE]`: trains the reader (sentence ranker, span model, answerability)
 * on ../shared/train, seeded and reproducible, and writes models/reader.bin atomically.
 */
export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('train'))
    .description('Train the answer reader on ../shared/train and write models/reader.bin')
    .option('--data <dir>', 'training data folder', path.join('..', 'shared', 'train'))
    .option('--datasets <names>', 'comma-separated subfolders', DATASETS.join(','))
    .option('--limit <n>', 'at most this many questions per dataset (whole passages; for quick runs)', parseIntOption('--limit', 50, 1_000_000))
    .option('--folds <n>', 'cross-validation folds', parseIntOption('--folds', 2, 10), 2)
    .option('--seed <n>', 'random seed', parseIntOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--out <file>', 'where to write the model', DEFAULT_READER_FILE)
    .option('--json', 'print the training report as JSON')
    .allowExcessArguments(false);
  program.parse(args, { from: 'user' });
  const o = program.opts<{ data: string; datasets: string; limit?: number; folds: number; seed: number; out: string; json?: boolean }>();
  const names = o.datasets.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UserInputError('--datasets names no dataset');
  // The eval's offline configuration: hashing embeddings, the default chunking and fusion.
  const config = loadCoreConfig({ ...process.env, EMBEDDINGS_PROVIDER: 'hashing', EMBEDDINGS_MODEL: '' });
  const started = performance.now();
  const loaded: LoadedDataset[] = [];
  for (const name of names) {
    const dataset = await loadTrainingDataset(path.join(o.data, name), {
      config,
      folds: o.folds,
      limit: o.limit,
      onProgress: (dataset, done, total) => process.stderr.write(`train: ${dataset} ${done}/${total}\r`),
    });
    process.stderr.write(`train: ${name}: ${dataset.questions.length} questions retrieved\n`);
    loaded.push(dataset);
  }
  const questions: TrainingQuestion[] = loaded.flatMap((d) => d.questions);
  const perSource = Math.max(20, Math.round(OFF_TOPIC_SHARE * Math.min(...loaded.map((d) => d.questions.length))));
  for (const target of loaded) questions.push(...(await offTopicQuestions(target, loaded, perSource, o.folds)));
  const { bytes, version, thresholds, report } = trainReader(questions, o.folds, o.seed);
  await writeFileAtomic(o.out, bytes);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  if (o.json) process.stdout.write(`${JSON.stringify({ version, out: o.out, seconds, thresholds, ...report })}\n`);
  else {
    process.stdout.write(`${version} → ${o.out} in ${seconds} s (${(bytes.length / 1e6).toFixed(1)} MB)\n`);
    process.stdout.write(`thresholds: answer ${thresholds.answer}, short answer ${thresholds.shortAnswer}\n`);
    process.stdout.write(`cross-validation: ${JSON.stringify(report.crossValidation)}\n`);
  }
}

runCli(import.meta.url, main);
