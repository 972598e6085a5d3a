/**
 * Per-row numbers of a shard (prompt characters and tokens, pass rate), kept in a hidden file
 * next to the shard (`.<shard>.rows.json`) until the manifest gathers them: they never travel
 * through workflow history, which must stay small.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shardBaseName } from './plan';
import type { DatasetRow } from './rows';
import { selectRows, type RowStat, type SelectionDeps } from './selection';
import type { ShardInput } from './shard';
import { atomicWrite } from './writers';

export const rowStatsFile = (outDir: string, shardBase: string): string => path.join(outDir, `.${shardBase}.rows.json`);

export function writeRowStats(outDir: string, shardBase: string, stats: RowStat[]): void {
  atomicWrite(rowStatsFile(outDir, shardBase), JSON.stringify(stats));
}

export function readRowStats(outDir: string, shardBase: string): RowStat[] | undefined {
  try {
    return JSON.parse(fs.readFileSync(rowStatsFile(outDir, shardBase), 'utf8')) as RowStat[];
  } catch {
    return undefined;
  }
}

/**
 * The shard's admit hook: selects rows (prompt length, pass rate) and writes their numbers
 * before the shard's files (a crash after this rewrites the same numbers on retry).
 */
export function shardAdmitter(
  input: ShardInput,
  deps: SelectionDeps,
  onOverlong?: (shard: string, n: number) => void,
): (rows: DatasetRow[]) => Promise<(string | null)[]> {
  return async (rows) => {
    const base = shardBaseName(input);
    const s = selectRows(rows, input.selection, deps);
    writeRowStats(input.outDir, base, s.stats);
    if (s.overlong > 0) onOverlong?.(base, s.overlong);
    return s.verdicts;
  };
}
