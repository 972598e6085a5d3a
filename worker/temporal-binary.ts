/**
 * Finds the `temporal` CLI that runs the embedded dev server, in this order:
 *   1. TEMPORAL_CLI_PATH (config temporal.cliPath)
 *   2. `temporal` on PATH
 *   3. the machine-level cache (~/.cache/resyn/bin/temporal-<version>/temporal)
 *   4. a build from the Go module proxy into that cache (`go install github.com/temporalio/cli/cmd/temporal@<version>`)
 * Otherwise the caller may fall back to the SDK's own cached download (needs internet).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResynConfig } from '../temporal.config';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type Log = (msg: string) => void;

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export function cachedBinaryPath(cfg: ResynConfig): string {
  return path.join(cfg.temporal.cliCacheDir, `temporal-${cfg.temporal.cliVersion}`, 'temporal');
}

/** The binary that exists now, without building anything. */
export function findTemporalBinary(cfg: ResynConfig): string | undefined {
  if (cfg.temporal.cliPath) {
    if (!isExecutable(cfg.temporal.cliPath)) {
      throw new Error(`TEMPORAL_CLI_PATH=${cfg.temporal.cliPath} is not an executable file`);
    }
    return cfg.temporal.cliPath;
  }
  return onPath('temporal') ?? (isExecutable(cachedBinaryPath(cfg)) ? cachedBinaryPath(cfg) : undefined);
}

export class TemporalBinaryError extends Error {
  override name = 'TemporalBinaryError';
}

/** Waits for another process's build (a lock directory) so two test runs never build twice. */
async function withBuildLock<T>(lockDir: string, fn: () => Promise<T>, log: Log): Promise<T> {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8').trim() || 0);
      let alive = false;
      try {
        if (pid) process.kill(pid, 0);
        alive = pid > 0;
      } catch {
        alive = false;
      }
      if (!alive && Date.now() - started > 2000) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!told) log(`waiting for another process (pid ${pid}) that is building the Temporal CLI...`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds the Temporal CLI with the machine's Go into the cache; atomic (temp dir + rename). */
export async function buildTemporalWithGo(cfg: ResynConfig, log: Log): Promise<string> {
  const go = onPath('go');
  if (!go) throw new TemporalBinaryError('Go is not installed (no `go` on PATH)');
  const target = cachedBinaryPath(cfg);
  const lockDir = path.join(cfg.temporal.cliCacheDir, `.build-${cfg.temporal.cliVersion}.lock`);
  return withBuildLock(
    lockDir,
    async () => {
      if (isExecutable(target)) return target; // built by the process we waited for
      const tmp = fs.mkdtempSync(path.join(cfg.temporal.cliCacheDir, '.build-'));
      const mod = `${TEMPORAL_CLI_MODULE}@${cfg.temporal.cliVersion}`;
      log(`building the Temporal CLI once: go install ${mod} (a few minutes; cached in ${path.dirname(target)})`);
      const t0 = Date.now();
      const code = await new Promise<number>((resolve) => {
        const p = spawn(go, ['install', mod], {
          env: { ...process.env, GOBIN: tmp, CGO_ENABLED: '0', GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        const tick = setInterval(() => log(`  still building the Temporal CLI (${Math.round((Date.now() - t0) / 1000)} s)...`), 30_000);
        p.on('exit', (c) => {
          clearInterval(tick);
          resolve(c ?? 1);
        });
        p.on('error', () => {
          clearInterval(tick);
          resolve(1);
        });
      });
      if (code !== 0 || !isExecutable(path.join(tmp, 'temporal'))) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new TemporalBinaryError(`go install ${mod} failed (exit ${code})`);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(tmp, 'temporal'), target);
      fs.rmSync(tmp, { recursive: true, force: true });
      log(`built the Temporal CLI in ${Math.round((Date.now() - t0) / 1000)} s: ${target}`);
      return target;
    },
    log,
  );
}

/** The path of a usable `temporal` binary, building it if needed; undefined means "use the SDK download". */
export async function ensureTemporalBinary(cfg: ResynConfig, log: Log = (m) => console.error(m)): Promise<string | undefined> {
  const found = findTemporalBinary(cfg);
  if (found) return found;
  try {
    return await buildTemporalWithGo(cfg, log);
  } catch (err) {
    log(`could not build the Temporal CLI with Go: ${(err as Error).message}; trying the SDK's download instead`);
    return undefined;
  }
}

export function noTemporalMessage(cfg: ResynConfig, cause: string): string {
  return [
    `No Temporal server could be started (${cause}). Any one of these works:`,
    `  1. put a \`temporal\` binary on PATH, or set TEMPORAL_CLI_PATH=/path/to/temporal;`,
    `  2. install Go >= 1.25 so resyn can build it once into ${path.dirname(cachedBinaryPath(cfg))}`,
    `     (go install ${TEMPORAL_CLI_MODULE}@${cfg.temporal.cliVersion});`,
    `  3. allow internet access so the Temporal SDK can download its cached dev server;`,
    `or set TEMPORAL_ADDRESS=host:port to use an existing Temporal cluster.`,
  ].join('\n');
}

/** `temporal --version`, for messages. */
export function temporalVersion(bin: string): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}
