import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBenchReport } from '../src/bench/format.js';
import { runBench } from '../src/bench/runBench.js';
import { main as benchMain } from '../src/cli/bench.js';
import { runCliInProcess } from './helpers/runCli.js';
import { ROOT } from './helpers/tempProject.js';

const EVAL_DIR = path.resolve(ROOT, '../shared/eval');

// `npm run bench -- --only latency`: search latency beside LangChain without the slow parts of the full bench.
describe('bench --only latency', () => {
  it('measures search beside LangChain and leaves ask and HNSW agreement out', async () => {
    const report = await runBench({ sizes: [40], rootDir: ROOT, evalDir: EVAL_DIR, searches: 8, asks: 0, agreementQueries: 0, log: () => undefined, skipExtras: true });
    const s = report.sizes[0];
    expect(s.ours.search.n).toBe(8);
    expect(s.langchain.search.n).toBe(8);
    expect(s.ours.ask).toBeNull();
    expect(s.ours.top5Agreement).toBeNull();
    const table = formatBenchReport(report);
    expect(table).toMatch(/hybrid search k=5 \| 8 \|.*not measured \(ef/);
    expect(table).toMatch(/LangChain similaritySearch k=5 \| 8 \|/);
  }, 60_000);

  it.each([[['--only', 'ask']], [['--only', 'latency', '--write-benchmarks']]])('refuses %j in one line, exit 2', async (args) => {
    const r = await runCliInProcess(benchMain, args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
