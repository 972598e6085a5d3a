/**
 * The reward service over real HTTP, on a seed environment in the real sandbox: solve()'s answer
 * scores 1, garbage 0, malformed items 0 with a reason, malformed requests 4xx; the OpenRLHF
 * endpoint; and the `resyn score` CLI round trip.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { groundTruth, userContent } from '../dataset/rows';
import { listSeedEnvironments } from '../lib/seeds';
import { projectRoot } from '../lib/paths';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import { createScorer, serviceLimits } from '../rewards/deps';
import type { Scorer } from '../rewards/scorer';
import { startRewardServer, type RewardServer } from '../rewards/server';
import { sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { testConfig } from './support/temporal';

const cli = path.join(projectRoot, 'dist/cli/main.js');

describe('rewards: scoring service and resyn score', function () {
  this.timeout(120_000);
  let cfg: ResynConfig;
  let server: RewardServer;
  let scorer: Scorer;
  let envId: string;
  const cases: { seed: number; difficulty: number; prompt: string; solution: string }[] = [];

  before(async () => {
    cfg = testConfig({ RESYN_SANDBOX_WORKERS: '1' }, 'rewards');
    const reg = await openRegistry(cfg);
    const pool = sharedPool(cfg.sandbox);
    const [seed] = listSeedEnvironments();
    const r = await importSeedEnvironments(reg, pool, [seed!]);
    assert.equal(r.imported, 1, JSON.stringify(r.failed));
    const rec = (await reg.listEnvironments())[0]!;
    envId = rec.id;
    await reg.close();
    const items = [1, 2, 3].map((difficulty, i) => ({ seed: 1000 + i, difficulty }));
    const sampled = await pool.sample(rec.source, items);
    const solved = await pool.solve(
      rec.source,
      sampled.map((s) => (s.ok ? s.value.state : null)),
    );
    items.forEach((it, i) => {
      const s = sampled[i]!;
      const sol = solved[i]!;
      assert.ok(s.ok && sol.ok);
      cases.push({ ...it, prompt: s.value.prompt, solution: sol.value });
    });
    scorer = createScorer(cfg, { workers: 1 });
    server = await startRewardServer(scorer, { port: 0, host: '127.0.0.1', ...serviceLimits(cfg) });
  });
  after(async () => {
    await server?.close();
    await scorer?.close();
  });

  const post = (route: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(server.url + route, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it("scores solve()'s answer 1 and garbage 0, in the same order, with reasons", async () => {
    const gt = (c: (typeof cases)[number]) => groundTruth(envId, c.seed, c.difficulty);
    const items = [
      ...cases.map((c) => ({ ground_truth: gt(c), response: `Let me think.\n<answer>${c.solution}</answer>` })),
      { ground_truth: gt(cases[0]!), response: '<answer>zz garbage zz</answer>' },
      { ground_truth: gt(cases[0]!), response: `the answer is ${cases[0]!.solution}` },
      { ground_truth: 'not json', response: '<answer>1</answer>' },
      { ground_truth: JSON.stringify({ env_id: 'ab'.repeat(32), seed: 1, difficulty: 1 }), response: '<answer>1</answer>' },
      { ground_truth: gt(cases[0]!) },
      42,
    ];
    const res = await post('/v1/rewards', { items });
    assert.equal(res.status, 200);
    const { rewards } = (await res.json()) as { rewards: { reward: number; reason: string }[] };
    assert.equal(rewards.length, items.length);
    assert.deepEqual(
      rewards.slice(0, 3).map((r) => r.reward),
      [1, 1, 1],
    );
    assert.equal(rewards[3]!.reward, 0);
    assert.match(rewards[4]!.reason, /no <answer>/);
    assert.match(rewards[5]!.reason, /ground_truth/);
    assert.match(rewards[6]!.reason, /unknown environment/);
    assert.match(rewards[7]!.reason, /response/);
    assert.match(rewards[8]!.reason, /malformed item/);
    assert.ok(rewards.slice(3).every((r) => r.reward === 0));
  });

  it('gives the rewards of one-by-one scoring, pass after pass (and for repeated answers)', async () => {
    const gt = (c: (typeof cases)[number]) => groundTruth(envId, c.seed + 500, c.difficulty); // instances no other test scored
    const src = await openRegistry(cfg);
    const source = (await src.getEnvironment(envId))!.source;
    await src.close();
    const pool = sharedPool(cfg.sandbox);
    const fresh = cases.map((c) => ({ seed: c.seed + 500, difficulty: c.difficulty }));
    const solved = await pool.solve(
      source,
      (await pool.sample(source, fresh)).map((r) => (r.ok ? r.value.state : null)),
    );
    const answers = fresh.flatMap((_, i) => [
      solved[i]!.ok ? solved[i]!.value : '',
      'zz garbage',
      '',
      solved[i]!.ok ? solved[i]!.value : '',
    ]);
    const items = cases.flatMap((c, i) =>
      answers.slice(i * 4, i * 4 + 4).map((a) => ({ ground_truth: gt(c), response: `<answer>${a}</answer>` })),
    );
    const expected = (
      await pool.scoreInstances(
        source,
        fresh.flatMap((f, i) => answers.slice(i * 4, i * 4 + 4).map((answer) => ({ ...f, answer }))),
      )
    ).map((r) => (r.ok ? r.value : -1));
    assert.deepEqual(
      expected.filter((_, i) => i % 4 === 0),
      [1, 1, 1],
      'the reference scores solve() 1',
    );
    for (const pass of ['first pass', 'second pass', 'third pass']) {
      const res = await post('/v1/rewards', { items });
      const { rewards } = (await res.json()) as { rewards: { reward: number }[] };
      assert.deepEqual(
        rewards.map((r) => r.reward),
        expected,
        pass,
      );
    }
  });

  it('answers malformed requests with a 4xx and a message; /healthz is up', async () => {
    const cases4xx: [Promise<Response>, number, RegExp][] = [
      [post('/v1/rewards', '{not json'), 400, /not valid JSON/],
      [post('/v1/rewards', { rows: [] }), 400, /items/],
      [post('/v1/rewards', [1, 2]), 400, /object/],
      [post('/v1/rewards', 'x', { 'content-type': 'text/plain' }), 415, /Content-Type/],
      [fetch(server.url + '/v1/rewards'), 405, /POST/],
      [fetch(server.url + '/nope'), 404, /no route/],
      [post('/openrlhf/reward', { query: ['a'], labels: [] }), 400, /labels/],
    ];
    for (const [p, status, msg] of cases4xx) {
      const res = await p;
      assert.equal(res.status, status);
      assert.match(((await res.json()) as { error: string }).error, msg);
    }
    const h = await fetch(server.url + '/healthz');
    assert.equal(h.status, 200);
  });

  it("serves OpenRLHF's remote reward call {query, prompts, labels}", async () => {
    const c = cases[1]!;
    const prompt = `<|user|>${userContent(c.prompt)}<|assistant|>`;
    const label = { style: 'rule', ground_truth: groundTruth(envId, c.seed, c.difficulty) };
    const res = await post('/openrlhf/reward', {
      query: [prompt + `<answer>${c.solution}</answer>`, prompt + '<answer>nope</answer>'],
      prompts: [prompt, prompt],
      labels: [label, label],
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { rewards: number[] };
    assert.deepEqual(body.rewards, [1, 0]);
  });

  it('resyn score: stdin JSONL -> stdout JSONL of {reward, reason}', async () => {
    const c = cases[2]!;
    const lines = [
      JSON.stringify({ instance: { env_id: envId, seed: c.seed, difficulty: c.difficulty }, response: `<answer>${c.solution}</answer>` }),
      JSON.stringify({ ground_truth: groundTruth(envId, c.seed, c.difficulty), response: '<answer>wrong</answer>' }),
      'this is not json',
      JSON.stringify({ id: 'abc', response: 'x' }),
    ];
    const child = spawn(process.execPath, [cli, 'score'], {
      env: { ...process.env, RESYN_DATA_DIR: cfg.dataDir, RESYN_REWARDS_WORKERS: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end(lines.join('\n') + '\n');
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, err);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(rows.length, 4);
    assert.equal(rows[0].reward, 1);
    assert.equal(rows[1].reward, 0);
    assert.match(rows[2].reason, /line 3: not JSON/);
    assert.match(rows[3].reason, /--dataset/);
    assert.equal(rows[3].id, 'abc');
  });

  it('--help works on sample, score, serve-rewards and calibrate', () => {
    for (const c of ['sample', 'score', 'serve-rewards', 'calibrate']) {
      const r = spawnSync(process.execPath, [cli, c, '--help'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Usage: resyn ${c}`));
    }
  });
});
