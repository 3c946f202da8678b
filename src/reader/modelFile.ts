import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadedModel, sparseWeights, type LinearModel } from './linearModel.js';

/** Format of models/reader.bin; bump when the meaning of a feature or of the file changes. */
export const READER_FORMAT = 2;

export const MODEL_NAMES = ['sentence', 'span', 'answerable', 'shortAnswer'] as const;
type ModelName = (typeof MODEL_NAMES)[number];

/** The trained reader as shipped: four linear models and the two thresholds chosen on the training data. */
export interface ReaderModel extends Record<ModelName, LinearModel> {
  version: string;
  thresholds: {
    /** Below this probability that the briefing answers, the engine abstains. */
    answer: number;
    /** "In short" is shown when the short-answer model's probability reaches this. */
    shortAnswer: number;
  };
}

/** The file's JSON header: everything but the weights. */
export interface ReaderHeader {
  format: number;
  version: string;
  thresholds: ReaderModel['thresholds'];
  /** Per model: its bias and how many non-zero weights follow (Int32 indexes, then Float32 values). */
  models: Record<ModelName, { bias: number; count: number }>;
  /** What it was trained on and how it did in cross-validation (for the README; not read at run time). */
  training: Record<string, unknown>;
}

/**
 * One binary file, written atomically: a 4-byte little-endian header length, the JSON header padded to a
 * multiple of 4 bytes, then each model's indexes and values. Loading is a few typed-array views, not a parse of
 * megabytes of numbers.
 */
export function encodeReader(models: Record<ModelName, LinearModel>, header: Omit<ReaderHeader, 'models' | 'format'>): Buffer {
  const sparse = MODEL_NAMES.map((name) => sparseWeights(models[name]));
  const full: ReaderHeader = {
    format: READER_FORMAT,
    ...header,
    models: Object.fromEntries(MODEL_NAMES.map((name, i) => [name, { bias: sparse[i].bias, count: sparse[i].indexes.length }])) as ReaderHeader['models'],
  };
  let json = Buffer.from(JSON.stringify(full), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const payload = sparse.flatMap((s) => [Buffer.from(s.indexes.buffer, s.indexes.byteOffset, s.indexes.byteLength), Buffer.from(s.values.buffer, s.values.byteOffset, s.values.byteLength)]);
  return Buffer.concat([length, json, ...payload]);
}

export function readerHeader(bytes: Buffer): ReaderHeader {
  if (bytes.length < 4) throw new Error('reader model file is truncated: run npm run train');
  const length = bytes.readUInt32LE(0);
  if (4 + length > bytes.length) throw new Error('reader model file is truncated: run npm run train');
  return JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as ReaderHeader;
}

export function decodeReader(bytes: Buffer): ReaderModel {
  const header = readerHeader(bytes);
  if (header.format !== READER_FORMAT) throw new Error(`reader model format ${header.format} is not ${READER_FORMAT}: run npm run train`);
  // Copy once into an aligned buffer so the typed-array views below are valid whatever Buffer pooling did.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  let offset = 4 + bytes.readUInt32LE(0);
  const models = {} as Record<ModelName, LinearModel>;
  for (const name of MODEL_NAMES) {
    const { bias, count } = header.models[name];
    if (offset + count * 8 > bytes.length) throw new Error('reader model file is truncated: run npm run train');
    const indexes = new Int32Array(aligned.buffer, offset, count);
    const values = new Float32Array(aligned.buffer, offset + count * 4, count);
    offset += count * 8;
    models[name] = loadedModel({ bias, indexes, values });
  }
  return { version: header.version, thresholds: header.thresholds, ...models };
}

/** The repository's root: the nearest folder above this file with a package.json (works from src/ and dist/). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json) above the reader');
    dir = up;
  }
  return dir;
}

export const DEFAULT_READER_FILE = path.join(projectRoot(), 'models', 'reader.bin');

const loaded = new Map<string, ReaderModel>();

/** Makes `model` the one `loadReader(file)` returns: a worker thread uses the main thread's, in shared memory. */
export function provideReader(model: ReaderModel, file = DEFAULT_READER_FILE): void {
  loaded.set(file, model);
}

/** Loads (once per file) the shipped reader. */
export function loadReader(file = DEFAULT_READER_FILE): ReaderModel {
  let model = loaded.get(file);
  if (!model) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read the reader model ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): run npm run train`);
    }
    model = decodeReader(bytes);
    loaded.set(file, model);
  }
  return model;
}
