/**
 * Workflow versioning guards (docs/versioning.md), no server needed: every recorded history in
 * tests/histories replays with the current workflow code, every workflow type has one, and the
 * histories are append-only — SHA256SUMS pins every file's bytes and lists every file.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { loadConfig } from '../../temporal.config';
import { RESYN_WORKFLOWS_PATH } from '../../worker/plugin';
import { installRuntime } from '../../worker/worker';
import {
  historiesDir,
  historyFiles,
  loadHistories,
  manifestFile,
  readManifest,
  recordingTag,
  sha256File,
  workflowTypeOf,
  writeHistoryFile,
} from '../support/histories';

describe('recorded workflow histories', function () {
  this.timeout(120_000);
  // Quiet SDK logs (WARN and up), as the server-backed suite has them; a no-op when already installed.
  before(() => installRuntime(loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' })));

  it('replays every recorded history in tests/histories with the current workflow code', async () => {
    const histories = loadHistories();
    assert.ok(histories.length >= 1, 'tests/histories holds at least one recorded history');
    let replayed = 0;
    for await (const r of Worker.runReplayHistories({ workflowsPath: RESYN_WORKFLOWS_PATH, replayName: 'resyn-replay' }, histories)) {
      assert.equal(r.error, undefined, `history ${r.workflowId} fails to replay: ${r.error}`);
      replayed++;
    }
    assert.equal(replayed, histories.length);
  });

  it('every workflow type resyn registers has at least one recorded history', () => {
    const recorded = new Set(loadHistories().map((h) => workflowTypeOf(h.history)));
    const missing = Object.keys(workflows).filter((type) => !recorded.has(type));
    assert.deepEqual(missing, [], `record a history for: ${missing.join(', ')} (docs/versioning.md)`);
  });

  it('SHA256SUMS lists every history file and no listed file changed or disappeared (append-only)', () => {
    const listed = readManifest();
    const changed = [...listed].filter(
      ([f, sum]) => !fs.existsSync(path.join(historiesDir, f)) || sha256File(path.join(historiesDir, f)) !== sum,
    );
    assert.deepEqual(
      changed.map(([f]) => f),
      [],
      `recorded histories changed or were removed; restore them and record new files instead`,
    );
    const unlisted = historyFiles().filter((f) => !listed.has(f));
    assert.deepEqual(
      unlisted,
      [],
      `new history files must be added to ${manifestFile} (cd tests/histories && sha256sum FILE >> SHA256SUMS)`,
    );
  });

  it('writing a history never overwrites an existing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-histories-'));
    const file = writeHistoryFile(dir, 'x@v1', { workflowId: 'a', history: { events: [] } });
    assert.throws(() => writeHistoryFile(dir, 'x@v1', { workflowId: 'b', history: { events: [] } }), /append-only/);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).workflowId, 'a', 'the first recording is kept');
  });

  it('a recording needs a version tag, not a bare flag', () => {
    assert.equal(recordingTag({}), undefined);
    assert.equal(recordingTag({ RESYN_RECORD_HISTORIES: '2026-12-01' }), '2026-12-01');
    assert.throws(() => recordingTag({ RESYN_RECORD_HISTORIES: '1' }), /version tag/);
    assert.throws(() => recordingTag({ RESYN_RECORD_HISTORIES: '../x' }), /version tag/);
  });
});
