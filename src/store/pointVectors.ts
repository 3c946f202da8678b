import { close, closeSync, fstat, open, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { labelsFitAnArray } from '../retrieve/pointChunks.js';

/**
 * The stored vectors of an hnswlib index file, kept in memory at load, by label. Hybrid search re-scores
 * lexical-only candidates exactly, and reading a point out of hnswlib (`getPoint`) builds a JS array of every
 * dimension: 80–210 µs each, ~35 per query at 10k chunks, most of the search's cold cost.
 *
 * The file is hnswlib's `saveIndex` layout (hnswalg.h, as hnswlib-node 3 writes it): a 96-byte header of
 * size_t/int fields, then `cur_element_count` fixed-size level-0 records, each with its links, the vector at
 * `offsetData`, and the label (size_t) at `labelOffset`. hnswlib-node's cosine space stores vectors normalised,
 * as `getPoint` returns them. Anything that does not add up returns null, and search falls back to `getPoint`.
 *
 * The vectors are views into the file's bytes as read (the load reads the file once, for its checksum and for
 * this), not copies: every record size and offset in the layout is a multiple of 4, so a 4-byte aligned buffer
 * gives aligned Float32Array views. The links around them stay in memory too, a few percent of the file.
 */
export const HEADER_BYTES = 96;
/** Above this the file is not kept in memory (a 100k-chunk store would double); `getPoint` with a bounded cache then. */
export const POINT_VECTORS_MAX_BYTES = 64 * 1024 * 1024;

export interface PointVectors {
  /** The vector hnswlib stores for `label`, or undefined when the index has no such label. */
  get(label: number): Float32Array | undefined;
  readonly count: number;
}

/** Whether an index file of `bytes` is worth keeping in memory for its vectors. */
export function keepsPointVectors(bytes: number): boolean {
  // The vectors are nearly all of the file (the links and upper layers are a few percent).
  return bytes <= POINT_VECTORS_MAX_BYTES * 1.25;
}

/** Where things are in an hnswlib index file: its record count and size, and the label and vector offsets in a record. */
interface IndexLayout {
  count: number;
  recordBytes: number;
  labelOffset: number;
  dataOffset: number;
}

/** A size_t (little-endian uint64) at a 4-byte aligned offset of `words`, or NaN when it does not fit in 32 bits. */
function sizeAt(words: Uint32Array, at: number): number {
  return words[(at >>> 2) + 1] === 0 ? words[at >>> 2] : NaN;
}

/**
 * Where the level-0 records end in a file whose first `HEADER_BYTES` are `header` (the upper-level links follow:
 * `indexStructure.ts`); NaN when a count does not fit in 32 bits.
 */
export function levelZeroEnd(header: Uint8Array): number {
  const words = new Uint32Array(HEADER_BYTES / 4);
  new Uint8Array(words.buffer).set(header.subarray(0, HEADER_BYTES));
  return HEADER_BYTES + sizeAt(words, 16) * sizeAt(words, 24); // cur_element_count records of size_data_per_element bytes
}

/** The layout from the file's first `HEADER_BYTES` (as 32-bit words), or null when it does not add up for a file of `fileBytes`. */
function indexLayout(words: Uint32Array, dimensions: number, fileBytes: number): IndexLayout | null {
  if (fileBytes < HEADER_BYTES || !Number.isInteger(dimensions) || dimensions <= 0) return null;
  const layout = { count: sizeAt(words, 16), recordBytes: sizeAt(words, 24), labelOffset: sizeAt(words, 32), dataOffset: sizeAt(words, 40) };
  const { count, recordBytes, labelOffset, dataOffset } = layout;
  if (!(count >= 0 && recordBytes > 0 && labelOffset >= 0 && dataOffset >= 0)) return null;
  if (recordBytes % 4 !== 0 || labelOffset % 4 !== 0 || dataOffset % 4 !== 0) return null;
  if (dataOffset + dimensions * 4 > recordBytes || labelOffset + 8 > recordBytes) return null;
  if (HEADER_BYTES + count * recordBytes > fileBytes) return null;
  return layout;
}

/**
 * Copies the labels of `records` records starting at byte `start` of `words` into `labels` from `into`; false when
 * one is not a chunk-list label (Int32Array): anything above is not an index this code wrote.
 */
function readLabels(words: Uint32Array, start: number, recordBytes: number, labelOffset: number, labels: Float64Array, into: number, records: number): boolean {
  for (let i = 0; i < records; i++) {
    const label = sizeAt(words, start + i * recordBytes + labelOffset);
    if (!(label <= 0x7fffffff)) return false;
    labels[into + i] = label;
  }
  return true;
}

export function parsePointVectors(file: Uint8Array, dimensions: number): PointVectors | null {
  if (file.byteLength < HEADER_BYTES) return null;
  // Aligned bytes are viewed in place; others are copied once into an aligned buffer.
  const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  const layout = indexLayout(words, dimensions, bytes.byteLength);
  if (!layout || layout.count * dimensions * 4 > POINT_VECTORS_MAX_BYTES) return null;
  const { count, recordBytes, labelOffset, dataOffset } = layout;

  const labels = new Float64Array(count);
  if (!readLabels(words, HEADER_BYTES, recordBytes, labelOffset, labels, 0, count)) return null;
  const slotOf = slotTable(labels);
  if (!slotOf) return null;
  const vectorAt = (slot: number) => new Float32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + slot * recordBytes + dataOffset, dimensions);
  return {
    count,
    get(label: number) {
      const slot = slotOf(label);
      return slot < 0 ? undefined : vectorAt(slot);
    },
  };
}

/** Closes the descriptors of on-disk point vectors nobody holds any more (a store swapped out). */
const openDescriptors = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});
/** Bytes read at a time while the labels are collected. */
const SCAN_BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * The same vectors for an index file too large to keep in memory: labels are collected in one sequential pass
 * over the file (asynchronous reads, so a caller can start this after a load and use the result when it is
 * ready), and each vector is then read from the file when asked for — a 4 KB positional read, served by the
 * page cache, ~10 µs against `getPoint`'s 80–210 µs, with no copy of the store in the heap. The file is kept open
 * (a generation folder pruned later stays readable through it) and closed once the result is garbage.
 */
export async function pointVectorsOnDisk(file: string, dimensions: number, blockBytes = SCAN_BLOCK_BYTES): Promise<PointVectors | null> {
  // A plain descriptor, not a FileHandle: one of those closes itself, with a warning, when collected.
  const fd = await promisify(open)(file, 'r');
  const readAt = (into: Uint8Array, length: number, position: number) =>
    new Promise<number>((resolve, reject) => read(fd, into, 0, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
  let keepOpen = false;
  try {
    const { size: fileBytes } = await promisify(fstat)(fd);
    const header = new Uint32Array(HEADER_BYTES / 4);
    if ((await readAt(new Uint8Array(header.buffer), HEADER_BYTES, 0)) !== HEADER_BYTES) return null;
    const layout = indexLayout(header, dimensions, fileBytes);
    if (!layout) return null;
    const { count, recordBytes, labelOffset, dataOffset } = layout;
    const labels = new Float64Array(count);
    // Whole records per block, so every label falls inside the block read.
    const perBlock = Math.max(1, Math.floor(blockBytes / recordBytes));
    const block = new Uint8Array(perBlock * recordBytes);
    const blockWords = new Uint32Array(block.buffer);
    for (let first = 0; first < count; first += perBlock) {
      const records = Math.min(perBlock, count - first);
      const want = records * recordBytes;
      if ((await readAt(block, want, HEADER_BYTES + first * recordBytes)) !== want) return null;
      if (!readLabels(blockWords, 0, recordBytes, labelOffset, labels, first, records)) return null;
    }
    const slotOf = slotTable(labels);
    if (!slotOf) return null;
    const vectorBytes = dimensions * 4;
    const points: PointVectors = {
      count,
      get(label: number) {
        const slot = slotOf(label);
        if (slot < 0) return undefined;
        const vector = new Float32Array(dimensions);
        const read = readSync(fd, new Uint8Array(vector.buffer), 0, vectorBytes, HEADER_BYTES + slot * recordBytes + dataOffset);
        return read === vectorBytes ? vector : undefined;
      },
    };
    keepOpen = true;
    openDescriptors.register(points, fd);
    return points;
  } finally {
    if (!keepOpen) await promisify(close)(fd).catch(() => undefined);
  }
}

/** Label → slot, or null when a label repeats. An array when labels are dense enough (they are: chunk numbers), a Map otherwise. */
function slotTable(labels: Float64Array): ((label: number) => number) | null {
  let maxLabel = -1;
  for (const label of labels) if (label > maxLabel) maxLabel = label;
  if (labelsFitAnArray(maxLabel, labels.length)) {
    const slots = new Int32Array(maxLabel + 1).fill(-1);
    for (let i = 0; i < labels.length; i++) {
      if (slots[labels[i]] !== -1) return null;
      slots[labels[i]] = i;
    }
    return (label) => (Number.isInteger(label) && label >= 0 && label <= maxLabel ? slots[label] : -1);
  }
  const slots = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    if (slots.has(labels[i])) return null;
    slots.set(labels[i], i);
  }
  return (label) => slots.get(label) ?? -1;
}
