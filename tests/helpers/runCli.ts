import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCliMain, type CliMain } from '../../src/cli/common.js';
import { ROOT } from './tempProject.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The compiled file npm runs for a source entry point: src/cli/ask.ts → dist/src/cli/ask.js. */
export function compiledEntry(script: string): string {
  return path.join(ROOT, 'dist', script.replace(/\.ts$/, '.js'));
}

/**
 * Runs one of the project's entry points as its own process, the way npm does (the compiled build in dist/,
 * which the tests' global setup keeps up to date), with only PATH, HOME and `env` in its environment.
 */
export function runCli(script: string, args: string[], env: Record<string, string> = {}, input?: string, cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiledEntry(script), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

// Vitest's own variables stay: its worker reads them while a command runs.
const KEPT_VARIABLES = /^(VITEST|NODE_|TZ$)/;

type Write = typeof process.stdout.write;

function capture(stream: NodeJS.WriteStream, sink: (text: string) => void): () => void {
  const original = stream.write;
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  }) as Write;
  return () => {
    stream.write = original;
  };
}

/**
 * Runs a command's `main` inside the test process, as its process would see it: the arguments, an environment
 * of only PATH, HOME and `env`, `cwd` as the working directory; stdout, stderr and the exit code are captured.
 * Much faster than a process per case. Calls must not overlap (they share the process's globals).
 */
export async function runCliInProcess(main: CliMain, args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliResult> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  let stdout = '';
  let stderr = '';
  const restoreStdout = capture(process.stdout, (text) => (stdout += text));
  const restoreStderr = capture(process.stderr, (text) => (stderr += text));
  for (const key of Object.keys(process.env)) if (!KEPT_VARIABLES.test(key)) delete process.env[key];
  Object.assign(process.env, { PATH: savedEnv.PATH ?? '', HOME: savedEnv.HOME ?? '' }, env);
  process.chdir(cwd);
  try {
    const code = await runCliMain(main, args);
    return { code, stdout, stderr };
  } finally {
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    restoreStdout();
    restoreStderr();
  }
}
