import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CliResult } from './runCli.js';
import { compiledEntry } from './runCli.js';

/**
 * File permissions only bite a user who is not root, and tests may well run as root (CI containers do). As root,
 * a CLI runs as `nobody` through setpriv; as anyone else, as that user. `why` says why neither can be done, so a
 * test can skip with the reason.
 */
const NOBODY = '65534';
const isRoot = process.getuid?.() === 0;
const canDrop = isRoot && spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'true']).status === 0;

export const unprivilegedSkipReason: string | null =
  isRoot && !canDrop ? 'running as root without a working setpriv: permissions cannot be tested' : null;

/** Runs a project entry point (its compiled build in dist/, as npm runs it) as a user that file permissions apply to. */
export function runUnprivileged(script: string, args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  const node = [process.execPath, compiledEntry(script), ...args];
  const command = canDrop ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: canDrop ? '/tmp' : (process.env.HOME ?? ''), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Lets every user read a temp project (mkdtemp makes it 0700): folders 0755, files 0644. */
export async function openToEveryone(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await openToEveryone(full);
    else if (entry.isFile()) await fs.chmod(full, 0o644);
  }
}
