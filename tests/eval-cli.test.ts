import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as evalMain } from '../src/cli/eval.js';
import { runCli, runCliInProcess } from './helpers/runCli.js';

let dir: string;

// A tiny dataset in the shared eval format: three passages, answerable and unanswerable questions.
const corpus = [
  { id: 't-p0000', title: '', text: 'Jakarta adalah ibu kota Indonesia. Kota ini terletak di pulau Jawa.' },
  { id: 't-p0001', title: '', text: 'Gunung Bromo adalah gunung berapi aktif di Jawa Timur. Tingginya 2.329 meter.' },
  { id: 't-p0002', title: '', text: 'Rendang adalah masakan daging dari Sumatra Barat. Rendang dimasak dengan santan.' },
];
const questions = [
  { id: 'q1', question: 'Apa ibu kota Indonesia?', answers: ['Jakarta'], passage_id: 't-p0000', answerable: true },
  { id: 'q2', question: 'Berapa tinggi Gunung Bromo?', answers: ['2.329 meter'], passage_id: 't-p0001', answerable: true },
  { id: 'q3', question: 'Dengan apa rendang dimasak?', answers: ['santan'], passage_id: 't-p0002', answerable: true },
  { id: 'q4', question: 'Siapa presiden pertama Brasil?', answers: [], passage_id: null, answerable: false },
];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'eval-set-'));
  await fs.writeFile(path.join(dir, 'corpus.jsonl'), corpus.map((c) => JSON.stringify(c)).join('\n') + '\n');
  await fs.writeFile(path.join(dir, 'questions.jsonl'), questions.map((q) => JSON.stringify(q)).join('\n') + '\n');
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('npm run eval', () => {
  // The compiled program, as npm runs it: abstention figures included (not only retrieval).
  it('--json prints one object with retrieval, the BM25 baseline and abstention', async () => {
    const r = await runCli('src/cli/eval.ts', ['--json', '--dataset', dir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]);
    expect(report).toMatchObject({ dataset: path.basename(dir), passages: 3, questions: 4 });
    // Each question names its passage in plain words: both rankers find all three first.
    expect(report.retrieval).toEqual({ 'recall@1': 1, 'recall@5': 1, 'mrr@10': 1 });
    expect(report.baseline_bm25).toEqual({ 'recall@1': 1, 'recall@5': 1, 'mrr@10': 1 });
    expect(report.components.lexical).toEqual({ 'recall@1': 1, 'recall@5': 1, 'mrr@10': 1 });
    expect(Object.keys(report.components.dense).sort()).toEqual(['mrr@10', 'recall@1', 'recall@5']);
    expect(Object.keys(report.abstention).sort()).toEqual(['auroc', 'precision', 'recall']);
    expect(report.timings.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('--dataset seed scores the seed gold set (hit = a chunk holding the answering sentence)', async () => {
    const r = await runCliInProcess(evalMain, ['--json', '--dataset', 'seed']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const gold = JSON.parse(await fs.readFile('tests/fixtures/seed-gold.json', 'utf8')) as unknown[];
    expect(report.dataset).toBe('seed');
    expect(report.questions).toBeGreaterThanOrEqual(gold.length);
    expect(report.retrieval['recall@5']).toBeGreaterThanOrEqual(0.9);
    expect(report.retrieval['mrr@10']).toBeGreaterThanOrEqual(report.baseline_bm25['mrr@10']);
  });

  it('the readable report shows both rankers', async () => {
    const r = await runCliInProcess(evalMain, ['--dataset', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/briefing-bot hybrid \| 1\.0000/);
    expect(r.stdout).toMatch(/plain BM25 baseline/);
  });

  it.each([
    [['--dataset', '/no/such/folder'], /does not exist/],
    [['--json'], /--dataset/],
    [['--dataset', 'x', '--frobnicate'], /unknown option/],
  ])('bad input %j → one line on stderr, exit 2', async (args, message) => {
    const r = await runCliInProcess(evalMain, args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a corpus line that is not JSON is reported with its line number', async () => {
    const bad = await fs.mkdtemp(path.join(os.tmpdir(), 'eval-bad-'));
    await fs.writeFile(path.join(bad, 'corpus.jsonl'), '{"id":"a","text":"x"}\n{oops\n');
    await fs.writeFile(path.join(bad, 'questions.jsonl'), '');
    const r = await runCliInProcess(evalMain, ['--dataset', bad]);
    await fs.rm(bad, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/corpus\.jsonl:2 is not valid JSON/);
  });
});
