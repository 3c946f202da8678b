import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** 32 random bytes, stored hex-encoded. */
const SECRET_BYTES = 32;
const SECRET_SHAPE = /^[0-9a-f]{64}$/;

async function readSecret(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Never echo the file's content in the error: it is the secret, or close to it.
  if (!SECRET_SHAPE.test(text.trim())) throw new Error(`${file} is not a secret written by this bot (64 hex characters); move it away to generate a new one`);
  return Buffer.from(text.trim(), 'hex');
}

/**
 * This installation's secret: read from `file`, or generated on first use (crypto.randomBytes) and stored there
 * with mode 0600. Written atomically and exclusively: a temp file is filled and synced, then hard-linked into
 * place, which fails if another process got there first; that process's secret is then used, so two starts at
 * once still agree on one secret.
 */
export async function loadOrCreateSecret(file: string): Promise<Buffer> {
  const existing = await readSecret(file);
  if (existing) return existing;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(SECRET_BYTES).toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
  const secret = await readSecret(file);
  if (!secret) throw new Error(`${file} vanished right after it was written`);
  return secret;
}
