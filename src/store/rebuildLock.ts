import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { oneLine } from '../errors.js';

/**
 * The cross-process lock around a rebuild (build, switch `CURRENT`, prune old generations): the folder
 * `.lock/rebuild` in the store directory, held with proper-lockfile. The holder refreshes it every 2 s; one not refreshed
 * for 10 s (its process was killed) is stale and taken over; sooner when `.lock/owner.json` shows that the
 * holder was a process on this machine that no longer exists. Waiters poll until it is free.
 */
/** A folder of its own, so the lock's comings and goings are not changes to the store directory's listing. */
export const LOCK_DIR = '.lock';
export const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_000;
/** How long a rebuild waits for another one before giving up (a large briefing can take minutes). */
const LOCK_WAIT_MS = 15 * 60_000;

export interface RebuildLock {
  /** Set when the lock was lost while held (its refresh was late: another process may have taken it over). */
  readonly compromised: boolean;
}

/** Errors that mean the store directory can't be written at all: the rebuild goes on unlocked (and is served from memory). */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR']);

interface Owner {
  pid: number;
  host: string;
  /** The lock folder's inode when this owner took it, so an owner file never speaks for a later lock. */
  ino: number;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** If the lock's holder was a process on this machine that is gone (killed), ages the lock so it is taken over now. */
async function expireIfOwnerDead(lockPath: string, ownerPath: string): Promise<void> {
  const [stat, text] = await Promise.all([fs.stat(lockPath).catch(() => null), fs.readFile(ownerPath, 'utf8').catch(() => null)]);
  if (!stat || !text) return;
  let owner: Partial<Owner>;
  try {
    owner = JSON.parse(text) as Partial<Owner>;
  } catch {
    return;
  }
  if (owner.ino !== stat.ino || owner.host !== os.hostname() || typeof owner.pid !== 'number' || processExists(owner.pid)) return;
  const past = new Date(Date.now() - 2 * LOCK_STALE_MS);
  await fs.utimes(lockPath, past, past).catch(() => undefined);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Runs `fn` holding the store's rebuild lock. `waited` tells `fn` whether another process held it first (so
 * the store may have changed since it was last read).
 */
export async function withRebuildLock<T>(
  storeDir: string,
  fn: (lock: RebuildLock, waited: boolean) => Promise<T>,
  log: (line: string) => void = () => undefined,
  waitMs = LOCK_WAIT_MS,
): Promise<T> {
  const lockPath = path.join(storeDir, LOCK_DIR, 'rebuild');
  const ownerPath = path.join(storeDir, LOCK_DIR, 'owner.json');
  const state = { compromised: false };
  let release: (() => Promise<void>) | null = null;
  let waited = false;
  try {
    await fs.mkdir(path.join(storeDir, LOCK_DIR), { recursive: true });
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        release = await lockfile.lock(storeDir, {
          lockfilePath: lockPath,
          realpath: false,
          stale: LOCK_STALE_MS,
          update: LOCK_UPDATE_MS,
          retries: 0,
          onCompromised: (error) => {
            state.compromised = true;
            log(`The store rebuild lock was lost (${oneLine(error)}); finishing this rebuild anyway.`);
          },
        });
        const ino = (await fs.stat(lockPath).catch(() => null))?.ino;
        const owner: Owner = { pid: process.pid, host: os.hostname(), ino: ino ?? -1 };
        if (ino !== undefined) await fs.writeFile(ownerPath, JSON.stringify(owner)).catch(() => undefined);
        break;
      } catch (error) {
        if (errorCode(error) !== 'ELOCKED') throw error;
        await expireIfOwnerDead(lockPath, ownerPath);
        if (!waited) log('Another rebuild of the store is in progress; waiting for it.');
        waited = true;
        if (Date.now() > deadline) throw new Error(`another rebuild has held ${lockPath} for over ${Math.round(waitMs / 1000)} s`);
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 150));
      }
    }
  } catch (error) {
    const code = errorCode(error);
    if (!code || !UNWRITABLE.has(code)) throw error;
    // Nothing can be saved there anyway: build without the lock and let the save fail (served from memory).
    release = null;
  }
  try {
    return await fn(state, waited);
  } finally {
    if (release) {
      await fs.rm(ownerPath, { force: true }).catch(() => undefined);
      await release().catch(() => undefined);
    }
  }
}
