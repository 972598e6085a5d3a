/**
 * Recorded workflow histories (tests/histories/*.json) that the replay test runs through the
 * current workflow code, so a change that breaks running workflows fails CI.
 *
 * Histories are append-only (docs/versioning.md): a recorded file is never rewritten. Record new
 * ones by running the recording tests with RESYN_RECORD_HISTORIES=<version tag> (e.g. a date or
 * a release, `2026-12-01`); each lands in `<name>@<tag>.json`, and saveHistory refuses to
 * overwrite a file that exists. Then add the new files' sha256 to tests/histories/SHA256SUMS.
 *
 * A file is either {"workflowId", "history"} (what saveHistory writes: workflows that derive child
 * ids from their own id need the real one) or a bare history as `temporal workflow show -o json`
 * prints it, replayed under the file's base name.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { projectRoot } from '../../lib/paths';

export const historiesDir = path.join(projectRoot, 'tests', 'histories');
export const manifestFile = path.join(historiesDir, 'SHA256SUMS');

/** The version tag recordings are written under, or undefined when this run records nothing. */
export function recordingTag(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const tag = env.RESYN_RECORD_HISTORIES;
  if (tag === undefined || tag === '' || tag === '0') return undefined;
  if (!/^[A-Za-z0-9._-]+$/.test(tag) || tag === '1')
    throw new Error(
      `RESYN_RECORD_HISTORIES must be a version tag of letters, digits, '.', '_' or '-' such as 2026-12-01 (got ${JSON.stringify(tag)})`,
    );
  return tag;
}

/** The file name (without .json) a recording of `name` gets under `tag`. */
export function historyFileName(name: string, tag: string): string {
  return `${name}@${tag}`;
}

/** A workflow id for a run that will be recorded (replay derives child ids from it), else undefined. */
export function recordingWorkflowId(name: string): string | undefined {
  const tag = recordingTag();
  return tag ? historyFileName(name, tag) : undefined;
}

/** Writes the history of a finished run to a new file; never overwrites one. */
export async function saveHistory(handle: WorkflowHandle, name: string, tag: string, dir = historiesDir): Promise<string> {
  const history = JSON.parse(historyToJSON(await handle.fetchHistory()));
  return writeHistoryFile(dir, historyFileName(name, tag), { workflowId: handle.workflowId, history });
}

/** Creates `<dir>/<base>.json`; refuses (throws) when it exists: recorded histories are append-only. */
export function writeHistoryFile(dir: string, base: string, content: { workflowId: string; history: unknown }): string {
  const file = path.join(dir, `${base}.json`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, `${JSON.stringify(content)}\n`, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${file} exists and recorded histories are append-only: record under a new RESYN_RECORD_HISTORIES tag`);
    throw e;
  }
  return file;
}

export function maybeSaveHistory(handle: WorkflowHandle, name: string): Promise<string | undefined> {
  const tag = recordingTag();
  return tag ? saveHistory(handle, name, tag) : Promise.resolve(undefined);
}

export const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** SHA256SUMS as `sha256sum` writes it: file name -> hash. */
export function readManifest(file = manifestFile): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`${file}: not a sha256sum line: ${JSON.stringify(line)}`);
    entries.set(m[2]!, m[1]!);
  }
  return entries;
}

export function historyFiles(dir = historiesDir): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
}

export function loadHistories(): { workflowId: string; history: ReturnType<typeof historyFromJSON> }[] {
  return historyFiles().map((f) => {
    const json = JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8'));
    const wrapped = typeof json.workflowId === 'string' && json.history;
    return {
      workflowId: wrapped ? json.workflowId : path.basename(f, '.json'),
      history: historyFromJSON(wrapped ? json.history : json),
    };
  });
}

/** The workflow type a history file starts. */
export function workflowTypeOf(history: ReturnType<typeof historyFromJSON>): string | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}
