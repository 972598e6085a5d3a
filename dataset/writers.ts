/**
 * Encoders for dataset shards (JSONL and Parquet) and the atomic file write every shard goes
 * through. Both encoders are pure functions of the rows, so the same rows give the same bytes.
 */
import { sha256 } from '../lib/hash';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importEsm } from './esm';
import type { DatasetRow } from './rows';

export type Format = 'jsonl' | 'parquet';

export function encodeJsonl(rows: DatasetRow[]): Buffer {
  return Buffer.from(rows.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');
}

const str = (name: string) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
const i64 = (name: string) => ({ name, type: 'INT64', repetition_type: 'REQUIRED' });

/**
 * The Parquet schema: nested columns are real Parquet structs and 3-level LISTs (what pyarrow
 * writes), so pandas / datasets read `prompt` as a list of {role, content} as verl expects.
 */
export const PARQUET_SCHEMA = [
  { name: 'root', num_children: 10 },
  str('id'),
  str('env_id'),
  str('env_name'),
  i64('seed'),
  { name: 'difficulty', type: 'INT32', repetition_type: 'REQUIRED' },
  str('data_source'),
  { name: 'prompt', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
  str('role'),
  str('content'),
  str('ability'),
  { name: 'reward_model', repetition_type: 'REQUIRED', num_children: 2 },
  str('style'),
  str('ground_truth'),
  { name: 'extra_info', repetition_type: 'REQUIRED', num_children: 4 },
  str('split'),
  i64('index'),
  { name: 'tags', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  str('element'),
  str('question'),
];

export async function encodeParquet(rows: DatasetRow[]): Promise<Buffer> {
  const { parquetWriteBuffer } = await importEsm('hyparquet-writer');
  const col = <T>(name: string, f: (r: DatasetRow) => T) => ({ name, data: rows.map(f) });
  const buf: ArrayBuffer = parquetWriteBuffer({
    schema: PARQUET_SCHEMA,
    columnData: [
      col('id', (r) => r.id),
      col('env_id', (r) => r.env_id),
      col('env_name', (r) => r.env_name),
      col('seed', (r) => BigInt(r.seed)),
      col('difficulty', (r) => r.difficulty),
      col('data_source', (r) => r.data_source),
      col('prompt', (r) => r.prompt),
      col('ability', (r) => r.ability),
      col('reward_model', (r) => r.reward_model),
      col('extra_info', (r) => ({ ...r.extra_info, index: BigInt(r.extra_info.index) })),
    ],
    // Fixed writer string and row groups: the bytes depend on the rows only.
    createdBy: 'resyn',
    rowGroupSize: 10_000,
  });
  return Buffer.from(buf);
}

export async function encode(format: Format, rows: DatasetRow[]): Promise<Buffer> {
  return format === 'jsonl' ? encodeJsonl(rows) : encodeParquet(rows);
}

export function sha256File(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * Writes a file so that readers see either nothing or the whole file: a temp file in the same
 * folder, fsync, rename over the target, fsync the folder. A crash leaves at most a stray temp.
 */
export function atomicWrite(file: string, data: Buffer | string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* some filesystems refuse fsync on a directory */
  }
}

/** atomicWrite unless the file already holds these bytes (re-runs leave finished files untouched). */
export function writeIfChanged(file: string, data: Buffer | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  try {
    if (fs.readFileSync(file).equals(bytes)) return;
  } catch {
    /* not there yet */
  }
  atomicWrite(file, bytes);
}
