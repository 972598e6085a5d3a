/**
 * Scale-out as the README's "existing Temporal cluster" section sets it up: two worker processes
 * ("machines": each its own RESYN_DATA_DIR) on one task queue, sharing one PostgreSQL registry
 * (RESYN_REGISTRY_URL) and one dataset root (RESYN_DATASET_ROOT). Real Temporal, real
 * PostgreSQL, real QuickJS; the LLM is the scripted server. A scorer on a third machine scores
 * from the same registry. Also: shard writes on a shared root.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { runSample } from '../cli/commands/sample';
import type { GrowProgress } from '../contracts/grow-rules';
import type { Manifest } from '../dataset/manifest';
import { groundTruth } from '../dataset/rows';
import { projectRoot } from '../lib/paths';
import type { PlanEnv } from '../dataset/plan';
import { STALE_TEMP_MS, writeShard, type ShardInput } from '../dataset/shard';
import { openRegistry } from '../registry/open';
import { environmentId, SandboxPool } from '../sandbox';
import { loadConfig, type ResynConfig } from '../temporal.config';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { cosmeticVariant, fakeLlmEnv, FAST_GROW, fence, happyReply, keywordOf, slug, stepOf, tinyEnv } from './support/fake-synthesis';
import { freshDatabase } from './support/postgres';
import { killProcess, spawnWorkerProcess, testClient, testConfig, tmpDir, waitFor } from './support/temporal';

/** 10 groups of 3 keywords whose environments are the same task (cosmetic variants), then 10 distinct ones. */
const GROUPS = 10;
const groupKeywords = Array.from({ length: GROUPS }, (_, g) => [0, 1, 2].map((k) => `mw group ${g} variant ${k}`));
const uniqueKeywords = Array.from({ length: 10 }, (_, i) => `mw unique ${i}`);
const KEYWORDS = [...groupKeywords.flat(), ...uniqueKeywords];
const groupOf = (keyword: string) => /^mw group (\d+) /.exec(keyword)?.[1];

/** Happy replies, but every keyword of a group writes the group's task under its own name and style. */
function script(req: FakeRequest): FakeReply {
  const step = stepOf(req);
  const g = groupOf(keywordOf(req));
  const reply =
    (step === 'generate' || step === 'revise') && g !== undefined
      ? fence(cosmeticVariant(`mw-group-${g}`, slug(keywordOf(req))))
      : happyReply(req);
  // A little latency so both workers get a share of the work.
  return { delayMs: 40, reply };
}

/** The identity of the worker that completed a workflow's last workflow task (its registerEnvironment ran there). */
async function finishingWorker(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const done = (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes);
  return done.at(-1)?.workflowTaskCompletedEventAttributes?.identity ?? '';
}

describe('two worker machines, one PostgreSQL registry, one dataset root', function () {
  this.timeout(600_000);
  let client: Client;
  let fake: FakeLlm;
  const workers: ChildProcess[] = [];

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm(script);
  });
  after(async () => {
    for (const w of workers) await killProcess(w, 'SIGTERM');
    await fake?.close();
    await client?.connection.close();
  });

  it('grows 40 keywords once each, catches near-duplicates across workers, survives kill -9 of one, and samples everything', async () => {
    const registryUrl = await freshDatabase('multi');
    const datasetRoot = tmpDir('resyn-shared-datasets-');
    // What every machine sets (README, "Scale out"): the cluster, the registry, the dataset root.
    const shared = {
      ...fakeLlmEnv(fake.baseURL, { RESYN_LLM_TIMEOUT_MS: '5000' }),
      RESYN_REGISTRY_URL: registryUrl,
      RESYN_REGISTRY_POOL_SIZE: '4',
      RESYN_DATASET_ROOT: datasetRoot,
      RESYN_SANDBOX_WORKERS: '1',
    };
    const machineA = testConfig(shared, 'multi');
    const machineB: ResynConfig = { ...machineA, dataDir: tmpDir('resyn-machine-b-') };
    assert.notEqual(machineA.dataDir, machineB.dataDir);
    const started = (cfg: ResynConfig) =>
      waitFor(
        `worker in ${cfg.dataDir} to start`,
        () => fs.readFileSync(path.join(cfg.dataDir, 'worker.log'), 'utf8').includes('resyn worker:'),
        120_000,
        200,
      );
    let a = spawnWorkerProcess(machineA, shared);
    const b = spawnWorkerProcess(machineB, shared);
    workers.push(a, b);
    await Promise.all([started(machineA), started(machineB)]);

    const growId = `multi-grow-${process.pid}-${Date.now().toString(36)}`;
    const h = await client.workflow.start('growLibrary', {
      taskQueue: machineA.temporal.taskQueue,
      workflowId: growId,
      args: [{ keywords: KEYWORDS, concurrency: 8, ...FAST_GROW }],
    });
    await waitFor(
      'a third of the keywords done',
      async () => ((await h.query<GrowProgress>('progress').catch(() => undefined))?.done ?? 0) >= 14,
      300_000,
      200,
    );
    await killProcess(a, 'SIGKILL'); // machine A dies mid-run; B carries on alone
    const final = (await h.result()) as GrowProgress;
    assert.equal(final.status, 'completed', JSON.stringify(final));
    assert.equal(final.done, KEYWORDS.length);
    assert.equal(final.accepted, GROUPS + uniqueKeywords.length, JSON.stringify(final));
    assert.equal(final.duplicates, 2 * GROUPS, JSON.stringify(final));

    const reg = await openRegistry(registryUrl);
    try {
      // Every keyword synthesised exactly once, whichever machine ran it (and despite the kill).
      const runs = await reg.synthesisRuns({ parentWorkflowId: growId });
      assert.deepEqual(runs.map((r) => r.keyword).sort(), [...KEYWORDS].sort());
      const accepted = (await reg.listEnvironments({ status: 'accepted' })).filter((e) => KEYWORDS.includes(e.keyword ?? ''));
      assert.equal((await reg.listEnvironments()).length, accepted.length, 'nothing but the accepted environments was registered');
      assert.deepEqual(
        accepted.map((e) => e.keyword).sort(),
        [...new Set(accepted.map((e) => e.keyword))].sort(),
        'one environment per keyword',
      );
      for (const kw of uniqueKeywords)
        assert.ok(
          accepted.some((e) => e.keyword === kw),
          `${kw} registered`,
        );
      // Exactly one environment per group of near-duplicates; the others point at it.
      for (const group of groupKeywords) {
        const winners = accepted.filter((e) => group.includes(e.keyword!));
        assert.equal(winners.length, 1, `one of ${group.join(', ')}`);
        const dups = runs.filter((r) => group.includes(r.keyword) && r.outcome === 'duplicate');
        assert.equal(dups.length, 2);
        for (const d of dups) assert.match(d.reason, new RegExp(`near-duplicate of ${winners[0]!.name}`));
      }
      // Both machines registered, and some near-duplicate was caught on the machine that did not register its twin.
      const finisher = new Map(await Promise.all(runs.map(async (r) => [r.keyword, await finishingWorker(client, r.workflowId)] as const)));
      assert.ok(new Set(finisher.values()).size >= 2, `children finished on ${[...new Set(finisher.values())].join(', ')}`);
      const crossMachine = groupKeywords.filter((group) => new Set(group.map((k) => finisher.get(k))).size > 1);
      assert.ok(crossMachine.length > 0, 'no group was split across the two workers');

      // Machine A comes back; a sample started now sees every environment either machine registered.
      a = spawnWorkerProcess(machineA, shared);
      workers.push(a);
      await started(machineA);
      const out = await runSample(client, machineA, {
        name: `multi-${Date.now().toString(36)}`,
        instancesPerEnv: 20,
        difficulties: [1, 2],
        shardSize: 50,
        formats: ['jsonl'],
        concurrency: 4,
      });
      assert.equal(out.environments, accepted.length);
      assert.equal(path.dirname(out.outDir), datasetRoot, 'the dataset is on the shared root');
      const manifest: Manifest = JSON.parse(fs.readFileSync(out.manifestPath, 'utf8'));
      assert.deepEqual(manifest.environments.map((e) => e.id).sort(), accepted.map((e) => e.id).sort());
      for (const s of manifest.shards) for (const f of s.files) assert.ok(fs.existsSync(path.join(out.outDir, f.file)), f.file);
      assert.deepEqual(
        fs.readdirSync(out.outDir).filter((f) => f.endsWith('.tmp')),
        [],
        'no temp file left behind',
      );

      // A scorer on a third machine (its own empty data folder) scores what the growers registered, via RESYN_REGISTRY_URL.
      const env = accepted[0]!;
      const pool = new SandboxPool({ ...machineA.sandbox, workers: 1 });
      let answer: string;
      try {
        const [inst] = await pool.sample(env.source, [{ seed: 7, difficulty: 2 }]);
        assert.ok(inst?.ok);
        const [solved] = await pool.solve(env.source, [inst.value.state]);
        assert.ok(solved?.ok);
        answer = solved.value;
      } finally {
        await pool.close();
      }
      const line = JSON.stringify({ ground_truth: groundTruth(env.id, 7, 2), response: `<answer>${answer}</answer>` });
      const score = (extra: Record<string, string>) => {
        const r = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), 'score'], {
          input: `${line}\n`,
          encoding: 'utf8',
          env: { ...process.env, RESYN_DATA_DIR: tmpDir('resyn-machine-c-'), RESYN_REWARDS_WORKERS: '1', ...extra },
        });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout.trim()) as { reward: number; reason: string };
      };
      assert.equal(score({ RESYN_REGISTRY_URL: registryUrl }).reward, 1);
      assert.match(score({}).reason, /unknown environment/, 'without the URL the scorer has only its own empty registry');
    } finally {
      await reg.close();
    }
  });
});

describe('shard writes on a shared dataset root', () => {
  it('two writers of one shard at once give the same bytes; only stale temp files of dead attempts are removed', async () => {
    const cfg = loadConfig({ RESYN_DATA_DIR: tmpDir(), RESYN_SANDBOX_WORKERS: '1' });
    const pool = new SandboxPool(cfg.sandbox);
    try {
      const source = tinyEnv('shared-root');
      const env: PlanEnv = {
        id: environmentId(source),
        name: 'shared-root',
        family: null,
        tags: [],
        train: 60,
        validation: 0,
        levels: [{ level: 1, weight: 1 }],
      };
      const outDir = tmpDir('resyn-shard-race-');
      const input: ShardInput = {
        outDir,
        formats: ['jsonl', 'parquet'],
        split: 'train',
        index: 0,
        count: 1,
        start: 0,
        segments: [{ env, from: 0, to: 60 }],
      };
      // A dead attempt's temp (old) and a live writer's temp on another machine (young).
      const stale = path.join(outDir, '.train-00000-of-00001.jsonl.999.dead.tmp');
      const live = path.join(outDir, '.train-00000-of-00001.jsonl.998.live.tmp');
      fs.writeFileSync(stale, 'partial');
      fs.writeFileSync(live, 'in progress');
      const old = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
      fs.utimesSync(stale, old, old);
      const deps = { pool, source: async () => source };
      const [r1, r2] = await Promise.all([writeShard(input, deps), writeShard(input, deps)]);
      assert.deepEqual(r1.files, r2.files, 'same files, same checksums');
      assert.equal(r1.rows, 60);
      assert.ok(!fs.existsSync(stale), 'the dead attempt’s temp file is removed');
      assert.ok(fs.existsSync(live), 'a live writer’s temp file is left alone');
      const again = await writeShard(input, deps);
      assert.equal(again.skipped, true, 'a shard already on disk is not written again');
      assert.deepEqual(again.files, r1.files);
    } finally {
      await pool.close();
    }
  });
});
