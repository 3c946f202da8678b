import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/tempProject.js';

/**
 * docker-compose.yml is checked by Compose itself (`docker compose config`, or the standalone `docker-compose`):
 * no engine is needed to validate it. Skipped, with the reason, where neither client is installed.
 */
const FILE = path.join(ROOT, 'docker-compose.yml');
const CLIENTS: string[][] = [['docker', 'compose'], ['docker-compose']];
const client = CLIENTS.find(([command, ...sub]) => spawnSync(command, [...sub, 'version'], { stdio: 'ignore' }).status === 0);
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const compose = (extraEnv: Record<string, string>, ...args: string[]) =>
  spawnSync(client![0], [...client!.slice(1), '-f', FILE, ...args], { cwd: ROOT, env: { ...env, ...extraEnv }, encoding: 'utf8' });

describe.skipIf(!client)(`docker-compose.yml${client ? '' : ' (skipped: neither `docker compose` nor `docker-compose` is installed)'}`, () => {
  it('is valid: PostgreSQL and two bots, one shard each, sharing the database and the store', () => {
    const result = compose({ DISCORD_TOKEN: 'placeholder' }, 'config');
    expect(result.stderr).not.toMatch(/invalid|error/i);
    expect(result.status).toBe(0);
    const config = result.stdout;
    for (const service of ['postgres:', 'bot-a:', 'bot-b:']) expect(config).toContain(service);
    expect(config.match(/DATABASE_URL: postgres:\/\/briefing:briefing@postgres:5432\/briefing/g)).toHaveLength(2);
    expect(config).toMatch(/SHARD_IDS: ['"]?0['"]?\n/);
    expect(config).toMatch(/SHARD_IDS: ['"]?1['"]?\n/);
  });

  it('refuses to run without DISCORD_TOKEN, naming it', () => {
    const result = compose({}, 'config', '-q');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('DISCORD_TOKEN');
  });
});
