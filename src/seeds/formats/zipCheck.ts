import { unzipSync, type UnzipFileInfo } from 'fflate';
import { UnreadableDocument } from './types.js';

/** Images and embedded files: a Word reader never inflates them to get the text. */
const NOT_READ = /^word\/(media|embeddings)\//;

/**
 * Reads a zip's central directory (nothing inflated) and refuses a zip bomb: the parts a text reader inflates
 * may not declare more than `maxExpandedBytes`. Returns the entry names.
 */
export function checkZip(bytes: Uint8Array, maxExpandedBytes: number, what: string): string[] {
  const entries: UnzipFileInfo[] = [];
  try {
    unzipSync(bytes, { filter: (file) => (entries.push(file), false) });
  } catch (error) {
    throw new UnreadableDocument(`corrupt ${what} (not a readable zip: ${(error as Error).message})`);
  }
  const expanded = entries.filter((e) => !NOT_READ.test(e.name)).reduce((sum, e) => sum + e.originalSize, 0);
  if (expanded > maxExpandedBytes) {
    throw new UnreadableDocument(`zip bomb: its text parts expand to ${expanded} bytes (more than ${maxExpandedBytes})`);
  }
  return entries.map((e) => e.name);
}

/** One small entry, inflated (callers have passed checkZip). */
export function readZipEntry(bytes: Uint8Array, name: string): Uint8Array | undefined {
  return unzipSync(bytes, { filter: (file) => file.name === name })[name];
}
