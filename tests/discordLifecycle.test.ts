import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { FakeDiscord, fakeToken } from './helpers/fakeDiscord.js';
import { tempProject, ROOT } from './helpers/tempProject.js';
import { until } from './helpers/discordBotHarness.js';
import { readFeedbackFile } from '../src/discord/feedbackStore.js';
import { compiledEntry } from './helpers/runCli.js';

/**
 * The bot as `npm start` runs it: a separate process with DISCORD_TOKEN + DISCORD_API_URL pointing at the stand-in.
 * Bad configuration ends with one line per problem and exit code 2; SIGTERM ends with exit code 0, feedback flushed.
 */

// npm start: the compiled src/main.ts, which starts the bot when DISCORD_TOKEN is set.
const ENTRY = compiledEntry('src/main.ts');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runBot(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

let fake: FakeDiscord;
let project: Awaited<ReturnType<typeof tempProject>>;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  project = await tempProject();
  baseEnv = {
    SEEDS_DIR: project.seeds,
    VECTORSTORE_DIR: project.store,
    DATA_DB_FILE: path.join(project.root, 'briefing.db'),
    DISCORD_API_URL: fake.apiUrl,
  };
});

afterAll(async () => {
  await fake?.close();
  await project?.cleanup();
});

describe('bot process', () => {
  it('a malformed token ends with one line naming the problem, without echoing it, and exit code 2 (configuration)', async () => {
    const run = runBot({ ...baseEnv, DISCORD_TOKEN: 'not-a-token-secretvalue' });
    expect((await run.exited).code).toBe(2);
    expect(run.stderr().trim().split('\n')).toHaveLength(1);
    expect(run.stderr()).toMatch(/^error: DISCORD_TOKEN/);
    expect(run.stderr()).not.toContain('secretvalue');
  });

  it('a token Discord rejects ends with one line (token redacted) and exit code 1', async () => {
    const wrong = fakeToken('123456789012345678');
    const run = runBot({ ...baseEnv, DISCORD_TOKEN: wrong });
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toMatch(/^error: could not connect to Discord/);
    expect(run.stderr() + run.stdout()).not.toContain(wrong);
  });

  it('serves, then on SIGTERM flushes feedback, destroys the client and exits 0', async () => {
    const run = runBot({ ...baseEnv, DISCORD_TOKEN: fake.token });
    try {
      await until(() => run.stdout().includes('"event":"ready"'), 30_000, 'the bot to be ready');
      const { token } = fake.sendSlash('ask', [{ name: 'question', type: 3, value: 'Siapa Menteri Luar Negeri Jepang?' }]);
      const final = await fake.waitForFinal(token);
      expect(final.body.embeds[0].description).toContain('Motegi');
      const upId = final.body.components[0].components[1].custom_id as string;
      const click = fake.sendButton(upId, {}, final.body);
      await fake.waitForFinal(click.token);
      const connectionsBefore = fake.openConnections;
      run.child.kill('SIGTERM');
      const started = Date.now();
      const exit = await run.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(connectionsBefore).toBe(1);
      await until(() => fake.openConnections === 0, 2000, 'the gateway connection to close');
      expect(readFeedbackFile(baseEnv.DATA_DB_FILE).records.map((r) => r.vote)).toEqual(['up']);
      expect(run.stdout()).toContain('"event":"stopped"');
      expect(run.stdout() + run.stderr()).not.toContain(fake.token);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });
});

