import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CoreConfig } from '../config.js';
import { chunkDocument, segmentDocument, type IndexedDocument } from '../chunk/chunker.js';
import { DF_BUCKETS, HashingEmbeddings, type HashingIdf } from '../embed/hashingEmbeddings.js';
import { createEmbeddings } from '../embed/providers.js';
import { oneLine } from '../errors.js';
import { KnowledgeBase, DEFAULT_HNSW_M, type RetrievalOptions } from '../retrieve/knowledgeBase.js';
import { DEFAULT_LEXICAL_OPTIONS, LexicalIndex, type LexicalOptions } from '../retrieve/lexicalIndex.js';
import { isKeptSeed, type KeptSeed, type SeedDocument, type SkippedSeed } from '../seeds/loadSeeds.js';
import { decodeDocumentsFile } from './documentsFile.js';
import { FILES, decodeChunks, decodeIdf } from './generationFiles.js';
import { IDF_DRIFT_LIMIT, STORE_FORMAT_VERSION, seedLimits, type StoreManifest } from './manifest.js';
import { buildVectors, readIndex, wrapIndex, type PreviousVectors, type ProgressFn } from './vectorIndex.js';
import { saveStore, verifiedManifest, writeGeneration } from './vectorStore.js';
import { startLexicalBuild } from './lexicalBuild.js';

/**
 * One store build, from seed documents to a saved generation. It runs in a worker thread (`buildWorker.ts`),
 * so the bot keeps answering from the old store meanwhile; everything it needs travels in the request.
 *
 * With `base` (the current generation, when only seeds changed) it is incremental: documents whose text is
 * unchanged keep their sentences, chunks whose text the base already has keep their vectors and HNSW points,
 * and only new text is embedded; the BM25 index is the base's updated (`LexicalIndex.update`: only new chunks are
 * tokenised, the rest of its postings carried over as saved). The hashing embedder's IDF stays the base's (frozen:
 * every kept vector stays exactly what a build with that IDF gives) until the briefing drifts past
 * `IDF_DRIFT_LIMIT`, then a full build refits it. A full build makes its BM25 index on a thread of its own
 * (`lexicalBuild.ts`) while this one embeds.
 */
/** How a build that was given kept seeds but could not read its base fails: the caller reads every seed and builds whole. */
const BASE_NEEDED = 'the unchanged seeds were to come from the base generation, which could not be read';

export function isBaseNeeded(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(BASE_NEEDED);
}

export interface BuildRequest {
  config: CoreConfig;
  retrieval: RetrievalOptions;
  /** In the seeds' order; kept seeds only with a `base`. */
  documents: (SeedDocument | KeptSeed)[];
  skipped: SkippedSeed[];
  readerVersion: string | undefined;
  /** The generation folder to update in place, or null for a full build. */
  base: string | null;
}

export interface BuildOutcome {
  manifest: StoreManifest;
  /** The saved generation; a temporary folder outside the store when it could not be saved there. */
  dir: string;
  /** Why the store could not be saved (then `dir` is temporary and the caller removes it). */
  unsaved?: string;
  /** Set when `base` was given but could not be used. */
  baseUnusable?: string;
  /** Milliseconds per step, to see where a build's time goes (`npm run bench`). */
  timings: Record<'base' | 'segment' | 'embedAndIndex' | 'lexical' | 'save', number>;
}

interface Base {
  manifest: StoreManifest;
  documents: Map<string, IndexedDocument>;
  vectors: PreviousVectors;
  idf?: HashingIdf;
  chunkCount: number;
  /** The base's BM25 index and its chunks' texts, for an incremental one; null if it could not be read. */
  lexical: { index: LexicalIndex; texts: string[] } | null;
}

async function readBase(dir: string, config: CoreConfig): Promise<Base> {
  // Checked before hnswlib reads anything: a damaged index can crash the process natively.
  const manifest = await verifiedManifest(dir);
  if (!manifest.vectors) throw new Error('no vector bookkeeping');
  const documents = await decodeDocumentsFile(await fs.readFile(path.join(dir, FILES.documents)));
  const { chunks, pointOf } = decodeChunks(await fs.readFile(path.join(dir, FILES.chunks), 'utf8'), documents);
  if (chunks.length === 0) throw new Error('the base is empty');
  const index = await readIndex(path.join(dir, FILES.index), manifest.embedding.dimensions);
  const labelOfText = new Map<string, number>();
  chunks.forEach((c, i) => labelOfText.set(c.text, pointOf[i]));
  const idf = config.embeddings.provider === 'hashing' ? await decodeIdf(await fs.readFile(path.join(dir, FILES.idf)), DF_BUCKETS) : undefined;
  let lexical: Base['lexical'] = null;
  try {
    const bytes = await fs.readFile(path.join(dir, FILES.lexical));
    lexical = { index: LexicalIndex.deserialize(bytes, chunks.map((c) => c.source)), texts: chunks.map((c) => c.text) };
  } catch {
    // A base without a usable lexical.bin still gives its vectors; the BM25 index is then built whole.
  }
  return { manifest, documents: new Map(documents.map((d) => [d.source, d])), vectors: { index, labelOfText }, idf, chunkCount: chunks.length, lexical };
}

/** The base's BM25 index updated to `texts`; built whole if the base's does not fit (its chunk count, say). */
function updatedLexical(base: NonNullable<Base['lexical']>, texts: { text: string; source: string }[], options: LexicalOptions): LexicalIndex {
  try {
    return LexicalIndex.update(base.index, base.texts, texts, options);
  } catch {
    return new LexicalIndex(texts, options);
  }
}

export async function buildGeneration(request: BuildRequest, onProgress?: ProgressFn): Promise<BuildOutcome> {
  const { config } = request;
  const started = Date.now();
  let lapStarted = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = Math.round(now - lapStarted);
    lapStarted = now;
    return ms;
  };
  let base: Base | null = null;
  let baseUnusable: string | undefined;
  if (request.base) {
    try {
      base = await readBase(request.base, config);
    } catch (error) {
      baseUnusable = oneLine(error);
    }
  }

  const timings = { base: lap(), segment: 0, embedAndIndex: 0, lexical: 0, save: 0 };
  const documents: IndexedDocument[] = request.documents.map((seed) => {
    if (isKeptSeed(seed)) {
      const stored = base?.documents.get(seed.source);
      if (!stored) throw new Error(`${BASE_NEEDED} (${baseUnusable ?? `it has no ${seed.source}`})`);
      return stored;
    }
    const { sha256: _sha, bytes: _bytes, notice: _notice, ...doc } = seed;
    const before = base?.documents.get(doc.source);
    // Sentence splitting is the same function of the same text: an unchanged document keeps its sentences.
    if (before && before.content === doc.content && before.bodyStart === doc.bodyStart) return { ...doc, sentences: before.sentences };
    return segmentDocument(doc);
  });
  const chunking = { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences };
  const chunks = documents.flatMap((doc) => chunkDocument(doc, chunking));
  timings.segment = lap();

  // A change so large that the frozen IDF would no longer describe the briefing: build whole instead.
  if (base?.manifest.vectors) {
    const texts = new Set(chunks.map((c) => c.text));
    const added = [...texts].filter((t) => !base!.vectors.labelOfText.has(t)).length;
    const dropped = [...base.vectors.labelOfText.keys()].filter((t) => !texts.has(t)).length;
    const { fittedChunks, changedSinceFit } = base.manifest.vectors;
    if (changedSinceFit + added + dropped > IDF_DRIFT_LIMIT * Math.max(fittedChunks, 1)) base = null;
  }

  // The BM25 index: from the base's when there is one (only new chunks tokenised), else built whole on a thread of
  // its own while this one embeds and fills the graph. `timings.lexical` is the time it adds after that.
  const lexicalOptions = request.retrieval.lexical ?? DEFAULT_LEXICAL_OPTIONS;
  const lexicalTexts = chunks.map((c) => ({ text: c.text, source: c.source }));
  const lexicalBase = base?.lexical ?? null;
  const lexicalBuild = lexicalBase ? null : startLexicalBuild(lexicalTexts, lexicalOptions);
  let vectors: Awaited<ReturnType<typeof buildVectors>>;
  let embeddings: Awaited<ReturnType<typeof createEmbeddings>>;
  try {
    embeddings = await createEmbeddings(config.embeddings);
    if (embeddings instanceof HashingEmbeddings) {
      embeddings = base?.idf ? new HashingEmbeddings({ dimensions: embeddings.dimensions, idf: base.idf }) : await embeddings.fitYielding(chunks.map((c) => c.text));
    }
    vectors = await buildVectors(chunks, embeddings, config.hnswM ?? DEFAULT_HNSW_M, onProgress, base?.vectors);
  } catch (error) {
    lexicalBuild?.stop();
    throw error;
  }
  timings.embedAndIndex = lap();
  const lexical = lexicalBase ? updatedLexical(lexicalBase, lexicalTexts, lexicalOptions) : await lexicalBuild!.index();
  timings.lexical = lap();
  const kb = new KnowledgeBase(documents, chunks, wrapIndex(vectors.index), embeddings, request.retrieval, vectors.pointOf, lexical);

  const dropped = base ? base.chunkCount - vectors.reused : 0;
  const manifest: StoreManifest = {
    formatVersion: STORE_FORMAT_VERSION,
    embedding: {
      provider: config.embeddings.provider,
      model: config.embeddings.model,
      dimensions: vectors.index ? vectors.index.getNumDimensions() : config.embeddings.dimensions,
    },
    chunking,
    hnswM: config.hnswM,
    seedLimits: seedLimits(config),
    seeds: Object.fromEntries(request.documents.map((d) => [d.source, d.sha256])),
    readerVersion: request.readerVersion,
    documents: documents.map((d) => ({
      source: d.source,
      title: d.title,
      date: d.date,
      photo: d.photo,
      url: d.url,
      sentences: d.sentences.length,
      chunks: kb.chunksBySource.get(d.source)?.length ?? 0,
    })),
    skipped: request.skipped,
    chunkCount: kb.size,
    vectors: {
      points: kb.points,
      fittedChunks: base?.manifest.vectors?.fittedChunks ?? chunks.length,
      changedSinceFit: base ? (base.manifest.vectors?.changedSinceFit ?? 0) + vectors.embedded + dropped : 0,
    },
    lastBuild: { mode: base ? 'incremental' : 'full', embeddedChunks: chunks.length - vectors.reused, reusedChunks: vectors.reused },
    builtAt: new Date().toISOString(),
    buildMs: Date.now() - started,
  };
  try {
    const saved = await saveStore(config.vectorstoreDir, kb, manifest);
    timings.save = lap();
    return { ...saved, baseUnusable, timings };
  } catch (error) {
    // A read-only or full disk must not stop the briefing: the caller serves this build from a temporary copy.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'briefing-unsaved-'));
    try {
      const saved = await writeGeneration(dir, kb, manifest);
      timings.save = lap();
      return { manifest: saved, dir, unsaved: oneLine(error), baseUnusable, timings };
    } catch (second) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw second;
    }
  }
}
