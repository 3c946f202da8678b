import type { CoreConfig } from '../config.js';
import { loadReader } from '../reader/modelFile.js';
import type { FileChecksum } from './checksum.js';

/**
 * Bump when the chunking, the stored files or the hashing features change meaning: old stores rebuild.
 * 2: file checksums in the manifest; chunks with identical vectors share one HNSW point.
 * 3: the BM25 index is saved (`lexical.bin`) and loaded instead of rebuilt.
 * 4: the text is stored once (documents.json, with chunks as offsets into it); the hnswlib index is written
 *    directly (no LangChain docstore); labels are listed per chunk; the IDF table is deflated (idf.bin).
 * 5: the text in documents.bin (texts decoded a piece at a time, sentence offsets as int32s) instead of documents.json.
 */
export const STORE_FORMAT_VERSION = 5;

export interface StoreManifest {
  formatVersion: number;
  embedding: { provider: string; model: string; dimensions: number };
  chunking: { targetChars: number; overlapSentences: number };
  /** hnswlib's M the index was built with (absent in stores built before it was configurable: they rebuild). */
  hnswM?: number;
  /** SEED_MAX_BYTES and SEED_MAX_PAGES the seeds were read with (a file refused under one limit may be read under another). */
  seedLimits?: { maxBytes: number; maxPages: number };
  /** sha256 of each seed file, by source path. */
  seeds: Record<string, string>;
  /** The trained reader (models/reader.bin) answers were built for: a new one invalidates caches keyed on the manifest. */
  readerVersion?: string;
  documents: { source: string; title: string; date?: string; photo?: string; url?: string; sentences: number; chunks: number }[];
  /** Seeds left out, and why; `sha256` when the file was read and refused (an unchanged bad file is not new). */
  skipped: { source: string; reason: string; sha256?: string }[];
  chunkCount: number;
  builtAt: string;
  buildMs: number;
  /**
   * How the vectors were made. The hashing embedder's IDF is frozen between full builds (see `incrementalBase`):
   * `fittedChunks` is the chunk count it was fitted on, `changedSinceFit` the chunks embedded or dropped since.
   */
  vectors?: { points: number; fittedChunks: number; changedSinceFit: number };
  /** What the build that made this generation did: everything, or only the chunks whose text was new. */
  lastBuild?: { mode: 'full' | 'incremental'; embeddedChunks: number; reusedChunks: number };
  /** Size and checksum of every other file of the generation, checked at load (absent on a store never saved). */
  files?: Record<string, FileChecksum>;
}

/** What the manifest must say for the store to be used with this configuration and these seeds. */
export interface ExpectedStore {
  embedding: { provider: string; model: string; dimensions?: number };
  chunking: { targetChars: number; overlapSentences: number };
  hnswM: number;
  seedLimits: { maxBytes: number; maxPages: number };
  seeds: Record<string, string>;
  readerVersion: string;
}

export function expectedStore(config: CoreConfig, seeds: Record<string, string>): ExpectedStore {
  return {
    embedding: {
      provider: config.embeddings.provider,
      model: config.embeddings.model,
      // Neural models report their own size; only the hashing embedder's is configured.
      dimensions: config.embeddings.provider === 'hashing' ? config.embeddings.dimensions : undefined,
    },
    chunking: { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences },
    hnswM: config.hnswM,
    seedLimits: seedLimits(config),
    seeds,
    readerVersion: loadReader().version,
  };
}

export function seedLimits(config: CoreConfig): { maxBytes: number; maxPages: number } {
  return { maxBytes: config.seedMaxBytes, maxPages: config.seedMaxPages };
}

function listNames(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** Why a stored manifest can't be used, in one line; null when it can. */
export function staleReason(manifest: StoreManifest, expected: ExpectedStore): string | null {
  return settingsStaleReason(manifest, expected) ?? seedsChange(manifest.seeds, expected.seeds);
}

/** Why a stored manifest can't be used whatever the seeds (format, embeddings, chunking, reader, limits); null when it can. */
export function settingsStaleReason(manifest: StoreManifest, expected: Omit<ExpectedStore, 'seeds'>): string | null {
  if (manifest.formatVersion !== STORE_FORMAT_VERSION) {
    return `store format ${manifest.formatVersion} is not the current ${STORE_FORMAT_VERSION}`;
  }
  const e = expected.embedding;
  const m = manifest.embedding;
  if (m.provider !== e.provider || m.model !== e.model || (e.dimensions !== undefined && m.dimensions !== e.dimensions)) {
    return `embeddings changed (${m.provider}/${m.model}/${m.dimensions} → ${e.provider}/${e.model}${e.dimensions ? `/${e.dimensions}` : ''})`;
  }
  const c = manifest.chunking;
  if (c.targetChars !== expected.chunking.targetChars || c.overlapSentences !== expected.chunking.overlapSentences) {
    return `chunking changed (size ${c.targetChars}/overlap ${c.overlapSentences} → ${expected.chunking.targetChars}/${expected.chunking.overlapSentences})`;
  }
  if (manifest.readerVersion !== expected.readerVersion) return `answer reader changed (${manifest.readerVersion ?? 'none'} → ${expected.readerVersion})`;
  if (manifest.hnswM !== expected.hnswM) return `vector index settings changed (HNSW_M ${manifest.hnswM ?? 16} → ${expected.hnswM})`;
  const l = manifest.seedLimits;
  const el = expected.seedLimits;
  // A store from before the limits were recorded is not rebuilt for that alone.
  if (l && (l.maxBytes !== el.maxBytes || l.maxPages !== el.maxPages)) {
    return `seed limits changed (SEED_MAX_BYTES ${l.maxBytes} → ${el.maxBytes}, SEED_MAX_PAGES ${l.maxPages} → ${el.maxPages})`;
  }
  return null;
}

/** The seeds added, removed and edited since `stored`, in one line; null when they are the same. */
function seedsChange(stored: Record<string, string>, seeds: Record<string, string>): string | null {
  const added = Object.keys(seeds).filter((s) => !(s in stored));
  const removed = Object.keys(stored).filter((s) => !(s in seeds));
  const edited = Object.keys(seeds).filter((s) => s in stored && stored[s] !== seeds[s]);
  const changes = [
    added.length ? `added ${listNames(added)}` : '',
    removed.length ? `removed ${listNames(removed)}` : '',
    edited.length ? `edited ${listNames(edited)}` : '',
  ].filter(Boolean);
  return changes.length ? `seeds changed: ${changes.join('; ')}` : null;
}

/**
 * A full rebuild refits the hashing embedder's IDF on the whole briefing; an incremental one keeps it (so every
 * stored vector stays valid) and embeds new chunks with it. Once the chunks changed since the fit exceed this
 * share of the chunks it was fitted on, the IDF no longer describes the briefing and the next build is full.
 */
export const IDF_DRIFT_LIMIT = 0.25;

/**
 * Whether the store `manifest` describes can be updated in place for `expected` (only seeds changed), or null
 * with the reason a full build is needed.
 */
export function incrementalBase(manifest: StoreManifest, expected: ExpectedStore): { ok: true } | { ok: false; why: string } {
  const reason = staleReason({ ...manifest, seeds: expected.seeds }, expected);
  if (reason) return { ok: false, why: reason };
  if (!manifest.vectors) return { ok: false, why: 'no vector bookkeeping' };
  const { fittedChunks, changedSinceFit } = manifest.vectors;
  if (changedSinceFit > IDF_DRIFT_LIMIT * Math.max(fittedChunks, 1)) return { ok: false, why: 'the briefing drifted from the IDF it was fitted on' };
  return { ok: true };
}

export function isManifest(value: unknown): value is StoreManifest {
  const m = value as StoreManifest;
  return (
    !!m && typeof m === 'object' && typeof m.formatVersion === 'number' && !!m.embedding && !!m.chunking &&
    !!m.seeds && typeof m.seeds === 'object' && Array.isArray(m.documents) && typeof m.chunkCount === 'number'
  );
}
