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
const HEADER_BYTES = 96;
/** Above this the file is not kept in memory (a 100k-chunk store would double); `getPoint` with a bounded cache then. */
export const POINT_VECTORS_MAX_BYTES = 64 * 1024 * 1024;
/** Labels are looked up in an array as long as the largest label when it is at most this many times the count. */
const DENSE_LABELS_FACTOR = 4;

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

export function parsePointVectors(file: Uint8Array, dimensions: number): PointVectors | null {
  if (file.byteLength < HEADER_BYTES || !Number.isInteger(dimensions) || dimensions <= 0) return null;
  // Aligned bytes are viewed in place; others are copied once into an aligned buffer.
  const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  // A size_t (little-endian uint64) at a 4-byte aligned offset, or NaN when it does not fit in 32 bits.
  const size = (at: number) => (words[(at >>> 2) + 1] === 0 ? words[at >>> 2] : NaN);
  const count = size(16);
  const recordBytes = size(24);
  const labelOffset = size(32);
  const dataOffset = size(40);
  const vectorBytes = dimensions * 4;
  if (!(count >= 0 && recordBytes > 0 && labelOffset >= 0 && dataOffset >= 0)) return null;
  if (recordBytes % 4 !== 0 || labelOffset % 4 !== 0 || dataOffset % 4 !== 0) return null;
  if (dataOffset + vectorBytes > recordBytes || labelOffset + 8 > recordBytes) return null;
  if (HEADER_BYTES + count * recordBytes > bytes.byteLength) return null;
  if (count * vectorBytes > POINT_VECTORS_MAX_BYTES) return null;

  const labels = new Float64Array(count);
  let maxLabel = -1;
  for (let i = 0; i < count; i++) {
    const label = size(HEADER_BYTES + i * recordBytes + labelOffset);
    // Labels are chunk-list labels (Int32Array): anything above is not an index this code wrote.
    if (!(label <= 0x7fffffff)) return null;
    labels[i] = label;
    if (label > maxLabel) maxLabel = label;
  }
  const slotOf = slotTable(labels, maxLabel);
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

/** Label → slot, or null when a label repeats. An array when labels are dense enough (they are: chunk numbers), a Map otherwise. */
function slotTable(labels: Float64Array, maxLabel: number): ((label: number) => number) | null {
  if (maxLabel + 1 <= DENSE_LABELS_FACTOR * labels.length + 1024) {
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
