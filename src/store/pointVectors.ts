import { promises as fs } from 'node:fs';

/**
 * The stored vectors of an hnswlib index file, read once at load into one Float32Array, by label. Hybrid search
 * re-scores lexical-only candidates exactly, and reading a point out of hnswlib (`getPoint`) builds a JS array of
 * every dimension: 80–210 µs each, ~35 per query at 10k chunks, most of the search's cold cost.
 *
 * The file is hnswlib's `saveIndex` layout (hnswalg.h, as hnswlib-node 3 writes it): a 96-byte header of
 * size_t/int fields, then `cur_element_count` fixed-size level-0 records, each with its links, the vector at
 * `offsetData`, and the label (size_t) at `labelOffset`. hnswlib-node's cosine space stores vectors normalised,
 * as `getPoint` returns them. Anything that does not add up returns null, and search falls back to `getPoint`.
 */
const HEADER_BYTES = 96;
/** Above this the copy is not worth its memory (a 100k-chunk store would double); `getPoint` with a bounded cache then. */
export const POINT_VECTORS_MAX_BYTES = 64 * 1024 * 1024;

export interface PointVectors {
  /** The vector hnswlib stores for `label`, or undefined when the index has no such label. */
  get(label: number): Float32Array | undefined;
  readonly count: number;
}

export function parsePointVectors(file: Buffer, dimensions: number): PointVectors | null {
  if (file.byteLength < HEADER_BYTES) return null;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const size = (at: number) => Number(view.getBigUint64(at, true));
  const count = size(16);
  const recordBytes = size(24);
  const labelOffset = size(32);
  const dataOffset = size(40);
  const vectorBytes = dimensions * 4;
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(recordBytes) || count < 0) return null;
  if (dataOffset + vectorBytes > recordBytes || labelOffset + 8 > recordBytes || dataOffset % 4 !== 0) return null;
  if (HEADER_BYTES + count * recordBytes > file.byteLength) return null;
  if (count * vectorBytes > POINT_VECTORS_MAX_BYTES) return null;
  const vectors = new Float32Array(count * dimensions);
  const slotOf = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const record = HEADER_BYTES + i * recordBytes;
    const label = size(record + labelOffset);
    if (!Number.isSafeInteger(label) || slotOf.has(label)) return null;
    slotOf.set(label, i);
    const start = record + dataOffset;
    // Copied out (the links around it are not needed); a buffer that is not 4-byte aligned is copied bytewise.
    const at = file.byteOffset + start;
    const source = at % 4 === 0 ? new Float32Array(file.buffer, at, dimensions) : new Float32Array(file.buffer.slice(at, at + vectorBytes));
    vectors.set(source, i * dimensions);
  }
  return {
    count,
    get(label: number) {
      const slot = slotOf.get(label);
      return slot === undefined ? undefined : vectors.subarray(slot * dimensions, (slot + 1) * dimensions);
    },
  };
}

/** Reads `file` (an hnswlib index) when its vectors fit the budget; null otherwise or when it can't be parsed. */
export async function readPointVectors(file: string, dimensions: number, count: number): Promise<PointVectors | null> {
  if (count * dimensions * 4 > POINT_VECTORS_MAX_BYTES) return null;
  try {
    return parsePointVectors(await fs.readFile(file), dimensions);
  } catch {
    return null;
  }
}
