/**
 * Per-instance pass-rate selection on the real Temporal server, with the scripted LLM server as
 * the policy model: k attempts per planned instance, rows kept only when their pass rate lies in
 * the band, the band and each row's pass rate in the manifest; rollouts are cached in the
 * registry, so a second dataset over the same instances asks the model nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { runSample, sampleWorkflowId } from '../cli/commands/sample';
import type { SampleRequest } from '../contracts/sample-request';
import { difficultyFor, seedRange } from '../dataset/instances';
import type { Manifest } from '../dataset/manifest';
import { SPLITS } from '../dataset/plan';
import { difficultyWeights } from '../contracts/sample-request';
import { userContent } from '../dataset/rows';
import { listSeedEnvironments } from '../lib/seeds';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import { sharedPool } from '../sandbox';
import { startFakeLlm, type FakeLlm } from './support/fake-llm';
import { maybeSaveHistory } from './support/histories';
import { testClient, testConfig, withWorker } from './support/temporal';

const K = 4;

describe('per-instance pass-rate selection', function () {
  this.timeout(300_000);
  let client: Client;
  let fake: FakeLlm;
  /** prompt -> [correct answer, how many of the K attempts get it]. */
  const script = new Map<string, { answer: string; correct: number }>();
  const asked = new Map<string, number>();
  /** instance key -> expected pass rate. */
  const expected = new Map<string, number>();

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req) => {
      const q = req.messages[req.messages.length - 1]!.content;
      const s = script.get(q);
      if (!s) return 'no idea';
      const n = asked.get(q) ?? 0;
      asked.set(q, n + 1);
      return n < s.correct ? `<answer>${s.answer}</answer>` : '<answer>wrong</answer>';
    });
  });
  after(async () => {
    await fake?.close();
    await client?.connection.close();
  });

  it('keeps rows whose pass rate is in the band, records it per row, and caches the rollouts', async () => {
    const cfg = testConfig(
      { RESYN_SANDBOX_WORKERS: '1', RESYN_POLICY_BASE_URL: fake.baseURL, RESYN_POLICY_API_KEY: 'k', RESYN_POLICY_MODEL: 'fake-policy' },
      'pass-rate',
    );
    const reg = await openRegistry(cfg);
    const pool = sharedPool(cfg.sandbox);
    const seeds = listSeedEnvironments().slice(0, 2);
    await importSeedEnvironments(reg, pool, seeds);
    const envs = await reg.listEnvironments({ status: 'accepted' });
    await reg.close();
    const request: Omit<SampleRequest, 'name'> = {
      instancesPerEnv: 10,
      difficulties: [1, 2],
      split: { validationFraction: 0.2 },
      formats: ['jsonl'],
      passRateFilter: { min: 0.25, max: 0.75, k: K },
    };
    // Script the policy: instance number i (over both envs and splits) is solved on (i mod 5) of the K attempts.
    let i = 0;
    for (const env of envs) {
      for (const split of SPLITS) {
        const n = split === 'train' ? 8 : 2;
        const items = seedRange(env.id, split, 0, n).map((seed, p) => ({ seed, difficulty: difficultyFor(difficultyWeights([1, 2]), p) }));
        const sampled = await pool.sample(env.source, items);
        const solved = await pool.solve(
          env.source,
          sampled.map((s) => (s.ok ? s.value.state : null)),
        );
        items.forEach((it, k) => {
          const s = sampled[k]!;
          const a = solved[k]!;
          assert.ok(s.ok && a.ok);
          const correct = i++ % 5;
          script.set(userContent(s.value.prompt), { answer: a.value, correct });
          expected.set(`${env.id}:${it.seed}:${it.difficulty}`, correct / K);
        });
      }
    }

    const out = await withWorker(cfg, () => runSample(client, cfg, { ...request, name: 'band' }));
    // Recorded for the replay test (RESYN_RECORD_HISTORIES=<tag>): pass-rate rollouts and row selection.
    await maybeSaveHistory(client.workflow.getHandle(sampleWorkflowId('band')), 'sampleTrainingData-pass-rate');
    const policyCalls = fake.calls.filter((c) => c.model === 'fake-policy').length;
    assert.equal(policyCalls, 20 * K);
    const manifest: Manifest = JSON.parse(fs.readFileSync(out.manifestPath, 'utf8'));
    assert.deepEqual(manifest.selection!.passRate, { min: 0.25, max: 0.75, k: K, model: 'fake-policy' });
    const inBand = [...expected.values()].filter((r) => r >= 0.25 && r <= 0.75).length;
    assert.equal(manifest.totals.rows, inBand);
    assert.equal(manifest.totals.dropped, 20 - inBand);
    assert.ok(manifest.dropped.every((d) => /pass rate (0|1)\.000 outside \[0\.25, 0\.75\] \(4 attempts, fake-policy\)/.test(d.error)));
    const rows = manifest.shards.flatMap((s) =>
      fs
        .readFileSync(path.join(out.outDir, s.files[0]!.file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
    rows.forEach((row, k) => {
      const [id, , , , rate] = manifest.rows!.data[k]!;
      assert.equal(id, row.id);
      assert.equal(rate, expected.get(`${row.env_id}:${row.seed}:${row.difficulty}`));
    });
    assert.match(
      fs.readFileSync(path.join(out.outDir, 'README.md'), 'utf8'),
      /made 4 attempts per instance; rows whose pass rate lies in \[0\.25, 0\.75\] were kept/,
    );

    // A second dataset over the same instances: every rollout comes from the registry.
    const again = await withWorker(cfg, () => runSample(client, cfg, { ...request, name: 'band-again' }));
    assert.equal(fake.calls.filter((c) => c.model === 'fake-policy').length, policyCalls, 'the rollouts were asked again');
    assert.equal(again.rows, inBand);
  });
});
