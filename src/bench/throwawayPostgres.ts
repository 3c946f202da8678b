import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for tests and `npm run bench`: initdb + pg_ctl in a temp folder, on a free loopback port, as a
 * non-root user (PostgreSQL refuses to run as root; as root the commands run as `nobody` through setpriv, as
 * tests/helpers/unprivileged.ts does). Trust authentication on 127.0.0.1 only, fsync off: it is thrown away.
 */
const NOBODY = '65534';
const isRoot = process.getuid?.() === 0;

function findBinDir(): string | undefined {
  const fromPath = (process.env.PATH ?? '').split(':').find((dir) => dir && existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'initdb')));
  if (fromPath) return fromPath;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, 'bin')).find((dir) => existsSync(path.join(dir, 'pg_ctl')));
}

const BIN = findBinDir();
const canDrop = !isRoot || spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'true']).status === 0;

/** Why no throwaway cluster can be started here, or null. */
export const postgresMissingReason: string | null = !BIN
  ? 'PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install -y postgresql-15'
  : !canDrop
    ? 'running as root without a working setpriv: PostgreSQL will not run as root'
    : null;

function asServerUser(command: string, args: string[]): [string, string[]] {
  const full = path.join(BIN as string, command);
  return isRoot ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', full, ...args]] : [full, args];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: clients are cut off, as in an outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** A fresh empty database on this cluster; its URL. */
  createDatabase(name: string): Promise<string>;
  /** A fresh empty schema in the default database, as a URL whose connections use only it: a new database in
   * a millisecond (CREATE DATABASE takes ~0.3 s). LISTEN/NOTIFY channels are still shared across schemas. */
  createSchema(name: string): Promise<string>;
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  if (postgresMissingReason) throw new Error(postgresMissingReason);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'briefing-pg-'));
  if (isRoot) await fs.chown(dir, Number(NOBODY), Number(NOBODY));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const exec = (command: string, args: string[]) => {
    const [file, argv] = asServerUser(command, args);
    return run(file, argv, { cwd: dir, env: { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C' } });
  };
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  };
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const runSql = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    port,
    start,
    stop,
    async createDatabase(name) {
      await runSql(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async createSchema(name) {
      await runSql(`CREATE SCHEMA "${name.replace(/"/g, '')}"`);
      return `${url}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    async destroy() {
      await stop().catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
