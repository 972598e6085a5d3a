/**
 * `resyn env audit [--quarantine]` on a real SQLite registry, run as a child process: an
 * environment registered as accepted that fails today's checks is reported and, with
 * --quarantine, marked `quarantined` (kept with its source, no longer listed as accepted, so
 * neither sampled nor scored); a passing one stays accepted.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../lib/paths';
import { openRegistry } from '../registry/open';
import { environmentId } from '../sandbox';
import { loadConfig } from '../temporal.config';
import { tmpDir } from './support/temporal';

const cli = path.join(projectRoot, 'dist', 'cli', 'main.js');
const corpus = (f: string) => fs.readFileSync(path.join(projectRoot, 'tests', 'corpus', f), 'utf8');

describe('resyn env audit', function () {
  this.timeout(120_000);
  const dataDir = tmpDir('audit-');
  const env = { ...process.env, RESYN_DATA_DIR: dataDir, RESYN_SANDBOX_WORKERS: '1' };
  const resyn = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, 'env', ...args], { encoding: 'utf8', env });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const good = corpus('good/sort-letters.js');
  const bad = corpus('bad/long-name.js');

  before(async () => {
    const reg = await openRegistry(loadConfig(env));
    try {
      for (const [source, name] of [
        [good, 'sort-letters'],
        [bad, 'once-accepted-long-name'],
      ] as const)
        await reg.upsertEnvironment({
          id: environmentId(source),
          name,
          description: 'audit test',
          tags: ['test'],
          family: null,
          keyword: null,
          source,
          status: 'accepted',
          origin: 'synthesized',
          rounds: 1,
          runId: null,
          parentId: null,
          scores: {},
        });
    } finally {
      await reg.close();
    }
  });

  it('reports failures without changing anything, then quarantines them with --quarantine', async () => {
    const dry = resyn('audit', '--json');
    assert.equal(dry.code, 1, dry.err);
    const report = JSON.parse(dry.out);
    assert.equal(report.audited, 2);
    assert.equal(report.failed, 1);
    assert.equal(report.quarantined, 0);
    const row = report.environments.find((e: { id: string }) => e.id === environmentId(bad));
    assert.equal(row.ok, false);
    assert.ok(row.failed.some((f: { name: string }) => f.name === 'exports-and-types'));

    const q = resyn('audit', '--quarantine', '--json');
    assert.equal(q.code, 1, q.err);
    assert.equal(JSON.parse(q.out).quarantined, 1);
    const reg = await openRegistry(loadConfig(env));
    try {
      const kept = await reg.getEnvironment(environmentId(bad));
      assert.equal(kept?.status, 'quarantined');
      assert.equal(kept?.source, bad);
      assert.deepEqual(
        (await reg.listEnvironments({ status: 'accepted' })).map((e) => e.id),
        [environmentId(good)],
      );
    } finally {
      await reg.close();
    }
    const listed = JSON.parse(resyn('list', '--status', 'quarantined', '--json').out);
    assert.deepEqual(
      listed.map((e: { id: string }) => e.id),
      [environmentId(bad)],
    );
    // Nothing accepted fails any more.
    const again = resyn('audit', '--json');
    assert.equal(again.code, 0, again.err);
    assert.equal(JSON.parse(again.out).audited, 1);
    assert.equal(resyn('audit', '--status', 'nope').code, 2);
  });
});
