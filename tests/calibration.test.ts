/**
 * Difficulty calibration on the real Temporal server with the scripted LLM server as the policy
 * model: an environment the "model" solves only at easy levels is kept, one it solves at every
 * level is dropped, solve rates land in the registry, a re-run makes no LLM call, and a sampling
 * plan honours the pass-rate band.
 */
import * as assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { buildPlan } from '../dataset/planner';
import { sampleRequestSchema } from '../contracts/sample-request';
import { userContent } from '../dataset/rows';
import { listSeedEnvironments } from '../lib/seeds';
import { CalibrationStore } from '../registry/calibration';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import type { EnvironmentRecord } from '../registry/registry';
import { calibrationSeeds } from '../rewards/calibrate';
import { sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import type { CalibrateOutcome } from '../workflows/calibrate-difficulty';
import { startFakeLlm, type FakeLlm } from './support/fake-llm';
import { maybeSaveHistory, recordingWorkflowId } from './support/histories';
import { testClient, testConfig, withWorker } from './support/temporal';

describe('difficulty calibration', function () {
  this.timeout(180_000);
  let client: Client;
  let fake: FakeLlm;
  let cfg: ResynConfig;
  let scaling: EnvironmentRecord;
  let flat: EnvironmentRecord;
  const N = 8;
  const LEVELS = [1, 10];
  /** user message -> what the scripted policy answers. */
  const answers = new Map<string, string>();

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req) => answers.get(req.messages[req.messages.length - 1]!.content) ?? 'I do not know.');
    cfg = testConfig(
      { RESYN_SANDBOX_WORKERS: '1', RESYN_POLICY_BASE_URL: fake.baseURL, RESYN_POLICY_API_KEY: 'k', RESYN_POLICY_MODEL: 'fake-policy' },
      'calib',
    );
    const reg = await openRegistry(cfg);
    const pool = sharedPool(cfg.sandbox);
    const r = await importSeedEnvironments(reg, pool, listSeedEnvironments().slice(0, 2));
    assert.equal(r.imported, 2, JSON.stringify(r.failed));
    [scaling, flat] = (await reg.listEnvironments()) as [EnvironmentRecord, EnvironmentRecord];
    await reg.close();
    // The scripted policy: solves the scaling env only at level 1, the flat env at every level.
    for (const env of [scaling, flat]) {
      for (const difficulty of LEVELS) {
        const items = calibrationSeeds(env.id, difficulty, N).map((seed) => ({ seed, difficulty }));
        const sampled = await pool.sample(env.source, items);
        const solved = await pool.solve(
          env.source,
          sampled.map((s) => (s.ok ? s.value.state : null)),
        );
        sampled.forEach((s, i) => {
          assert.ok(s.ok);
          const sol = solved[i]!;
          const correct = env === flat || difficulty === 1;
          answers.set(
            userContent(s.value.prompt),
            correct && sol.ok ? `Reasoning...\n<answer>${sol.value}</answer>` : '<answer>no idea</answer>',
          );
        });
      }
    }
  });
  after(async () => {
    await fake?.close();
    await client?.connection.close();
  });

  const calibrate = async (record?: string) => {
    const h = await client.workflow.start('calibrateDifficulty', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: (record && recordingWorkflowId(record)) ?? `calibrate-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      args: [{ levels: LEVELS, instancesPerLevel: N }],
    });
    const out = (await h.result()) as CalibrateOutcome;
    if (record) await maybeSaveHistory(h, record);
    return out;
  };

  it('keeps an environment whose solve rate falls with difficulty, drops a flat one, records solve rates', async () => {
    const out = await withWorker(cfg, () => calibrate('calibrateDifficulty'));
    assert.equal(out.envsTotal, 2);
    const byId = new Map(out.results.map((r) => [r.envId, r]));
    assert.equal(byId.get(scaling.id)!.kept, true);
    assert.equal(byId.get(flat.id)!.kept, false);
    assert.equal(out.llmCalls, 2 * LEVELS.length * N);
    assert.equal(fake.calls.length, 2 * LEVELS.length * N);
    assert.ok(fake.calls.every((c) => c.model === 'fake-policy'));
    const reg = await openRegistry(cfg);
    try {
      const store = new CalibrationStore(reg);
      assert.deepEqual(
        (await store.levels(scaling.id, 'fake-policy')).map((l) => [l.difficulty, l.solveRate]),
        [
          [1, 1],
          [10, 0],
        ],
      );
      assert.deepEqual(
        (await store.levels(flat.id, 'fake-policy')).map((l) => [l.difficulty, l.solveRate]),
        [
          [1, 1],
          [10, 1],
        ],
      );
      assert.equal((await store.verdict(flat.id, 'fake-policy'))!.kept, false);
    } finally {
      await reg.close();
    }
  });

  it('a re-run makes no new LLM call and reaches the same verdicts', async () => {
    const before = fake.calls.length;
    const out = await withWorker(cfg, () => calibrate());
    assert.equal(fake.calls.length, before);
    assert.equal(out.llmCalls, 0);
    assert.deepEqual(out.results.map((r) => r.kept).sort(), [false, true]);
  });

  it('a sampling plan keeps only levels inside the pass-rate band, and calibratedOnly drops the flat env', async () => {
    const reg = await openRegistry(cfg);
    try {
      const ctx = { registry: reg, datasetsDir: '/tmp/unused', policyModel: 'fake-policy' };
      const band = await buildPlan(
        sampleRequestSchema.parse({ name: 'b', difficulties: [1, 5, 10], passRateBand: { min: 0.5, max: 1 } }),
        ctx,
      );
      const levels = new Map(band.envs.map((e) => [e.id, e.levels.map((l) => l.level)]));
      assert.deepEqual(levels.get(scaling.id), [1]);
      assert.deepEqual(levels.get(flat.id), [1, 10]);
      const hard = await buildPlan(
        sampleRequestSchema.parse({ name: 'h', difficulties: [1, 10], passRateBand: { min: 0, max: 0.2 } }),
        ctx,
      );
      assert.deepEqual(
        hard.envs.map((e) => [e.id, e.levels.map((l) => l.level)]),
        [[scaling.id, [10]]],
      );
      assert.match(hard.skipped.find((s) => s.id === flat.id)!.reason, /solve rate/);
      const kept = await buildPlan(sampleRequestSchema.parse({ name: 'k', filter: { calibratedOnly: true } }), ctx);
      assert.deepEqual(
        kept.envs.map((e) => e.id),
        [scaling.id],
      );
    } finally {
      await reg.close();
    }
  });
});
