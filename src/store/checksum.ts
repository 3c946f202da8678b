import { createHash } from 'node:crypto';
import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import zlib from 'node:zlib';

/**
 * Checksums of the store's files, recorded in the manifest at build and checked at every load, so a file that
 * was damaged on disk (a flipped byte in `hnswlib.index` crashes hnswlib natively, or answers "Label not found")
 * is rebuilt instead of loaded. CRC-32 catches such damage and is much faster than sha256 (4–5 GB/s on a buffer
 * in memory here, against 0.3 GB/s), which matters for a store of several hundred MB read at every start. It does
 * not protect against someone who rewrites the files on purpose; they could rewrite the manifest too.
 * Node before 20.15 has no zlib.crc32: sha256 then, the algorithm named in the value.
 */
export interface FileChecksum {
  bytes: number;
  /** "crc32:<hex>" or "sha256:<hex>". */
  checksum: string;
  /** The index file only: the checksum of the parts hnswlib follows while reading it (`indexStructure.ts`). */
  structure?: string;
}

type Crc32 = (data: Uint8Array, value?: number) => number;
const crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** Pieces a file is checksummed in: large enough that per-piece costs vanish, small enough (~2 ms) not to hold the event loop. */
const PIECE_BYTES = 8 * 1024 * 1024;
/** Streams read in pieces this large (the 64 KiB default made the stream's own overhead the bulk of the cost). */
const STREAM_BYTES = 1024 * 1024;

/** Accumulates one checksum over pieces of a file, in the algorithm a manifest names. */
function checksummer(algorithm: string): { update(piece: Uint8Array): void; value(): string } {
  if (algorithm === 'crc32' && crc32) {
    let value = 0;
    return { update: (piece) => (value = crc32(piece, value)), value: () => `crc32:${value.toString(16).padStart(8, '0')}` };
  }
  if (algorithm !== 'sha256') throw new Error(`checksum ${algorithm} is not available in this Node.js`);
  const hash = createHash('sha256');
  return { update: (piece) => hash.update(piece), value: () => `sha256:${hash.digest('hex')}` };
}

/** Read through one reused buffer: a stream's fresh buffer per piece is external memory that pushes V8 into early GCs. */
async function digest(file: string, algorithm: string): Promise<string> {
  const sum = checksummer(algorithm);
  const handle = await fs.open(file, 'r');
  try {
    const piece = Buffer.allocUnsafeSlow(STREAM_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(piece, 0, piece.byteLength, null);
      if (bytesRead === 0) break;
      sum.update(piece.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return sum.value();
}

/** The checksum of bytes already in memory, in pieces with a turn of the event loop between them. */
export async function digestBytes(bytes: Uint8Array, algorithm: string): Promise<string> {
  const sum = checksummer(algorithm);
  for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) {
    if (at > 0) await nextTurn();
    sum.update(bytes.subarray(at, Math.min(bytes.byteLength, at + PIECE_BYTES)));
  }
  return sum.value();
}

function algorithmOf(want: FileChecksum): string {
  return want.checksum.split(':', 1)[0];
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

/** Why the files of `dir` don't have the sizes `expected` lists, in a few words; null when all do. Reads nothing. */
export async function sizeMismatch(dir: string, expected: Record<string, FileChecksum>): Promise<string | null> {
  const names = Object.keys(expected);
  const stats = await Promise.all(names.map((name) => fs.stat(path.join(dir, name)).catch(() => null)));
  for (let i = 0; i < names.length; i++) {
    const want = expected[names[i]];
    const stat = stats[i];
    if (!stat) return `${names[i]} is missing`;
    if (stat.size !== want.bytes) return `${names[i]} has ${stat.size} bytes, not ${want.bytes}`;
  }
  return null;
}

/** Why the files of `dir` don't match `expected`, in a few words; null when all match. */
export async function checksumMismatch(dir: string, expected: Record<string, FileChecksum>): Promise<string | null> {
  // Sizes first: a truncated or replaced file is found without reading anything.
  const sizes = await sizeMismatch(dir, expected);
  if (sizes) return sizes;
  for (const [name, want] of Object.entries(expected)) {
    if ((await digest(path.join(dir, name), algorithmOf(want))) !== want.checksum) return `${name} checksum mismatch`;
  }
  return null;
}

/** Checks one file of `dir` against its manifest entry without keeping it in memory; throws on a mismatch. */
export async function verifyFile(dir: string, name: string, want: FileChecksum): Promise<void> {
  if ((await digest(path.join(dir, name), algorithmOf(want))) !== want.checksum) throw new Error(`${name} checksum mismatch`);
}

/**
 * A file's bytes, read with as few calls as its size allows (`fs.readFile` reads 512 KiB per call, each a trip
 * through libuv's thread pool). `expectedBytes` sizes the buffer; a file that turns out shorter is returned as
 * it is, one that is longer with one byte more than expected, for the caller to refuse. The buffer is its own ArrayBuffer, 4-byte aligned.
 */
export async function readWhole(file: string, expectedBytes: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    // One byte more than expected tells a longer file from one of the expected size (the rest is not read).
    const bytes = Buffer.allocUnsafeSlow(expectedBytes + 1);
    let length = 0;
    while (length < bytes.byteLength) {
      const { bytesRead } = await handle.read(bytes, length, bytes.byteLength - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return bytes.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/**
 * Reads one file of `dir` whole, and checks the bytes read (not the file a second time) against its manifest
 * entry; throws when they differ. The caller decodes the very bytes that were checked.
 */
export async function readVerified(dir: string, name: string, want: FileChecksum): Promise<Buffer> {
  const bytes = await readWhole(path.join(dir, name), want.bytes);
  checkSize(name, bytes, want);
  if ((await digestBytes(bytes, algorithmOf(want))) !== want.checksum) throw new Error(`${name} checksum mismatch`);
  return bytes;
}

function checkSize(name: string, bytes: Uint8Array, want: FileChecksum): void {
  if (bytes.byteLength !== want.bytes) throw new Error(`${name} has ${bytes.byteLength} bytes, not ${want.bytes}`);
}

/**
 * `readVerified` in synchronous calls, for a thread that does nothing else (`verifiedReadsWorker.ts`): one read
 * call and one checksum call over the whole file.
 */
export function readVerifiedSync(dir: string, name: string, want: FileChecksum): Buffer {
  const fd = openSync(path.join(dir, name), 'r');
  let bytes: Buffer;
  try {
    // One byte more than expected tells a longer file from one of the expected size, as in `readWhole`.
    const buffer = Buffer.allocUnsafeSlow(want.bytes + 1);
    let length = 0;
    while (length < buffer.byteLength) {
      const read = readSync(fd, buffer, length, buffer.byteLength - length, length);
      if (read === 0) break;
      length += read;
    }
    bytes = buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
  checkSize(name, bytes, want);
  const sum = checksummer(algorithmOf(want));
  sum.update(bytes);
  if (sum.value() !== want.checksum) throw new Error(`${name} checksum mismatch`);
  return bytes;
}

/** `verifyFile` in synchronous calls, through one reused buffer (the file is not kept). */
export function verifyFileSync(dir: string, name: string, want: FileChecksum): void {
  const sum = checksummer(algorithmOf(want));
  const fd = openSync(path.join(dir, name), 'r');
  let total = 0;
  try {
    const piece = Buffer.allocUnsafeSlow(STREAM_BYTES);
    for (;;) {
      const read = readSync(fd, piece, 0, piece.byteLength, null);
      if (read === 0) break;
      sum.update(piece.subarray(0, read));
      total += read;
    }
  } finally {
    closeSync(fd);
  }
  if (total !== want.bytes) throw new Error(`${name} has ${total} bytes, not ${want.bytes}`);
  if (sum.value() !== want.checksum) throw new Error(`${name} checksum mismatch`);
}
