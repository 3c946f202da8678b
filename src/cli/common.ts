import { promises as fs, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { ConfigProblems, loadSettings } from '../configSchema.js';
import { UserInputError, oneLine } from '../errors.js';
import { loadEnvFile } from '../envFile.js';
import { cleanQuery } from '../text/userInput.js';

/** One line of a batch file, numbered from 1: either the cleaned text or why it cannot be used. */
export type BatchItem = { line: number; text: string } | { line: number; error: string };

/**
 * Every line of a batch file, in order, so output line N always answers input line N (blank and bad lines
 * become error items, never gaps). A file with no usable line at all is an error.
 */
export async function readBatchFile(file: string, what = 'query'): Promise<BatchItem[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UserInputError(`Cannot read batch file ${file}: ${(error as NodeJS.ErrnoException).code ?? oneLine(error)}`);
  }
  // A final newline ends the last line; it does not start another.
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const items: BatchItem[] = lines.map((raw, i) => {
    try {
      return { line: i + 1, text: cleanQuery(raw, what) };
    } catch (error) {
      return { line: i + 1, error: oneLine(error) };
    }
  });
  if (!items.some((item) => 'text' in item)) throw new UserInputError(`The batch file ${file} has no ${what} (one per line).`);
  return items;
}

export function parseIntOption(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new UserInputError(`${name} must be a whole number from ${min} to ${max}.`);
    const n = Number(value);
    if (n < min || n > max) throw new UserInputError(`${name} must be from ${min} to ${max}, got ${n}.`);
    return n;
  };
}

/** Commander set up to throw instead of printing usage and exiting, so every bad input ends the same way. */
export function strictCommand(program: Command): Command {
  return program
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError(false);
}

/** A command's work, given its arguments (without `node script`). Bad input throws a UserInputError. */
export type CliMain = (args: string[]) => Promise<void>;

/**
 * Runs a command and returns its exit code: bad input → one line on stderr and 2, bad configuration → one line
 * per problem and 2; any other failure → one line and 1. Never a stack trace. Tests call this in-process; `runCli` for the real process.
 */
export async function runCliMain(main: CliMain, args: string[]): Promise<number> {
  try {
    loadEnvFile();
    // The whole configuration is checked before any work: a bad variable fails at once, not after a build.
    loadSettings(process.env);
    await main(args);
    return 0;
  } catch (error) {
    if (error instanceof ConfigProblems) {
      for (const problem of error.problems) process.stderr.write(`error: ${oneLine(problem)}\n`);
      return 2;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      process.stderr.write(`error: ${oneLine(error.message.replace(/^error:\s*/i, ''))}\n`);
      return 2;
    }
    process.stderr.write(`error: ${oneLine(error)}\n`);
    return error instanceof UserInputError ? 2 : 1;
  }
}

/** True when `moduleUrl` is the script node was started with (so importing a CLI module never runs it). */
function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

/** The process entry: runs `main` with the command line when its module was started by node, then exits. */
export function runCli(moduleUrl: string, main: CliMain): void {
  if (!isEntryPoint(moduleUrl)) return;
  void runCliMain(main, process.argv.slice(2)).then((code) => {
    // Success lets pending output drain; a failure ends at once, whatever is still open.
    if (code === 0) process.exitCode = 0;
    else process.exit(code);
  });
}
