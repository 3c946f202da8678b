import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Document } from '@langchain/core/documents';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { loadCoreConfig, type CoreConfig } from '../config.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { SEED_SETTLE_MS } from '../seeds/hashCache.js';
import { openKnowledgeBase } from '../store/openKnowledgeBase.js';
import { seededRandom } from '../util/random.js';
import { directorySize, loadSentencePool, makeBenchDocuments, writeBenchDocuments } from './corpus.js';
import { measure, peakRssMiB, type Latency } from './latency.js';
import { machineInfo, type MachineInfo } from './machine.js';

/**
 * `npm run bench`: ingest, store, load, search and ask at growing sizes, the plain LangChain pipeline on the
 * same text and embeddings side by side, HNSW agreement with exact search, and the Discord and summary
 * benches when those parts are present. Everything runs in a temp folder; the project's store is untouched.
 */
export interface BenchOptions {
  sizes: number[];
  rootDir: string;
  evalDir: string;
  searches: number;
  asks: number;
  agreementQueries: number;
  log: (line: string) => void;
  /** Skip the Discord and summary benches (tests). */
  skipExtras?: boolean;
  /** The environment's settings (HNSW_EF, HNSW_M, CHUNK_SIZE, …); embeddings are always the offline hashing ones. */
  settings?: Record<string, string | undefined>;
}

/** What both pipelines report at one size. */
export interface PipelineFigures {
  chunks: number;
  ingestMs: number;
  chunksPerSecond: number;
  storeBytes: number;
  loadMs: number;
  search: Latency;
}

export interface SizeResult {
  targetChunks: number;
  documents: number;
  ours: PipelineFigures & {
    /** Opening the store right after the seeds were written: the seed hash cache can't vouch for them yet, so every seed is hashed. */
    loadFreshSeedsMs: number;
    ask: Latency | null;
    /** Mean share of the exact top-5 (brute-force cosine) that HNSW returns, at the configured ef; null when not measured. */
    top5Agreement: number | null;
    hnswEf: number;
  };
  langchain: PipelineFigures;
  /** Where the full build's time went, one document added to the built store, and the event loop meanwhile. */
  storeUpdate: StoreUpdateFigures;
  /** Ours ÷ LangChain: >1 means ours is larger (for times: slower). */
  ratios: { ingestMs: number; chunksPerSecond: number; storeBytes: number; loadMs: number; searchP50: number };
  peakRssMiB: number;
}

export interface StoreUpdateFigures {
  /** The full build's steps in the worker (ms), and the longest the main thread's event loop stalled during ingest. */
  buildSteps: Record<string, number> | null;
  ingestEventLoopMaxMs: number;
  /** One news-sized document added to the built store: the whole open (scan, build in place, load). */
  addOneDocument: { ms: number; mode: string; embeddedChunks: number; steps: Record<string, number> | null; eventLoopMaxMs: number };
}

export interface BenchReport {
  machine: MachineInfo;
  config: { chunkSize: number; chunkOverlap: number; embeddings: string; dimensions: number; hnswEf: number; hnswM: number; lexicalWeight: number };
  sizes: SizeResult[];
  discord: unknown;
  summary: unknown;
  /** Running at scale: two shard processes on PostgreSQL beside one process (src/bench/shardBench.ts). */
  shards: unknown;
  /** PDF/DOCX ingest pages/s beside LangChain's loaders (src/bench/formatsBench.ts). */
  formats: unknown;
  peakRssMiB: number;
  totalMs: number;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function benchQueries(evalDir: string, count: number): Promise<string[]> {
  const questions: string[] = [];
  for (const set of ['idk_mrc_id', 'squad2_en']) {
    const text = await fs.readFile(path.join(evalDir, set, 'questions.jsonl'), 'utf8');
    for (const line of text.split('\n')) if (line.trim()) questions.push((JSON.parse(line) as { question: string }).question);
  }
  const random = seededRandom(7);
  for (let i = questions.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [questions[i], questions[j]] = [questions[j], questions[i]];
  }
  return questions.slice(0, count);
}

/** Mean share of the exact top-5 that the HNSW search (at the configured ef) also returns. */
async function top5Agreement(kb: KnowledgeBase, queries: string[]): Promise<number> {
  const dims = kb.vectors.index.getNumDimensions();
  const n = kb.size;
  const matrix = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const point = kb.vectorOf(i);
    let norm = 0;
    for (const v of point) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dims; d++) matrix[i * dims + d] = point[d] / norm;
  }
  let shared = 0;
  for (const q of queries) {
    const vector = await kb.embeddings.embedQuery(q);
    const exact: { i: number; s: number }[] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      const base = i * dims;
      for (let d = 0; d < dims; d++) s += matrix[base + d] * vector[d];
      if (exact.length < 5 || s > exact[4].s) {
        exact.push({ i, s });
        exact.sort((a, b) => b.s - a.s);
        if (exact.length > 5) exact.pop();
      }
    }
    // Tie-aware: the synthetic corpus repeats sentences, so several chunks can share the 5th-best similarity;
    // an approximate hit as close as the exact 5th counts as agreeing, whichever of the tied chunks it is.
    const fifth = exact[exact.length - 1].s - 1e-6;
    const approx = await kb.denseSearch(vector, 5);
    const similarity = (i: number) => {
      let s = 0;
      for (let d = 0; d < dims; d++) s += matrix[i * dims + d] * vector[d];
      return s;
    };
    shared += approx.filter((h) => similarity(h.index) >= fifth).length / Math.min(5, n);
  }
  return round(shared / queries.length, 4);
}

async function askEngine(kb: KnowledgeBase): Promise<((q: string) => Promise<unknown>) | null> {
  const [{ AnswerEngine }, { loadAnswerConfig }] = await Promise.all([import('../answer/engine.js'), import('../answer/config.js')]);
  const engine = new AnswerEngine(() => kb, { config: loadAnswerConfig({}), chatModel: null });
  return (q) => engine.ask(q);
}

async function benchSize(targetChunks: number, pool: string[], queries: string[], options: BenchOptions): Promise<SizeResult> {
  const temp = await fs.mkdtemp(path.join(os.tmpdir(), `bench-${targetChunks}-`));
  try {
    const config: CoreConfig = loadCoreConfig({ ...options.settings, EMBEDDINGS_PROVIDER: 'hashing', EMBEDDINGS_MODEL: undefined, SEEDS_DIR: 'seeds', VECTORSTORE_DIR: 'vectorstore' }, temp);
    const chunking = { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences };
    const { documents } = makeBenchDocuments(pool, targetChunks, chunking);
    await writeBenchDocuments(config.seedsDir, documents);
    options.log(`bench ${targetChunks}: ${documents.length} documents written; ingesting`);

    // Ours: the real ingest path (read seeds, segment, chunk, embed, HNSW, BM25, save atomically).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let started = performance.now();
    // Only figures are kept of the build and of the first open: a restart has one store in memory, and stores
    // kept alive here would make the measured load pay the garbage collector for them.
    const { builtChunks, buildSteps } = await openKnowledgeBase(config).then((built) => ({ builtChunks: built.kb.size, buildSteps: built.build?.timings ?? null }));
    const ingestMs = performance.now() - started;
    const ingestEventLoopMaxMs = round(loop.max / 1e6, 1);
    const storeBytes = await directorySize(config.vectorstoreDir);
    started = performance.now();
    const freshRebuilt = (await openKnowledgeBase(config)).rebuiltBecause;
    const loadFreshSeedsMs = performance.now() - started;
    // "load ms" is a restart's: the seeds settled (SEED_SETTLE_MS), hashed once more and remembered by the hash
    // cache, so this open checks them by stat, as a bot restarting on an unchanged briefing does.
    await new Promise((resolve) => setTimeout(resolve, SEED_SETTLE_MS + 100));
    const settledOpen = await openKnowledgeBase(config);
    if (settledOpen.rebuiltBecause) throw new Error('bench store was rebuilt on load');
    // A restart has no other store decoding its postings in the background (see LexicalIndex.decodeInBackground).
    await settledOpen.kb.pointVectorsSettled;
    started = performance.now();
    const loaded = await openKnowledgeBase(config);
    const loadMs = performance.now() - started;
    if (freshRebuilt || loaded.rebuiltBecause) throw new Error(`bench store was rebuilt on load: ${freshRebuilt ?? loaded.rebuiltBecause}`);
    const kb = loaded.kb;
    // Searched once the store is whole: a large store's re-scoring vectors are made ready just after its load.
    await kb.pointVectorsSettled;
    options.log(`bench ${targetChunks}: ${kb.size} chunks in ${Math.round(ingestMs)} ms; searching`);
    const search = await measure(queries.slice(0, options.searches), (q) => kb.search(q, { k: 5 }));
    const ask = options.asks > 0 ? await askEngine(kb) : null;
    const askLatency = ask ? await measure(queries.slice(0, options.asks), ask) : null;
    const agreement = options.agreementQueries > 0 ? await top5Agreement(kb, queries.slice(0, options.agreementQueries)) : null;

    // One more document, as an operator adds one: only its chunks are embedded, the rest is carried over.
    const [extra] = makeBenchDocuments(pool, 1, chunking, 4242).documents;
    await fs.writeFile(path.join(config.seedsDir, 'added-one.txt'), extra.content);
    loop.reset();
    started = performance.now();
    const updated = await openKnowledgeBase(config, { loaded });
    const addOneMs = performance.now() - started;
    const { timings: updateSteps, ...updateBuild } = updated.build ?? { mode: 'none', embeddedChunks: 0, reusedChunks: 0, timings: null };
    const storeUpdate: StoreUpdateFigures = {
      buildSteps,
      ingestEventLoopMaxMs,
      addOneDocument: { ms: Math.round(addOneMs), mode: updateBuild.mode, embeddedChunks: updateBuild.embeddedChunks, steps: updateSteps, eventLoopMaxMs: round(loop.max / 1e6, 1) },
    };
    loop.disable();

    // The plain LangChain pipeline on the same texts, with the same (fitted) embeddings and default settings.
    options.log(`bench ${targetChunks}: LangChain pipeline`);
    const splitter = new RecursiveCharacterTextSplitter();
    started = performance.now();
    const lcDocs = await splitter.splitDocuments(documents.map((d) => new Document({ pageContent: d.content, metadata: { source: d.name } })));
    const lcStore = await HNSWLib.fromDocuments(lcDocs, kb.embeddings);
    const lcIngestMs = performance.now() - started;
    const lcDir = path.join(temp, 'langchain');
    await lcStore.save(lcDir);
    const lcBytes = await directorySize(lcDir);
    started = performance.now();
    const lcLoaded = await HNSWLib.load(lcDir, kb.embeddings);
    const lcLoadMs = performance.now() - started;
    const lcSearch = await measure(queries.slice(0, options.searches), (q) => lcLoaded.similaritySearch(q, 5));

    const ours = {
      chunks: builtChunks,
      ingestMs: Math.round(ingestMs),
      chunksPerSecond: Math.round(builtChunks / (ingestMs / 1000)),
      storeBytes,
      loadMs: Math.round(loadMs),
      loadFreshSeedsMs: Math.round(loadFreshSeedsMs),
      search,
      ask: askLatency,
      top5Agreement: agreement,
      hnswEf: config.hnswEf,
    };
    const langchain = {
      chunks: lcDocs.length,
      ingestMs: Math.round(lcIngestMs),
      chunksPerSecond: Math.round(lcDocs.length / (lcIngestMs / 1000)),
      storeBytes: lcBytes,
      loadMs: Math.round(lcLoadMs),
      search: lcSearch,
    };
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : 0);
    return {
      targetChunks,
      documents: documents.length,
      ours,
      langchain,
      storeUpdate,
      ratios: {
        ingestMs: ratio(ours.ingestMs, langchain.ingestMs),
        chunksPerSecond: ratio(ours.chunksPerSecond, langchain.chunksPerSecond),
        storeBytes: ratio(ours.storeBytes, langchain.storeBytes),
        loadMs: ratio(ours.loadMs, langchain.loadMs),
        searchP50: ratio(ours.search.p50, langchain.search.p50),
      },
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }
}

/**
 * Calls `exportName` of a bench module; a failure is reported in the figures instead of ending the run. When the
 * module also exports a `format…` function, its markdown comes along for the tables.
 */
async function optionalBench(file: string, exportName: string, args: unknown[], log: (line: string) => void): Promise<unknown> {
  const url = new URL(file, import.meta.url);
  try {
    const mod = (await import(url.href)) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== 'function') return `skipped (${exportName} not exported)`;
    log(`${exportName}: running`);
    const result: unknown = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
    const formatter = Object.entries(mod).find(([name, value]) => name.startsWith('format') && typeof value === 'function');
    if (!formatter) return result;
    return { result, markdown: String((formatter[1] as (r: unknown) => string)(result)).trimEnd() };
  } catch (error) {
    const message = (error as Error).message?.split('\n')[0] ?? String(error);
    log(`${exportName} failed: ${message}`);
    return `failed: ${message}`;
  }
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const config = loadCoreConfig({ ...options.settings, EMBEDDINGS_PROVIDER: 'hashing', EMBEDDINGS_MODEL: undefined }, options.rootDir);
  const pool = await loadSentencePool(options.evalDir);
  const queries = await benchQueries(options.evalDir, Math.max(options.searches, options.asks, options.agreementQueries));
  const sizes: SizeResult[] = [];
  for (const size of options.sizes) sizes.push(await benchSize(size, pool, queries, options));
  const discord = options.skipExtras ? 'skipped' : await optionalBench('./discordLatency.js', 'benchmarkDiscord', [], options.log);
  const summary = options.skipExtras
    ? 'skipped'
    : await optionalBench('./summaryBench.js', 'runSummaryBench', [{ rootDir: options.rootDir, log: options.log }], options.log);
  return {
    machine: machineInfo(),
    config: {
      chunkSize: config.chunkTargetChars,
      chunkOverlap: config.chunkOverlapSentences,
      embeddings: `${config.embeddings.provider}/${config.embeddings.model}`,
      dimensions: config.embeddings.dimensions,
      hnswEf: config.hnswEf,
      hnswM: config.hnswM,
      lexicalWeight: config.lexicalWeight,
    },
    sizes,
    discord,
    summary,
    shards: options.skipExtras ? 'skipped' : await optionalBench('./shardBench.js', 'runShardBench', [{ log: options.log }], options.log),
    formats: options.skipExtras ? 'skipped' : await optionalBench('./formatsBench.js', 'runFormatsBench', [{ evalDir: options.evalDir, log: options.log }], options.log),
    peakRssMiB: peakRssMiB(),
    totalMs: Math.round(performance.now() - started),
  };
}
