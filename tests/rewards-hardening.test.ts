/**
 * The reward service under hostile input, over real HTTP on the real sandbox: a rejected
 * environment's id, a ground_truth nested 20,000 deep, a 300 MB body (413, not a reset), too many
 * items, the queue limit (429 + Retry-After, nothing lost when clients retry), a slow-answer
 * client beside an honest one (the honest one is answered first; the slow request ends at its
 * time budget with a reason per item), the stats endpoints, `resyn score` writing one line per
 * input line, and scoring from a dataset folder copied away from its registry.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { groundTruth } from '../dataset/rows';
import { projectRoot } from '../lib/paths';
import { openRegistry } from '../registry/open';
import type { Registry } from '../registry/registry';
import { createScorer, serviceLimits } from '../rewards/deps';
import type { Scorer } from '../rewards/scorer';
import { startRewardServer, type RewardServer } from '../rewards/server';
import { environmentId, SandboxPool } from '../sandbox';
import { dataPaths, loadConfig, type ResynConfig } from '../temporal.config';
import { tmpDir } from './support/temporal';

const cli = path.join(projectRoot, 'dist/cli/main.js');
const fixture = (name: string) => fs.readFileSync(path.join(projectRoot, 'tests/fixtures/good-envs', name), 'utf8');

/** Always 1: the kind of verifier the gates reject. */
const ALWAYS_ONE = `export default {
  name: "always-one", description: "scores everything 1", tags: ["x"],
  generate(rng, d) { return { n: rng.int(1, 9) }; },
  prompt(s) { return "say anything"; },
  verify(s, a) { return 1; },
  solve(s) { return "x"; },
};
`;
/** Accepted, but an answer starting with "slow" costs ~250 ms of verify. */
const SLOW_ON_DEMAND = `export default {
  name: "slow-on-demand", description: "verify is slow for answers that ask for it", tags: ["x"],
  generate(rng, d) { return { n: rng.int(1, 9) }; },
  prompt(s) { return "name the number " + s.n; },
  verify(s, a) {
    if (String(a).startsWith("slow")) { let x = 0; for (let i = 0; i < 4e6; i++) x += i % 7; return x < 0 ? 1 : 0; }
    return String(a).trim() === String(s.n) ? 1 : 0;
  },
  solve(s) { return String(s.n); },
};
`;

type Rewards = { reward: number; reason: string }[];

async function register(reg: Registry, source: string, name: string, status: 'accepted' | 'rejected'): Promise<string> {
  const id = environmentId(source);
  await reg.upsertEnvironment({
    id,
    name,
    description: name,
    tags: [],
    family: null,
    keyword: null,
    source,
    status,
    origin: 'seed',
    rounds: 0,
    runId: null,
    parentId: null,
    scores: {},
  });
  return id;
}

/** POSTs over node:http (so a huge body can be streamed); resolves with status, headers and the parsed body. */
function postRaw(
  url: string,
  body: Buffer | { chunks: number; chunk: Buffer; declare: boolean },
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const streamed = !Buffer.isBuffer(body);
    const length = streamed ? body.chunks * body.chunk.length : body.length;
    const req = http.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(!streamed || body.declare ? { 'content-length': String(length) } : {}),
        ...headers,
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    if (!streamed) return void req.end(body);
    // Writes the chunks with backpressure, and stops as soon as the server has answered.
    let sent = 0;
    const pump = () => {
      while (sent < body.chunks && !answered) {
        sent++;
        if (!req.write(body.chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('rewards: hardening against hostile requests', function () {
  this.timeout(120_000);
  let cfg: ResynConfig;
  let scorer: Scorer;
  let server: RewardServer;
  let sumId: string;
  let rejectedId: string;
  let slowId: string;
  /** seed -> sum-pairs' correct answer at difficulty 2. */
  const answers = new Map<number, string>();

  before(async () => {
    cfg = loadConfig({
      RESYN_DATA_DIR: tmpDir(),
      RESYN_METRICS_PORT: '0',
      RESYN_REWARDS_MAX_BODY_MB: '4',
      RESYN_REWARDS_MAX_ITEMS: '500',
      RESYN_REWARDS_BUDGET_MS: '2000',
    });
    const reg = await openRegistry(cfg);
    const sum = fixture('sum-pairs.js');
    sumId = await register(reg, sum, 'sum-pairs', 'accepted');
    rejectedId = await register(reg, ALWAYS_ONE, 'always-one', 'rejected');
    slowId = await register(reg, SLOW_ON_DEMAND, 'slow-on-demand', 'accepted');
    await reg.close();
    const pool = new SandboxPool({ ...cfg.sandbox, workers: 1 });
    const seeds = Array.from({ length: 400 }, (_, i) => i + 1);
    const sampled = await pool.sample(
      sum,
      seeds.map((seed) => ({ seed, difficulty: 2 })),
    );
    const solved = await pool.solve(
      sum,
      sampled.map((s) => (s.ok ? s.value.state : null)),
    );
    seeds.forEach((seed, i) => {
      const r = solved[i]!;
      assert.ok(r.ok);
      answers.set(seed, r.value);
    });
    await pool.close();
    scorer = createScorer(cfg, { workers: 2 });
    server = await startRewardServer(scorer, { port: 0, host: '127.0.0.1', ...serviceLimits(cfg) });
  });
  after(async () => {
    await server?.close();
    await scorer?.close();
  });

  const item = (seed: number, answer: string, envId = sumId) => ({
    ground_truth: groundTruth(envId, seed, 2),
    response: `thinking... <answer>${answer}</answer>`,
  });
  const post = async (body: unknown, headers: Record<string, string> = {}) =>
    postRaw(`${server.url}/v1/rewards`, Buffer.from(JSON.stringify(body)), headers);

  it('scores only accepted environments: a rejected id gets a per-item error beside scored items', async () => {
    const r = await post({ items: [item(1, answers.get(1)!), item(1, 'garbage', rejectedId), item(2, 'wrong')] });
    assert.equal(r.status, 200);
    const rewards = r.body.rewards as Rewards;
    assert.equal(rewards[0]!.reward, 1);
    assert.equal(rewards[1]!.reward, 0, 'always-one is not scored although its verify says 1');
    assert.match(rewards[1]!.reason, /status "rejected".*only accepted/);
    assert.equal(rewards[2]!.reward, 0);
    assert.equal(rewards[2]!.reason, 'incorrect');
  });

  it('an allow-list lets a named non-accepted environment be scored', async () => {
    const allowCfg = loadConfig({ RESYN_DATA_DIR: cfg.dataDir, RESYN_METRICS_PORT: '0', RESYN_REWARDS_ALLOW_ENVS: rejectedId });
    const s = createScorer(allowCfg, { workers: 1 });
    try {
      const [r] = await s.score([item(1, 'garbage', rejectedId)]);
      assert.deepEqual(r, { reward: 1, reason: 'correct' });
    } finally {
      await s.close();
    }
  });

  it('a ground_truth nested 20,000 deep, or not a string, is a per-item error, not a 500', async () => {
    const nested = deepGroundTruth(groundTruth(sumId, 3, 2));
    const arrays = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const body = `{"items": [${JSON.stringify(item(3, answers.get(3)!))}, {"ground_truth": ${nested}, "response": "<answer>1</answer>"},
      {"ground_truth": ${arrays}, "response": "<answer>1</answer>"}, {"ground_truth": 12345, "response": "<answer>1</answer>"},
      {"ground_truth": ${JSON.stringify(nested)}, "response": "<answer>1</answer>"},
      {"ground_truth": ${JSON.stringify('x'.repeat(1_000_000))}, "response": "<answer>1</answer>"}]}`;
    const r = await postRaw(`${server.url}/v1/rewards`, Buffer.from(body));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    const rewards = r.body.rewards as Rewards;
    assert.equal(rewards.length, 6);
    assert.equal(rewards[0]!.reward, 1);
    for (const x of rewards.slice(1)) {
      assert.equal(x.reward, 0);
      assert.match(x.reason, /malformed ground_truth/);
    }
  });

  it('a 300 MB body gets a 413 with a message (declared or streamed), not a connection reset', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const declared = await postRaw(`${server.url}/v1/rewards`, { chunks: 300, chunk, declare: true });
    assert.equal(declared.status, 413);
    assert.match(declared.body.error, /over the limit of 4194304 bytes/);
    const streamed = await postRaw(`${server.url}/v1/rewards`, { chunks: 300, chunk, declare: false });
    assert.equal(streamed.status, 413);
    assert.match(streamed.body.error, /over the limit/);
    const many = await post({ items: Array.from({ length: 501 }, (_, i) => item(i + 1, 'x')) });
    assert.equal(many.status, 413);
    assert.match(many.body.error, /at most 500 items/);
    // The service still answers.
    const ok = await post({ items: [item(4, answers.get(4)!)] });
    assert.equal(ok.body.rewards[0].reward, 1);
  });

  it('the queue limit answers 429 + Retry-After, and nothing is lost once clients retry', async () => {
    const small = loadConfig({ RESYN_DATA_DIR: cfg.dataDir, RESYN_METRICS_PORT: '0', RESYN_REWARDS_QUEUE_ITEMS: '40' });
    const s = createScorer(small, { workers: 1 });
    const srv = await startRewardServer(s, { port: 0, host: '127.0.0.1', ...serviceLimits(small) });
    try {
      let refused = 0;
      const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 30 }, (_, k) => 1 + b * 30 + k));
      const results = await Promise.all(
        batches.map(async (seeds) => {
          const body = Buffer.from(JSON.stringify({ items: seeds.map((seed) => item(seed, seed % 2 ? answers.get(seed)! : 'wrong')) }));
          for (;;) {
            const r = await postRaw(`${srv.url}/v1/rewards`, body, { 'x-resyn-client': 'trainer' });
            if (r.status !== 429) return r;
            refused++;
            const after = Number(r.headers['retry-after']);
            assert.ok(after >= 1, 'Retry-After is a whole number of seconds');
            assert.match(r.body.error, /queue limit/);
            await new Promise((res) => setTimeout(res, Math.min(after, 1) * 200)); // honours it, scaled down to keep the test short
          }
        }),
      );
      assert.ok(refused > 0, 'some requests were refused with 429');
      batches.forEach((seeds, b) => {
        assert.equal(results[b]!.status, 200);
        assert.deepEqual(
          (results[b]!.body.rewards as Rewards).map((x) => x.reward),
          seeds.map((seed) => (seed % 2 ? 1 : 0)),
        );
      });
      const stats = (await (await fetch(`${srv.url}/v1/stats`)).json()) as any;
      assert.equal(stats.requests['429'], refused);
      assert.equal(stats.requests['200'], 12);
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      assert.match(metrics, /resyn_rewards_request_duration_seconds_count 12/);
      assert.match(metrics, new RegExp(`resyn_rewards_requests_total\\{status="429"\\} ${refused}`));
      assert.match(metrics, /^resyn_rewards_request_duration_seconds_bucket\{le="\+Inf"\} 12$/m);
      assert.match(metrics, /^resyn_rewards_items_total\{outcome="correct"\} 180$/m);
      assert.match(metrics, /^resyn_rewards_items_total\{outcome="other"\} 180$/m);
      assert.equal(stats.histogram_ms.le_60000, 12, 'the JSON histogram reads the same buckets');
    } finally {
      await srv.close();
      await s.close();
    }
  });

  it('a slow-answer client does not hold up an honest one; its own request ends at its time budget with reasons', async () => {
    const hostile = post(
      { items: Array.from({ length: 60 }, (_, i) => item(i + 1, `slow ${i}`, slowId)) },
      { 'x-resyn-client': 'hostile' },
    ).then((r) => ({ r, at: performance.now() }));
    await new Promise((res) => setTimeout(res, 300)); // the hostile request is running
    const honest = await post(
      { items: Array.from({ length: 50 }, (_, i) => item(i + 1, answers.get(i + 1)!)) },
      { 'x-resyn-client': 'honest' },
    );
    const honestAt = performance.now();
    assert.equal(honest.status, 200);
    assert.ok(
      (honest.body.rewards as Rewards).every((x) => x.reward === 1),
      JSON.stringify(honest.body.rewards.slice(0, 3)),
    );
    const h = await hostile;
    assert.ok(honestAt < h.at, 'the honest request was answered while the slow one was still running');
    assert.equal(h.r.status, 200);
    const rewards = h.r.body.rewards as Rewards;
    assert.equal(rewards.length, 60);
    assert.ok(rewards.every((x) => x.reward === 0));
    const skipped = rewards.filter((x) => /time budget of 2000 ms ran out/.test(x.reason)).length;
    assert.ok(skipped > 0 && skipped < 60, `some slow items ran, the rest were stopped by the budget (${skipped} skipped)`);
  });

  it('resyn score writes one line per input line, errors included (nested ground_truth, blank line, not JSON)', async () => {
    const lines = [
      JSON.stringify(item(5, answers.get(5)!)),
      `{"ground_truth": ${deepGroundTruth(groundTruth(sumId, 5, 2))}, "response": "<answer>1</answer>"}`,
      '',
      'not json {',
      JSON.stringify(item(6, 'x', rejectedId)),
      JSON.stringify(item(6, answers.get(6)!)),
    ];
    const rows = await runScore(['score'], lines.join('\n') + '\n', { RESYN_DATA_DIR: cfg.dataDir });
    assert.equal(rows.length, lines.length);
    assert.deepEqual(
      rows.map((r) => r.reward),
      [1, 0, 0, 0, 0, 1],
    );
    assert.match(rows[1]!.reason, /malformed ground_truth/);
    assert.match(rows[2]!.reason, /line 3: empty/);
    assert.match(rows[3]!.reason, /line 4: not JSON/);
    assert.match(rows[4]!.reason, /rejected/);
  });

  it('--dataset: a dataset folder copied away from its registry scores the same, and a tampered source is refused', async () => {
    // A dataset folder as the sampler writes it: manifest.json and environments/<env_id>.js.
    const ds = path.join(tmpDir(), 'ds');
    fs.mkdirSync(path.join(ds, 'environments'), { recursive: true });
    fs.writeFileSync(
      path.join(ds, 'manifest.json'),
      JSON.stringify({ format: 'resyn-dataset/1', environments: [{ id: sumId }], shards: [] }),
    );
    fs.writeFileSync(path.join(ds, 'environments', `${sumId}.js`), fixture('sum-pairs.js'));
    const copy = path.join(tmpDir(), 'copy');
    fs.cpSync(ds, copy, { recursive: true });
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify(item(i + 1, i % 3 ? answers.get(i + 1)! : `${i}`)));
    lines.push(JSON.stringify(item(1, 'x', rejectedId)));
    const viaRegistry = await runScore(['score'], lines.join('\n'), { RESYN_DATA_DIR: cfg.dataDir });
    const empty = tmpDir();
    const viaDataset = await runScore(['score', '--dataset', copy], lines.join('\n'), { RESYN_DATA_DIR: empty });
    assert.deepEqual(
      viaDataset.slice(0, 40).map((r) => r.reward),
      viaRegistry.slice(0, 40).map((r) => r.reward),
    );
    assert.equal(viaDataset.slice(0, 40).filter((r) => r.reward === 1).length, 26);
    assert.match(viaDataset[40]!.reason, /not in the dataset/);
    assert.ok(!fs.existsSync(dataPaths(loadConfig({ RESYN_DATA_DIR: empty })).registry), 'no registry was created or read');
    // A hand-edited verifier no longer hashes to its id: refused per item, with the reason.
    fs.appendFileSync(path.join(copy, 'environments', `${sumId}.js`), '// always right now\n');
    const tampered = await runScore(['score', '--dataset', copy], lines[1]!, { RESYN_DATA_DIR: empty });
    assert.equal(tampered[0]!.reward, 0);
    assert.match(tampered[0]!.reason, /was modified: its source hashes to/);
  });
});

/** JSON text of {"ground_truth": {"ground_truth": ... "<gt>" ...}} 20,000 deep (JSON.stringify itself would overflow the stack). */
function deepGroundTruth(gt: string): string {
  return `${'{"ground_truth": '.repeat(20_000)}${JSON.stringify(gt)}${'}'.repeat(20_000)}`;
}

async function runScore(args: string[], stdin: string, env: Record<string, string>): Promise<Rewards> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, RESYN_METRICS_PORT: '0', RESYN_REWARDS_WORKERS: '1', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.stdin.end(stdin);
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 0, err);
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}
