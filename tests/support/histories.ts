/**
 * Recorded workflow histories (tests/histories/*.json) that the replay test runs through the
 * current workflow code, so a change that breaks running workflows fails CI. Record a new one
 * from a finished run with saveHistory (tests do so when RESYN_RECORD_HISTORIES=1).
 *
 * A file is either {"workflowId", "history"} (what saveHistory writes: workflows that derive child
 * ids from their own id need the real one) or a bare history as `temporal workflow show -o json`
 * prints it, replayed under the file's base name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { projectRoot } from '../../lib/paths';

export const historiesDir = path.join(projectRoot, 'tests', 'histories');

export async function saveHistory(handle: WorkflowHandle, name: string): Promise<string> {
  const file = path.join(historiesDir, `${name}.json`);
  fs.mkdirSync(historiesDir, { recursive: true });
  const history = JSON.parse(historyToJSON(await handle.fetchHistory()));
  fs.writeFileSync(file, JSON.stringify({ workflowId: handle.workflowId, history }) + '\n');
  return file;
}

export function maybeSaveHistory(handle: WorkflowHandle, name: string): Promise<string | undefined> {
  return process.env.RESYN_RECORD_HISTORIES === '1' ? saveHistory(handle, name) : Promise.resolve(undefined);
}

export function loadHistories(): { workflowId: string; history: ReturnType<typeof historyFromJSON> }[] {
  if (!fs.existsSync(historiesDir)) return [];
  return fs
    .readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const json = JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8'));
      const wrapped = typeof json.workflowId === 'string' && json.history;
      return {
        workflowId: wrapped ? json.workflowId : path.basename(f, '.json'),
        history: historyFromJSON(wrapped ? json.history : json),
      };
    });
}
