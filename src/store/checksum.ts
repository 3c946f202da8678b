import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Checksums of the store's files, recorded in the manifest at build and checked at every load, so a file that
 * was damaged on disk (a flipped byte in `hnswlib.index` crashes hnswlib natively, or answers "Label not found")
 * is rebuilt instead of loaded. CRC-32 catches such damage and is about four times faster than sha256 here
 * (1.2 GB/s against 0.3 GB/s), which matters for a store of several hundred MB read at every start. It does not
 * protect against someone who rewrites the files on purpose; they could rewrite the manifest too.
 * Node before 20.15 has no zlib.crc32: sha256 then, the algorithm named in the value.
 */
export interface FileChecksum {
  bytes: number;
  /** "crc32:<hex>" or "sha256:<hex>". */
  checksum: string;
}

type Crc32 = (data: Uint8Array, value?: number) => number;
const crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

async function digest(file: string, algorithm: string): Promise<string> {
  const stream = createReadStream(file);
  if (algorithm === 'crc32' && crc32) {
    let value = 0;
    for await (const piece of stream) value = crc32(piece as Buffer, value);
    return `crc32:${value.toString(16).padStart(8, '0')}`;
  }
  if (algorithm !== 'sha256') throw new Error(`checksum ${algorithm} is not available in this Node.js`);
  const hash = createHash('sha256');
  for await (const piece of stream) hash.update(piece as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Size and checksum of each file of `dir` (not recursive). */
export async function checksumFiles(dir: string, files: string[]): Promise<Record<string, FileChecksum>> {
  const out: Record<string, FileChecksum> = {};
  for (const name of files) {
    const file = path.join(dir, name);
    out[name] = { bytes: (await fs.stat(file)).size, checksum: await digest(file, crc32 ? 'crc32' : 'sha256') };
  }
  return out;
}

/** Why the files of `dir` don't match `expected`, in a few words; null when all match. */
export async function checksumMismatch(dir: string, expected: Record<string, FileChecksum>): Promise<string | null> {
  // Sizes first: a truncated or replaced file is found without reading anything.
  for (const [name, want] of Object.entries(expected)) {
    const stat = await fs.stat(path.join(dir, name)).catch(() => null);
    if (!stat) return `${name} is missing`;
    if (stat.size !== want.bytes) return `${name} has ${stat.size} bytes, not ${want.bytes}`;
  }
  for (const [name, want] of Object.entries(expected)) {
    const algorithm = want.checksum.split(':', 1)[0];
    if ((await digest(path.join(dir, name), algorithm)) !== want.checksum) return `${name} checksum mismatch`;
  }
  return null;
}
