import { promises as fs } from 'node:fs';
import zlib from 'node:zlib';
import { HEADER_BYTES, levelZeroEnd } from './pointVectors.js';

/**
 * The parts of an hnswlib index file that hnswlib's `loadIndex` follows while it reads the file (hnswalg.h, as
 * hnswlib-node 3 writes it): the 96-byte header (counts and sizes it allocates by) and, after the level-0 records,
 * each element's upper-level link list with its length. The level-0 records (links, vector, label of each) are
 * copied in one block and only looked into by a search. So once this part has passed its own checksum, hnswlib can
 * read the file — a damaged file cannot make the load itself crash — while the whole file's checksum is still
 * being computed; the index is used only after that has passed too. On a 10k-chunk store this part is ~0.2% of
 * the file, and hnswlib's read (~35 ms) no longer waits for the checksum of 42 MB.
 */
type Crc32 = (data: Uint8Array, value?: number) => number;
const crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** Where the upper-level links start in a file of `fileBytes` whose header is `header`, or null when the header does not add up. */
function linksStart(header: Uint8Array, fileBytes: number): number | null {
  if (header.byteLength < HEADER_BYTES) return null;
  const start = levelZeroEnd(header);
  return Number.isFinite(start) && start <= fileBytes ? start : null;
}

/** "crc32:<hex>" of the header and the upper-level links of an index file, reading only those; null when it is not one (or Node has no crc32). */
export async function structureChecksum(file: string): Promise<string | null> {
  const handle = await fs.open(file, 'r');
  try {
    const fileBytes = (await handle.stat()).size;
    const header = Buffer.alloc(HEADER_BYTES);
    if ((await handle.read(header, 0, HEADER_BYTES, 0)).bytesRead !== HEADER_BYTES) return null;
    const start = linksStart(header, fileBytes);
    if (start === null || !crc32) return null;
    const links = Buffer.allocUnsafe(fileBytes - start);
    for (let at = 0; at < links.byteLength; ) {
      const { bytesRead } = await handle.read(links, at, links.byteLength - at, start + at);
      if (bytesRead === 0) return null;
      at += bytesRead;
    }
    return `crc32:${crc32(links, crc32(header)).toString(16).padStart(8, '0')}`;
  } finally {
    await handle.close();
  }
}
