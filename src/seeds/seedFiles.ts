import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatOf, SEED_EXTENSIONS } from './formats/index.js';

/** Longest file name kept (characters, extension included): far below every file system's limit. */
const MAX_NAME_CHARS = 100;

/** Refused with a reason the user sees. */
export class SeedFileError extends Error {}

/**
 * A file name safe to create under the seeds folder from a name a user sent: the last path segment only,
 * letters, digits, ".", "_", "-" and spaces (anything else becomes "_"), no leading dot (hidden files are not
 * read), a known extension. Throws SeedFileError when nothing usable is left.
 */
export function safeSeedFileName(sent: string): string {
  const last = sent.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const ext = path.extname(last).toLowerCase();
  if (!formatOf(last)) throw new SeedFileError(`only ${SEED_EXTENSIONS.join(', ')} files can be added`);
  const stem = last
    .slice(0, last.length - ext.length)
    .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
    .replace(/^[.\s_-]+|[.\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .slice(0, MAX_NAME_CHARS - ext.length);
  if (!stem) throw new SeedFileError('the file name has no usable characters');
  return `${stem}${ext}`;
}

/**
 * Writes `bytes` as `seedsDir/name`, atomically: a hidden temporary file (never read as a seed) renamed into
 * place, so a rebuild never sees half a file. Without `replace`, an existing file is never overwritten (the
 * temporary file is hard-linked to the name, which fails if the name is taken, even in a race).
 * Returns whether a file was replaced.
 */
export async function saveSeedFile(seedsDir: string, name: string, bytes: Uint8Array, replace: boolean): Promise<{ replaced: boolean }> {
  if (name !== safeSeedFileName(name)) throw new SeedFileError('unsafe file name');
  const target = path.join(seedsDir, name);
  const temp = path.join(seedsDir, `.upload-${randomBytes(6).toString('hex')}.tmp`);
  await fs.mkdir(seedsDir, { recursive: true });
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    const existing = await fs.lstat(target).catch(() => null);
    if (existing && !existing.isFile()) throw new SeedFileError(`${name} exists and is not a regular file`);
    if (replace) {
      await fs.rename(temp, target);
      return { replaced: existing !== null };
    }
    try {
      await fs.link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SeedFileError(`${name} is already in the briefing; add it with replace:true to overwrite it`);
      throw error;
    }
    return { replaced: false };
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/**
 * Removes the seed file `source` ("seeds/x.pdf", relative to `rootDir`) if it lies inside the seeds folder.
 * A symlink is removed itself, never what it points to.
 */
export async function removeSeedFile(seedsDir: string, rootDir: string, source: string): Promise<void> {
  const file = path.resolve(rootDir, source);
  const rel = path.relative(path.resolve(seedsDir), file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new SeedFileError('not a file of the briefing');
  try {
    if ((await fs.lstat(file)).isDirectory()) throw new SeedFileError('a folder, not a file: remove it on the server');
    await fs.unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SeedFileError('already gone');
    throw error;
  }
}
