/**
 * Writes one shard: samples its instances in the sandbox and writes every requested format
 * atomically. Idempotent: a marker file remembers the shard's spec hash and each file's sha256,
 * so a retry after a crash (or a re-run of the same request) skips a shard already on disk, and
 * otherwise rewrites the very same bytes. Safe on a dataset root shared by workers on several
 * machines: two workers racing on one shard write the same bytes, each through its own temp
 * file renamed over the target, so a reader sees one whole file or the other, never a mix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxPool } from '../sandbox';
import { difficultyFor, seedRange } from './instances';
import { shardBaseName, type PlanEnv, type Split } from './plan';
import { buildRow, type DatasetRow } from './rows';
import type { RowSelection } from './selection';
import { sha256 } from '../lib/hash';
import { atomicWrite, encode, sha256File, type Format } from './writers';

/** Bumped when the row layout or encoders change, so old markers no longer match. */
export const SHARD_FORMAT_VERSION = 1;

export interface ShardInput {
  outDir: string;
  formats: Format[];
  split: Split;
  index: number;
  count: number;
  start: number;
  segments: { env: PlanEnv; from: number; to: number }[];
  /** Which rows to keep (part of the spec hash: other settings, other shard). */
  selection?: RowSelection;
}

export interface ShardFile {
  format: Format;
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}
export interface ShardResult {
  split: Split;
  index: number;
  rows: number;
  files: ShardFile[];
  /** Instances the environment itself fails on (deterministic guest errors): left out. */
  dropped: { env_id: string; seed: number; difficulty: number; error: string }[];
  skipped: boolean;
}

/** Sandbox failures that may pass on a retry (load, a crashed worker): the shard fails and Temporal retries. */
const TRANSIENT = new Set(['timeout', 'host-crash']);
const BATCH = 500;

export interface ShardDeps {
  pool: SandboxPool;
  source(envId: string): string | Promise<string>;
  heartbeat?(detail: unknown): void;
  /** Row selection after sampling (prompt length, pass rate): per row, null to keep or why it is left out. */
  admit?(rows: DatasetRow[]): Promise<(string | null)[]>;
}

function markerFile(outDir: string, base: string): string {
  return path.join(outDir, `.${base}.done.json`);
}

export function shardSpecHash(input: ShardInput): string {
  const { outDir: _outDir, ...spec } = input;
  return sha256(JSON.stringify({ v: SHARD_FORMAT_VERSION, spec }));
}

/** The recorded result when every file is on disk with its recorded checksum. */
function completed(input: ShardInput, base: string, specHash: string): ShardResult | undefined {
  let marker: { specHash: string; result: ShardResult };
  try {
    marker = JSON.parse(fs.readFileSync(markerFile(input.outDir, base), 'utf8'));
  } catch {
    return undefined;
  }
  if (marker.specHash !== specHash) return undefined;
  const files = marker.result.files;
  if (input.formats.some((f) => !files.find((x) => x.format === f))) return undefined;
  for (const f of files) if (sha256File(path.join(input.outDir, f.file)) !== f.sha256) return undefined;
  return { ...marker.result, skipped: true };
}

export async function sampleShardRows(
  input: ShardInput,
  deps: ShardDeps,
): Promise<{ rows: DatasetRow[]; dropped: ShardResult['dropped'] }> {
  const rows: DatasetRow[] = [];
  const dropped: ShardResult['dropped'] = [];
  let position = input.start;
  for (const seg of input.segments) {
    const source = await deps.source(seg.env.id);
    for (let from = seg.from; from < seg.to; from += BATCH) {
      const to = Math.min(seg.to, from + BATCH);
      const seeds = seedRange(seg.env.id, input.split, from, to);
      const items = seeds.map((seed, k) => ({ seed, difficulty: difficultyFor(seg.env.levels, from + k) }));
      const results = await deps.pool.sample(source, items);
      results.forEach((r, k) => {
        const it = items[k]!;
        if (r.ok) rows.push(buildRow(seg.env, input.split, position + k, it.seed, it.difficulty, r.value.prompt));
        else if (TRANSIENT.has(r.error.kind)) {
          throw new Error(`${seg.env.name} seed ${it.seed} difficulty ${it.difficulty}: sandbox ${r.error.kind}: ${r.error.message}`);
        } else dropped.push({ env_id: seg.env.id, seed: it.seed, difficulty: it.difficulty, error: `${r.error.kind}: ${r.error.message}` });
      });
      position += to - from;
      deps.heartbeat?.({ split: input.split, index: input.index, rows: rows.length });
    }
  }
  if (!deps.admit) return { rows, dropped };
  const verdicts = await deps.admit(rows);
  const kept = rows.filter((r, i) => {
    const why = verdicts[i];
    if (why) dropped.push({ env_id: r.env_id, seed: r.seed, difficulty: r.difficulty, error: why });
    return !why;
  });
  return { rows: kept, dropped };
}

/**
 * A temp file untouched this long was left by a killed attempt; younger ones may belong to a
 * worker on another machine writing the same shard right now (a retry racing a presumed-dead
 * attempt on a shared dataset root), whose rename must not lose its file.
 */
export const STALE_TEMP_MS = 10 * 60_000;

/** Temp files killed attempts left behind for this shard (atomicWrite names them .<file>.<pid>.<rand>.tmp). */
function removeStaleTemps(outDir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(outDir);
  } catch {
    return;
  }
  const cutoff = Date.now() - STALE_TEMP_MS;
  for (const n of names) {
    if (!n.startsWith(`.${base}.`) || !n.endsWith('.tmp')) continue;
    const file = path.join(outDir, n);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st && st.mtimeMs < cutoff) fs.rmSync(file, { force: true });
  }
}

export async function writeShard(input: ShardInput, deps: ShardDeps): Promise<ShardResult> {
  const base = shardBaseName(input);
  const specHash = shardSpecHash(input);
  const done = completed(input, base, specHash);
  if (done) return done;
  removeStaleTemps(input.outDir, base);
  const { rows, dropped } = await sampleShardRows(input, deps);
  const files: ShardFile[] = [];
  for (const format of input.formats) {
    const data = await encode(format, rows);
    const file = `${base}.${format}`;
    const target = path.join(input.outDir, file);
    const digest = sha256(data);
    // Same bytes already there (a crash after the rename): leave the file alone.
    if (sha256File(target) !== digest) atomicWrite(target, data);
    files.push({ format, file, rows: rows.length, bytes: data.length, sha256: digest });
  }
  const result: ShardResult = { split: input.split, index: input.index, rows: rows.length, files, dropped, skipped: false };
  atomicWrite(markerFile(input.outDir, base), JSON.stringify({ specHash, result }));
  return result;
}
