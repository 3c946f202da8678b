import { spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeDiscord } from './fakeDiscord.js';
import { summarizeLatency, type Latency } from './latency.js';

/**
 * The bot as `npm start` runs it, as its own process against the stand-in Discord, and the timed `/ask` load the
 * Discord benches (answer workers, shards) put on it.
 */

/** The repository (the nearest folder above this file with a package.json): from src/ and from dist/ alike. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json) above the Discord bench');
    dir = up;
  }
  return dir;
}
// The bot's working directory, so SEEDS_DIR's default (seeds/) is the repository's. Compiled, this file is in
// dist/src/bench: two folders up is dist/, where the bot found no seeds and answered from an empty briefing.
export const ROOT = projectRoot();
const OWN_EXTENSION = path.extname(fileURLToPath(import.meta.url));
const LOADER = OWN_EXTENSION === '.ts' ? ['--import', 'tsx'] : [];

/** Node's arguments to run one of the project's entry points (relative to src/): compiled, or through tsx from sources. */
export function entryArgs(fromSrc: string): string[] {
  return [...LOADER, fileURLToPath(new URL(`../${fromSrc}${OWN_EXTENSION}`, import.meta.url))];
}

export const QUESTIONS = [
  'Siapa Menteri Luar Negeri Jepang?',
  'Di mana Kang dan Pompeo bertemu?',
  'What did Washington hope South Korea would join?',
  'What is the capital of France?',
  'Berapa lama pertemuan itu?',
];

/** Resident memory of a process in MB (worker threads included), from /proc; NaN when it is gone. */
export async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export interface BotProcess {
  pid: number;
  /** Its child processes (ShardingManager's shards). */
  childPids(): number[];
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/** Starts the bot (`npm start`) against `fake` with `env`, and waits until `ready()` holds (at most 90 s). */
export async function startBot(fake: FakeDiscord, env: Record<string, string>, ready: () => boolean): Promise<BotProcess> {
  const child = spawn(process.execPath, entryArgs('main'), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 90_000;
  while (!ready()) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`the bot did not start: ${stderr.trim().slice(0, 300)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const childPids = () => {
    try {
      const text = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      return text ? text.split(/\s+/).map(Number) : [];
    } catch {
      return [];
    }
  };
  return { pid: child.pid!, childPids, stop };
}

/**
 * Sends `interactions` asks, `concurrency` in flight, and times each from sending INTERACTION_CREATE to the
 * acknowledgement (the callback) and to the final answer (PATCH of @original).
 */
export async function timedAsks(
  fake: FakeDiscord,
  interactions: number,
  concurrency: number,
  send: (i: number) => { token: string; sentAt: number },
): Promise<{ ack: Latency; final: Latency; seconds: number }> {
  const acks: number[] = [];
  const finals: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < interactions) {
      const sent = send(next++);
      const ack = await fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/${sent.token}/callback`), 30_000);
      const final = await fake.waitForFinal(sent.token, 30_000);
      acks.push(ack.time - sent.sentAt);
      finals.push(final.time - sent.sentAt);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ack: summarizeLatency(acks), final: summarizeLatency(finals), seconds: (performance.now() - started) / 1000 };
}
