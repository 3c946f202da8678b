import type { BenchReport } from './runBench.js';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (x: number) => `${x}`;
const ratioOf = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

/** The bench report as markdown tables (stdout and BENCHMARKS.md). */
export function formatBenchReport(r: BenchReport): string {
  const out: string[] = [];
  out.push(
    `Settings: chunk size ${r.config.chunkSize} chars, overlap ${r.config.chunkOverlap} sentence(s), embeddings ${r.config.embeddings} ` +
      `(${r.config.dimensions} dims), HNSW M ${r.config.hnswM} and ef ${r.config.hnswEf}, lexical weight ${r.config.lexicalWeight}.`,
    '',
    '### Ingest, store and load',
    '',
    '"load ms" opens the saved store as a restart does, seeds unchanged and settled (checked by stat against the seed',
    'hash cache); "seeds just written" opens it right after the ingest, when every seed is hashed again.',
    '',
    '| chunks (target) | documents | pipeline | chunks | ingest ms | chunks/s | store on disk | load ms | load ms, seeds just written |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of r.sizes) {
    out.push(`| ${s.targetChunks} | ${s.documents} | briefing-bot | ${s.ours.chunks} | ${s.ours.ingestMs} | ${s.ours.chunksPerSecond} | ${mib(s.ours.storeBytes)} | ${s.ours.loadMs} | ${s.ours.loadFreshSeedsMs} |`);
    out.push(`| ${s.targetChunks} | ${s.documents} | plain LangChain | ${s.langchain.chunks} | ${s.langchain.ingestMs} | ${s.langchain.chunksPerSecond} | ${mib(s.langchain.storeBytes)} | ${s.langchain.loadMs} | |`);
    out.push(`| ${s.targetChunks} | | ratio (ours ÷ LangChain) | | ${s.ratios.ingestMs} | ${s.ratios.chunksPerSecond} | ${s.ratios.storeBytes} | ${s.ratios.loadMs} | ${ratioOf(s.ours.loadFreshSeedsMs, s.langchain.loadMs)} |`);
  }
  out.push(
    '',
    'Updating the store: one document added to the built store (scan, build in place in a worker thread, load), and the',
    "longest stall of the main thread's event loop during the full ingest and during the update.",
    '',
    '| chunks | add one document ms | mode | chunks embedded | update steps ms | full build steps ms | event loop max ms (ingest / update) |',
    '| ---: | ---: | --- | ---: | --- | --- | ---: |',
  );
  const steps = (t: Record<string, number> | null | undefined) => (t ? Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ') : '');
  for (const s of r.sizes) {
    const u = s.storeUpdate;
    if (!u) continue;
    out.push(`| ${s.ours.chunks} | ${u.addOneDocument.ms} | ${u.addOneDocument.mode} | ${u.addOneDocument.embeddedChunks} | ${steps(u.addOneDocument.steps)} | ${steps(u.buildSteps)} | ${u.ingestEventLoopMaxMs} / ${u.addOneDocument.eventLoopMaxMs} |`);
  }
  out.push(
    '',
    '### Latency (ms, one query at a time) and vector-search agreement',
    '',
    '| chunks | operation | n | p50 | p95 | p99 | top-5 agreement HNSW vs exact |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of r.sizes) {
    const { search, ask } = s.ours;
    out.push(`| ${s.ours.chunks} | hybrid search k=5 | ${search.n} | ${ms(search.p50)} | ${ms(search.p95)} | ${ms(search.p99)} | ${s.ours.top5Agreement ?? 'not measured'} (ef ${s.ours.hnswEf}) |`);
    if (ask) out.push(`| ${s.ours.chunks} | extractive ask | ${ask.n} | ${ms(ask.p50)} | ${ms(ask.p95)} | ${ms(ask.p99)} | |`);
    else out.push(`| ${s.ours.chunks} | extractive ask | not measured | | | | |`);
    const lc = s.langchain.search;
    out.push(`| ${s.langchain.chunks} | LangChain similaritySearch k=5 | ${lc.n} | ${ms(lc.p50)} | ${ms(lc.p95)} | ${ms(lc.p99)} | |`);
  }
  out.push('', `Peak RSS: ${r.sizes.map((s) => `${s.peakRssMiB} MiB after ${s.targetChunks}`).join(', ')}; whole run ${r.peakRssMiB} MiB, ${Math.round(r.totalMs / 1000)} s.`);
  out.push('', '### Discord (stand-in server)', '', formatOptional(r.discord));
  out.push('', '### Summaries', '', formatOptional(r.summary));
  out.push('', '### Running at scale (shards, PostgreSQL)', '', formatOptional(r.shards));
  out.push('', '### Document formats (PDF, DOCX ingest)', '', formatOptional(r.formats));
  return `${out.join('\n')}\n`;
}

/** Optional benches report in their own shape: use their own formatter when given, else a JSON block. */
function formatOptional(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { markdown?: unknown }).markdown === 'string') return (value as { markdown: string }).markdown;
  return ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
}
