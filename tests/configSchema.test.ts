import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as askMain } from '../src/cli/ask.js';
import { main as searchMain } from '../src/cli/search.js';
import { ConfigProblems, loadSettings, VARIABLES } from '../src/configSchema.js';
import { runCliInProcess } from './helpers/runCli.js';
import { ROOT, tempProject } from './helpers/tempProject.js';

describe('the configuration schema', () => {
  it('.env.example lists exactly the variables the schema knows', async () => {
    const example = await fs.readFile(path.join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(new Set(listed).size, 'a variable is listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual([...VARIABLES].sort());
  });

  it('gives the documented defaults for an empty environment', () => {
    expect(loadSettings({})).toMatchObject({ CHUNK_SIZE: 1000, HNSW_M: 16, HYBRID_LEXICAL_WEIGHT: 0.99, LLM_PROVIDER: 'none', ALLOW_DMS: true, ALLOWED_GUILD_IDS: [], LOG_LEVEL: 'info', LLM_TIMEOUT_MS: 20_000 });
  });

  it('reads values: trimmed, case-folded choices, flags, id lists', () => {
    const s = loadSettings({ CHUNK_SIZE: ' 800 ', LLM_PROVIDER: 'Ollama', ANSWER_IN_THREAD: 'yes', ALLOWED_CHANNEL_IDS: '123456789012345678, 223456789012345678', DISCORD_API_URL: 'http://127.0.0.1:9/api/' });
    expect(s).toMatchObject({ CHUNK_SIZE: 800, LLM_PROVIDER: 'ollama', ANSWER_IN_THREAD: true, ALLOWED_CHANNEL_IDS: ['123456789012345678', '223456789012345678'], DISCORD_API_URL: 'http://127.0.0.1:9/api' });
  });

  it('lists every problem at once, one line each, never echoing the token', () => {
    let failure: unknown;
    try {
      loadSettings({ CHUNK_SIZE: 'big', HNSW_EF: '1', ALLOW_DMS: 'maybe', LLM_PROVIDER: 'anthropic', DISCORD_TOKEN: 'secret-value', ALLOWED_GUILD_IDS: '12,x' });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConfigProblems);
    const problems = (failure as ConfigProblems).problems;
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['ALLOWED_GUILD_IDS', 'ALLOW_DMS', 'CHUNK_SIZE', 'DISCORD_TOKEN', 'HNSW_EF', 'LLM_PROVIDER=anthropic']);
    for (const problem of problems) expect(problem).not.toContain('\n');
    expect(problems.join('\n')).not.toContain('secret-value');
    expect(problems).toContain('CHUNK_SIZE must be a whole number, got "big"');
    expect(problems).toContain('LLM_PROVIDER=anthropic needs LLM_API_KEY or ANTHROPIC_API_KEY');
  });
});

describe('commands check the configuration before any work', () => {
  let project: Awaited<ReturnType<typeof tempProject>>;
  beforeAll(async () => {
    project = await tempProject();
  });
  afterAll(() => project.cleanup());

  it('every problem is one line on stderr, exit code 2, and no store is built', async () => {
    const r = await runCliInProcess(searchMain, ['--json', 'Hormuz'], { CHUNK_SIZE: 'big', LLM_PROVIDER: 'gpt', LOG_LEVEL: 'loud' }, project.root);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: CHUNK_SIZE must be a whole number, got "big"',
      'error: LLM_PROVIDER must be one of none, openai, anthropic, ollama, got "gpt"',
      'error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
    expect(existsSync(project.store)).toBe(false);
  });

  it('a bad LLM_PROVIDER stops ask before the store is built', async () => {
    const r = await runCliInProcess(askMain, ['--json', 'Siapa Menteri Luar Negeri Jepang?'], { LLM_PROVIDER: 'openai' }, project.root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: LLM_PROVIDER=openai needs LLM_API_KEY or OPENAI_API_KEY/);
    expect(existsSync(project.store)).toBe(false);
  });
});
