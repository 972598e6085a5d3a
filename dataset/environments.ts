/**
 * The environment sources a dataset carries (`environments/<env_id>.js`), so the folder scores
 * with no registry. A file is trusted only if its normalised sha256 is the id in its name: a
 * hand-edited verifier cannot pass for the one the rows were made with.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentId } from '../sandbox/env-id';
import { writeIfChanged } from './writers';

export const ENVIRONMENTS_DIR = 'environments';

export const environmentFile = (datasetDir: string, envId: string): string => path.join(datasetDir, ENVIRONMENTS_DIR, `${envId}.js`);

/** Writes each environment's source next to the shards; the same source gives the same bytes (no rewrite). */
export async function writeEnvironmentSources(
  datasetDir: string,
  envIds: string[],
  source: (envId: string) => string | Promise<string>,
): Promise<string[]> {
  const written: string[] = [];
  for (const id of envIds) {
    const src = await source(id);
    const actual = environmentId(src);
    if (actual !== id) throw new Error(`environment ${id}: its source hashes to ${actual}; refusing to write a mismatched verifier`);
    const file = environmentFile(datasetDir, id);
    writeIfChanged(file, src);
    written.push(path.relative(datasetDir, file));
  }
  return written;
}

export type SourceLookup = { ok: true; source: string } | { ok: false; reason: string };

/** Reads one environment's source from a dataset folder, checking its content hash. */
export function readEnvironmentSource(datasetDir: string, envId: string): SourceLookup {
  if (!/^[0-9a-f]{64}$/.test(envId)) return { ok: false, reason: `not an environment id: ${envId}` };
  const file = environmentFile(datasetDir, envId);
  let src: string;
  try {
    src = fs.readFileSync(file, 'utf8');
  } catch {
    return { ok: false, reason: `environment ${envId} is not in the dataset (${path.relative(datasetDir, file)} missing)` };
  }
  const actual = environmentId(src);
  if (actual !== envId) return { ok: false, reason: `${path.relative(datasetDir, file)} was modified: its source hashes to ${actual}` };
  return { ok: true, source: src };
}
