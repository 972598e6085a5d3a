/**
 * sampleTrainingData on the real Temporal server: a run whose worker process is SIGKILLed
 * mid-way and restarted writes the same bytes as an uninterrupted run; splits never share an
 * instance; Parquet reads back (hyparquet) equal to JSONL; bad input fails fast naming the field.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { runSample, sampleWorkflowId } from '../cli/commands/sample';
import { importEsm } from '../dataset/esm';
import type { Manifest } from '../dataset/manifest';
import type { SampleRequest } from '../contracts/sample-request';
import { listSeedEnvironments } from '../lib/seeds';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import { sharedPool } from '../sandbox';
import { environmentId } from '../sandbox/env-id';
import { dataPaths, type ResynConfig } from '../temporal.config';
import { maybeSaveHistory } from './support/histories';
import { killProcess, spawnWorkerProcess, testClient, testConfig, waitFor, withWorker } from './support/temporal';

/** A few seed environments, so the test stays short. */
async function seededConfig(): Promise<ResynConfig> {
  const cfg = testConfig({ RESYN_SANDBOX_WORKERS: '1' }, 'sample');
  const reg = await openRegistry(cfg);
  try {
    const seeds = listSeedEnvironments().slice(0, 3);
    const r = await importSeedEnvironments(reg, sharedPool(cfg.sandbox), seeds);
    assert.equal(r.failed.length, 0, JSON.stringify(r.failed));
    assert.equal(r.imported, seeds.length);
  } finally {
    await reg.close();
  }
  return cfg;
}

/** Every visible file of a dataset folder (environments/ included) -> its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => !path.basename(f).startsWith('.') && !f.endsWith('.log') && fs.statSync(path.join(dir, f)).isFile())
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f))]),
  );
}

const request: SampleRequest = {
  name: 'crash-test',
  instancesPerEnv: 3000,
  difficulties: [1, 2, 3, 5],
  split: { validationFraction: 0.2 },
  shardSize: 150,
  formats: ['jsonl', 'parquet'],
  concurrency: 1,
};

describe('sampleTrainingData workflow', function () {
  this.timeout(240_000);
  let client: Client;
  let reference: { dir: string; manifest: Manifest };

  before(async () => {
    client = await testClient();
  });
  after(async () => {
    await client.connection.close();
  });

  it('an uninterrupted run writes shards and a manifest with counts, checksums and the mix', async () => {
    const cfg = await seededConfig();
    const outcome = await withWorker(cfg, () => runSample(client, cfg, request));
    await maybeSaveHistory(client.workflow.getHandle(sampleWorkflowId(request.name)), 'sampleTrainingData');
    const manifest: Manifest = JSON.parse(fs.readFileSync(outcome.manifestPath, 'utf8'));
    assert.equal(outcome.environments, 3);
    assert.equal(manifest.totals.rows + manifest.totals.dropped, 3 * 3000);
    assert.equal(manifest.totals.validation + manifest.totals.train, manifest.totals.rows);
    assert.equal(manifest.environments.length, 3);
    assert.ok(manifest.environments.every((e) => /^[0-9a-f]{64}$/.test(e.id)));
    assert.equal(Object.keys(manifest.mix.byEnv).length, 3);
    assert.deepEqual(Object.keys(manifest.mix.byDifficulty).sort(), ['1', '2', '3', '5']);
    const files = snapshot(outcome.outDir);
    for (const s of manifest.shards)
      for (const f of s.files) {
        const data = files.get(f.file);
        assert.ok(data, f.file);
        assert.equal(require('node:crypto').createHash('sha256').update(data).digest('hex'), f.sha256);
      }
    // Self-contained: every environment's source (content-addressed), the card, per-row prompt lengths.
    for (const e of manifest.environments) assert.equal(environmentId(files.get(e.source)!.toString('utf8')), e.id);
    assert.match(files.get('README.md')!.toString('utf8'), /^---\nlicense: mit\n[\s\S]*configs:[\s\S]*dataset_info:/);
    assert.equal(manifest.rows!.data.length, manifest.totals.rows);
    reference = { dir: outcome.outDir, manifest };
  });

  it('train and validation never share an instance; Parquet reads back equal to JSONL', async () => {
    const { dir, manifest } = reference;
    const rows: any[] = [];
    const { parquetReadObjects } = await importEsm('hyparquet');
    for (const s of manifest.shards) {
      const jl = fs
        .readFileSync(path.join(dir, s.files.find((f) => f.format === 'jsonl')!.file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const pqBuf = fs.readFileSync(path.join(dir, s.files.find((f) => f.format === 'parquet')!.file));
      const pq: any[] = await parquetReadObjects({ file: pqBuf.buffer.slice(pqBuf.byteOffset, pqBuf.byteOffset + pqBuf.byteLength) });
      assert.equal(jl.length, s.rows);
      assert.equal(pq.length, s.rows);
      pq.forEach((p, i) => {
        assert.equal(p.id, jl[i].id);
        assert.deepEqual(p.prompt, jl[i].prompt);
        assert.equal(p.reward_model.ground_truth, jl[i].reward_model.ground_truth);
        assert.equal(Number(p.seed), jl[i].seed);
      });
      for (const r of jl) assert.equal(r.extra_info.split, s.split);
      rows.push(...jl);
    }
    const key = (r: any) => `${r.env_id}:${r.seed}:${r.difficulty}`;
    const train = new Set(rows.filter((r) => r.extra_info.split === 'train').map(key));
    const val = rows.filter((r) => r.extra_info.split === 'validation').map(key);
    assert.ok(val.length > 0 && train.size > 0);
    assert.ok(
      val.every((k) => !train.has(k)),
      'an instance is in both splits',
    );
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'duplicate row ids');
    assert.ok(rows.every((r) => r.prompt[0].role === 'user' && r.prompt[0].content.includes(r.extra_info.question)));
  });

  it('a run whose worker process is SIGKILLed mid-way, then restarted, gives the same bytes', async () => {
    const cfg = await seededConfig();
    let worker = spawnWorkerProcess(cfg);
    const run = runSample(client, cfg, request);
    // Kill once a few shards are on disk but far from all (watching the shard markers: file
    // polling does not depend on the busy worker answering queries).
    const outDir = path.join(dataPaths(cfg).datasets, request.name);
    const markers = () => (fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => f.endsWith('.done.json')).length : 0);
    await waitFor('a few shards written', () => markers() >= 2, 120_000, 10);
    await killProcess(worker, 'SIGKILL');
    const doneAtKill = markers();
    assert.ok(
      !fs.existsSync(path.join(outDir, 'manifest.json')) && doneAtKill < reference.manifest.shards.length,
      `the run finished before the kill (${doneAtKill} shards)`,
    );
    worker = spawnWorkerProcess(cfg);
    try {
      const outcome = await run;
      const again = snapshot(outcome.outDir);
      const ref = snapshot(reference.dir);
      assert.deepEqual([...again.keys()], [...ref.keys()]);
      for (const [f, b] of ref) assert.ok(again.get(f)!.equals(b), `${f} differs after the crash`);
      assert.deepEqual(
        fs.readdirSync(outcome.outDir).filter((f) => f.endsWith('.tmp')),
        [],
      );
    } finally {
      await killProcess(worker, 'SIGTERM');
    }
  });

  it('a re-run of the same request skips the shards already on disk and changes no byte', async () => {
    const cfg = await seededConfig();
    const first = await withWorker(cfg, () => runSample(client, cfg, { ...request, name: 'rerun', instancesPerEnv: 200 }));
    const before = snapshot(first.outDir);
    const mtimes = [...before.keys()].map((f) => fs.statSync(path.join(first.outDir, f)).mtimeMs);
    const second = await withWorker(cfg, () => runSample(client, cfg, { ...request, name: 'rerun', instancesPerEnv: 200 }));
    assert.equal(second.manifestPath, first.manifestPath);
    const after = snapshot(second.outDir);
    for (const [f, b] of before) assert.ok(after.get(f)!.equals(b), f);
    // Shards were skipped (not rewritten); only the manifest is rewritten, with the same bytes.
    [...before.keys()].forEach((f, i) => {
      if (f !== 'manifest.json') assert.equal(fs.statSync(path.join(second.outDir, f)).mtimeMs, mtimes[i], f);
    });
  });

  it('a request larger than one run continues as new and writes the same shards', async () => {
    const cfg = await seededConfig();
    const req = { ...request, name: 'continued', shardsPerRun: 25 };
    const outcome = await withWorker(cfg, async () => {
      const h = await client.workflow.start('sampleTrainingData', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `resyn-sample-continued-${Date.now()}`,
        args: [req],
      });
      const out = await h.result();
      const latest = await client.workflow.getHandle(h.workflowId).describe();
      assert.notEqual(latest.runId, h.firstExecutionRunId, 'no continue-as-new happened');
      return out;
    });
    const again = snapshot(outcome.outDir);
    const ref = snapshot(reference.dir);
    // The manifest and the card quote the request, which differs (shardsPerRun).
    for (const [f, b] of ref) if (f !== 'manifest.json' && f !== 'README.md') assert.ok(again.get(f)!.equals(b), f);
    assert.equal(again.size, ref.size);
  });

  it('started on a fresh data folder (as from the UI) registers the seed library first; a filter matching nothing fails naming it', async () => {
    const cfg = testConfig({}, 'sample-fresh');
    await withWorker(cfg, async () => {
      const out = await runSample(client, cfg, { name: 'fresh', instancesPerEnv: 1, difficulties: [1], formats: ['jsonl'] });
      assert.equal(out.environments, listSeedEnvironments().length);
      assert.equal(out.rows + out.dropped, listSeedEnvironments().length);
      await assert.rejects(
        runSample(client, cfg, { name: 'no-match', instancesPerEnv: 1, filter: { tags: ['no-such-tag'] } }),
        (err: unknown) => {
          const root = (err as WorkflowFailedError).cause?.cause as { nonRetryable?: boolean; message?: string } | undefined; // WorkflowFailed <- ActivityFailure <- ApplicationFailure
          return (
            err instanceof WorkflowFailedError &&
            root?.nonRetryable === true &&
            /no environment .* matches filter .*no-such-tag/.test(String(root.message))
          );
        },
      );
    });
  });

  it('bad input fails fast with a non-retryable error naming the field', async () => {
    const cfg = testConfig({}, 'sample-bad');
    await withWorker(cfg, async () => {
      await assert.rejects(
        client.workflow.execute('sampleTrainingData', {
          taskQueue: cfg.temporal.taskQueue,
          workflowId: `bad-${Date.now()}`,
          args: [{ name: 'x', shardSize: 0, difficulties: [12] }],
        }),
        (err: unknown) =>
          err instanceof WorkflowFailedError &&
          /shardSize/.test(String(err.cause?.message)) &&
          /difficulties/.test(String(err.cause?.message)),
      );
    });
  });
});
