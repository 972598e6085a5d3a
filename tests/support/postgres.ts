/**
 * A real, throwaway PostgreSQL cluster for the tests: initdb in a temp folder, pg_ctl start on a
 * free loopback port (unix socket in the same folder), stopped and removed at the end of the
 * suite (global fixture teardown). Started lazily, once per test process, by the first test
 * that asks; its URL is exported as RESYN_TEST_POSTGRES_URL so spawned worker processes can
 * share it. initdb refuses to run as root, so as root it runs as the `postgres` user.
 * Missing binaries are an error (.ci/run installs them), never a silent skip.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { freePort } from '../../worker/dev-server';

/** Debian's versioned layout (/usr/lib/postgresql/<major>/bin), newest first; else PATH. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length) return path.join(root, majors[0]!, 'bin');
  try {
    return path.dirname(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install -y postgresql (.ci/run does this)');
  }
}

const asRoot = process.getuid?.() === 0;
/** Runs a PostgreSQL binary, as the postgres user when we are root. */
function pgExec(bin: string, args: string[]): string {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Cluster {
  url: string;
  dir: string;
  pgCtl: string;
}
let cluster: Promise<Cluster> | undefined;
let started: Cluster | undefined;

async function start(): Promise<Cluster> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-pg-'));
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  pgExec(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const pgCtl = path.join(bin, 'pg_ctl');
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  pgExec(pgCtl, ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  started = { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, pgCtl };
  process.env.RESYN_TEST_POSTGRES_URL = started.url;
  // Also when the process ends without the global teardown (a crash, process.exit from a bench).
  process.once('exit', stopPostgres);
  return started;
}

/** The cluster's URL (the `postgres` database), starting the cluster on first use. */
export async function postgresUrl(): Promise<string> {
  cluster ??= start();
  return (await cluster).url;
}

let dbSeq = 0;
/** A new empty database in the cluster: its URL. */
export async function freshDatabase(prefix = 'resyn'): Promise<string> {
  const base = await postgresUrl();
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${dbSeq++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Stops and removes the cluster if this process started one (global fixture teardown). */
export function stopPostgres(): void {
  if (!started) return;
  const { dir, pgCtl } = started;
  started = undefined;
  try {
    pgExec(pgCtl, ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
