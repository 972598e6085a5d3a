/**
 * Benchmark: answers scored per second by the reward service over HTTP, in batches of 256
 * (issue 12 target: >= 100,000/s on 2 cores for GRPO batches of 16 answers per state), and the
 * latency honest clients see with and without one hostile client (issue 13). The service runs as
 * its own process (the real `resyn serve-rewards`, one sandbox worker per core, so it can be
 * profiled with --cpu-prof); this process is the trainer.
 *
 * Realistic batches: instances are drawn shuffled across all seed environments (a trainer's
 * dataloader shuffles), responses carry ~1.5 KB of reasoning before the <answer> block, and the
 * answers to one instance are distinct (its solve() answer, then other instances' answers: well-
 * formed, mostly wrong), so no scenario gains from the service verifying a repeated answer once.
 * Scenarios, each with 1 and with several concurrent clients (a trainer keeps batches in flight):
 *   grpo-cached  16 instances x 16 responses per batch, instances seen before (later epochs,
 *                validation sets): the service has their states cached; only verify runs.
 *   grpo-fresh   16 NEW instances x 16 responses per batch (a first epoch): one generate per
 *                instance, amortised over its 16 answers.
 *   cold         256 new instances x 1 response: generate + verify for every answer.
 *   fairness     3 honest clients (grpo-cached batches, one request at a time each) alone, then
 *                beside one hostile client sending batches of answers that make an accepted
 *                environment's verify slow (~0.25 s each): p50/p99/max latency of the honest
 *                requests and their throughput in both phases.
 * The summary line's answers_per_s is grpo-cached with the most clients (the issue's GRPO-like
 * target, as measured before); every scenario's number is on the same line. Server CPU per
 * answer (all its threads, from /proc) is printed too: wall-clock rates swing with other load
 * on the 2 cores, CPU time per answer much less.
 *
 *   node dist/bench/rewards.js
 *   BENCH_REWARDS_ANSWERS=50000 BENCH_REWARDS_CLIENTS=4 BENCH_REWARDS_RESPONSE_CHARS=1500 node dist/bench/rewards.js
 *   BENCH_REWARDS_PROF=/tmp/prof node dist/bench/rewards.js   (server runs with --cpu-prof into that folder)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { groundTruth } from '../dataset/rows';
import { projectRoot } from '../lib/paths';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import { environmentId, SandboxPool } from '../sandbox';
import { loadConfig } from '../temporal.config';
import { v8Verifier } from './v8-env';

/** Answers per request (BENCH_REWARDS_BATCH); a trainer scoring a whole GRPO step sends thousands. */
const BATCH = Number(process.env.BENCH_REWARDS_BATCH ?? 256);
const GROUP = 16;
const PER_ENV = 64;

/** Accepted, but an answer starting with "slow" costs ~0.25 s of verify: what a hostile client aims at. */
const SLOW_ON_DEMAND = `export default {
  name: "slow-on-demand", description: "verify is slow for answers that ask for it", tags: ["bench"],
  generate(rng, d) { return { n: rng.int(1, 9) }; },
  prompt(s) { return "name the number " + s.n; },
  verify(s, a) {
    if (String(a).startsWith("slow")) { let x = 0; for (let i = 0; i < 4e6; i++) x += i % 7; return x < 0 ? 1 : 0; }
    return String(a).trim() === String(s.n) ? 1 : 0;
  },
  solve(s) { return String(s.n); },
};
`;

interface Pooled {
  envId: string;
  seed: number;
  difficulty: number;
  solution: string;
}
interface Item {
  ground_truth: string;
  response: string;
}

/** A seeded shuffle (mulberry32), so every run sends the same batches. */
function shuffled<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const FILLER =
  'Let me work through this step by step. First I restate the constraints, then I check each candidate against them and keep the ones that survive. ';
function response(n: number, chars: number, answer: string): string {
  const head = `Attempt ${n}. `;
  return head + FILLER.repeat(Math.ceil(chars / FILLER.length)).slice(0, Math.max(0, chars - head.length)) + `\n<answer>${answer}</answer>`;
}

/** Requests of one scenario, as ready-to-send bodies. */
function bodies(batches: Item[][]): Buffer[] {
  return batches.map((items) => Buffer.from(JSON.stringify({ items })));
}

function post(agent: http.Agent, url: URL, body: Buffer, client = 'trainer'): Promise<{ reward: number }[]> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-resyn-client': client } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          resolve((JSON.parse(text) as { rewards: { reward: number }[] }).rewards);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** utime + stime of a process (all its threads), or of its main thread alone, in seconds; undefined off Linux. */
function cpuSeconds(pid: number, mainThread = false): number | undefined {
  try {
    const f = fs.readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return undefined;
  }
}

async function startServer(dataDir: string, profDir: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const args = [
    ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    path.join(projectRoot, 'dist/cli/main.js'),
    'serve-rewards',
    '--port',
    '0',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, RESYN_DATA_DIR: dataDir, RESYN_METRICS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    child.once('exit', (code) => reject(new Error(`serve-rewards exited with ${code} before printing its URL`)));
  });
  return { child, url };
}

/** CPU time (all threads of this process) of fn, in µs. */
async function cpuUs(fn: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

/**
 * A profile of GRPO batches in one sandbox worker, in CPU µs per answer (robust to other load on
 * the machine, unlike wall time): the environment as is; with verify replaced by `return 0`
 * (so generate + plumbing); with generate and verify both trivial (plumbing alone: the thread
 * crossing, answers as JSON, the guest driver, a tick per item); and the same verify in plain V8
 * on already-parsed states.
 */
async function whereTimeGoes(
  pool: SandboxPool,
  envs: { id: string; source: string }[],
  solved: Map<string, Pooled[]>,
  answerFor: (p: { envId: string; seed: number }, k: number, own?: string) => string,
): Promise<Record<string, number>> {
  const variant = (src: string, over: string) =>
    `${src.replace(/export\s+default/, 'const __env =')}\nexport default { ...__env, ${over} };\n`;
  const t = { full: 0, nullVerify: 0, nullBoth: 0, v8: 0 };
  let answers = 0;
  let v8Answers = 0;
  for (const env of envs) {
    const insts = solved.get(env.id) ?? [];
    if (insts.length === 0) continue;
    const items = insts.flatMap((p) =>
      Array.from({ length: GROUP }, (_, k) => ({ seed: p.seed, difficulty: p.difficulty, answer: answerFor(p, k, p.solution) })),
    );
    const sources = {
      full: env.source,
      nullVerify: variant(env.source, 'verify() { return 0; }'),
      nullBoth: variant(env.source, 'generate() { return 0; }, verify() { return 0; }'),
    };
    for (const [k, src] of Object.entries(sources) as [keyof typeof sources, string][]) {
      await pool.scoreInstances(src, items.slice(0, GROUP)); // loaded
      t[k] += await cpuUs(() => pool.scoreInstances(src, items));
    }
    const states = (await pool.sample(env.source, insts)).map((r) => (r.ok ? r.value.state : null));
    answers += items.length;
    try {
      const verify = v8Verifier(env.source);
      const pairs = items.map((it, i) => ({ state: JSON.parse(JSON.stringify(states[Math.floor(i / GROUP)])), answer: it.answer }));
      for (const p of pairs) verify(p.state, p.answer);
      t.v8 += await cpuUs(async () => {
        for (const p of pairs) verify(p.state, p.answer);
      });
      v8Answers += items.length;
    } catch {
      /* not plain enough for the vm shim */
    }
  }
  const per = (x: number) => x / answers;
  const out = {
    profile_plumbing_us: per(t.nullBoth),
    profile_generate_us: per(t.nullVerify - t.nullBoth),
    profile_verify_us: per(t.full - t.nullVerify),
    profile_v8_verify_us: t.v8 / Math.max(1, v8Answers),
  };
  console.error(
    `where the time goes (1 sandbox worker, CPU µs per answer, ${GROUP} answers per instance, ${answers} answers over ${envs.length} environments): ` +
      `plumbing ${out.profile_plumbing_us.toFixed(1)}, generate ${out.profile_generate_us.toFixed(1)}, verify in QuickJS ${out.profile_verify_us.toFixed(1)} ` +
      `(the same verify in plain V8: ${out.profile_v8_verify_us.toFixed(1)})`,
  );
  return out;
}

async function main(): Promise<void> {
  const total = Number(process.env.BENCH_REWARDS_ANSWERS ?? 50_000);
  const maxClients = Number(process.env.BENCH_REWARDS_CLIENTS ?? 4);
  const chars = Number(process.env.BENCH_REWARDS_RESPONSE_CHARS ?? 1500);
  const profDir = process.env.BENCH_REWARDS_PROF;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-rewards-'));
  const cfg = loadConfig({ ...process.env, RESYN_DATA_DIR: dir, RESYN_METRICS_PORT: '0' });

  // Setup (untimed): the seed library, and PER_ENV solved instances per environment.
  const pool = new SandboxPool(cfg.sandbox);
  const registry = await openRegistry(cfg);
  await importSeedEnvironments(registry, pool);
  const envs = await registry.listEnvironments({ status: 'accepted' });
  const slowId = environmentId(SLOW_ON_DEMAND);
  await registry.upsertEnvironment({
    ...{ id: slowId, name: 'slow-on-demand', description: 'bench', tags: [], family: null, keyword: null, source: SLOW_ON_DEMAND },
    ...{ status: 'accepted', origin: 'seed', rounds: 0, runId: null, parentId: null, scores: {} },
  });
  await registry.close();
  const solved = new Map<string, Pooled[]>();
  for (const env of envs) {
    const inst = Array.from({ length: PER_ENV }, (_, i) => ({ seed: 10_000 + i, difficulty: 1 + (i % 5) }));
    const sampled = await pool.sample(env.source, inst);
    const sols = await pool.solve(
      env.source,
      sampled.map((s) => (s.ok ? s.value.state : null)),
    );
    solved.set(
      env.id,
      inst.flatMap((it, i) => {
        const s = sols[i]!;
        return sampled[i]!.ok && s.ok ? [{ envId: env.id, ...it, solution: s.value }] : [];
      }),
    );
  }
  const known = shuffled([...solved.values()].flat(), 1);
  /** k-th answer to an instance: its own solution first, then other instances' solutions of the same environment. */
  const answerFor = (p: { envId: string; seed: number }, k: number, own?: string): string => {
    const list = solved.get(p.envId)!;
    return k === 0 && own !== undefined ? own : list[(p.seed + k * 7) % list.length]!.solution;
  };
  const profile = await whereTimeGoes(pool, envs, solved, answerFor);
  await pool.close();
  let n = 0;
  const grpo = (insts: { envId: string; seed: number; difficulty: number; solution?: string }[]): Item[][] => {
    const out: Item[][] = [];
    for (let b = 0; b + BATCH / GROUP <= insts.length; b += BATCH / GROUP) {
      out.push(
        insts.slice(b, b + BATCH / GROUP).flatMap((p) =>
          Array.from({ length: GROUP }, (_, k) => ({
            ground_truth: groundTruth(p.envId, p.seed, p.difficulty),
            response: response(n++, chars, answerFor(p, k, p.solution)),
          })),
        ),
      );
    }
    return out;
  };
  let freshSeed = 1_000_000;
  const fresh = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const p = known[i % known.length]!;
      return { envId: p.envId, seed: freshSeed++, difficulty: p.difficulty };
    });

  const { child, url: base } = await startServer(dir, profDir);
  const url = new URL(`${base}/v1/rewards`);
  const results: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  const fair: Record<string, number> = {};
  let correct = 0;
  let scoredAll = 0;
  async function run(name: string, reqs: Buffer[], clients: number): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    let next = 0;
    let scored = 0;
    const c0 = cpuSeconds(child.pid!);
    const m0 = cpuSeconds(child.pid!, true);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < reqs.length) {
          const rewards = await post(agent, url, reqs[next++]!);
          scored += rewards.length;
          for (const r of rewards) if (r.reward === 1) correct++;
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    const c1 = cpuSeconds(child.pid!);
    const m1 = cpuSeconds(child.pid!, true);
    agent.destroy();
    scoredAll += scored;
    const key = `${name.replace('-', '_')}_c${clients}`;
    results[key] = scored / s;
    if (c0 !== undefined && c1 !== undefined) cpu[key] = ((c1 - c0) / scored) * 1e6;
    const main = m0 !== undefined && m1 !== undefined ? `${(((m1 - m0) / scored) * 1e6).toFixed(0)}` : '?';
    console.error(
      `${name.padEnd(12)} clients=${clients}  ${scored} answers in ${s.toFixed(2)} s = ${(scored / s).toFixed(0)}/s; server CPU ${cpu[key]?.toFixed(0) ?? '?'} us/answer (main thread: HTTP, JSON, grouping: ${main})`,
    );
  }

  const clientCounts = [...new Set([1, maxClients])];
  try {
    // Warm-up (untimed): every environment loaded in the service's sandbox workers, every known instance seen twice (cached).
    const epoch = bodies(grpo(known));
    for (let pass = 0; pass < 2; pass++)
      for (let i = 0; i < epoch.length; i += maxClients)
        await Promise.all(epoch.slice(i, i + maxClients).map((b) => post(new http.Agent(), url, b)));
    for (const c of clientCounts) {
      const reqs = Array.from({ length: Math.ceil(total / BATCH) }, (_, i) => epoch[i % epoch.length]!);
      await run('grpo-cached', reqs, c);
    }
    for (const c of clientCounts) await run('grpo-fresh', bodies(grpo(fresh(Math.ceil(total / BATCH) * (BATCH / GROUP)))), c);
    for (const c of clientCounts) {
      const count = Math.ceil(total / 4 / BATCH) * BATCH;
      const insts = fresh(count);
      const reqs: Item[][] = [];
      for (let i = 0; i < count; i += BATCH)
        reqs.push(
          insts.slice(i, i + BATCH).map((p, k) => ({
            ground_truth: groundTruth(p.envId, p.seed, p.difficulty),
            response: response(n++, chars, answerFor(p, k + 1)),
          })),
        );
      await run('cold', bodies(reqs), c);
    }
    // Fairness: honest clients alone, then beside a hostile one.
    const honestReqs = Math.max(30, Math.ceil(total / 4 / BATCH));
    const hostileBody = Buffer.from(
      JSON.stringify({
        items: Array.from({ length: 512 }, (_, i) => ({
          ground_truth: groundTruth(slowId, 1 + i, 1),
          response: `<answer>slow ${i}</answer>`,
        })),
      }),
    );
    for (const withHostile of [false, true]) {
      let stop = false;
      const hostile = withHostile
        ? (async () => {
            const agent = new http.Agent({ keepAlive: true });
            while (!stop) await post(agent, url, hostileBody, 'hostile').catch(() => undefined);
            agent.destroy();
          })()
        : Promise.resolve();
      if (withHostile) await new Promise((r) => setTimeout(r, 500));
      const lat: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        [0, 1, 2].map(async (h) => {
          const agent = new http.Agent({ keepAlive: true });
          while (next < honestReqs) {
            const body = epoch[next++ % epoch.length]!;
            const t = performance.now();
            await post(agent, url, body, `honest-${h}`);
            lat.push(performance.now() - t);
          }
          agent.destroy();
        }),
      );
      const s = (performance.now() - t0) / 1000;
      stop = true;
      await hostile;
      lat.sort((a, b) => a - b);
      const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
      const tag = withHostile ? 'hostile' : 'alone';
      fair[`honest_${tag}_p50_ms`] = q(0.5);
      fair[`honest_${tag}_p99_ms`] = q(0.99);
      fair[`honest_${tag}_max_ms`] = lat[lat.length - 1]!;
      fair[`honest_${tag}_per_s`] = (lat.length * BATCH) / s;
      console.error(
        `fairness    honest x3 ${withHostile ? 'beside a hostile client' : 'alone                  '}: ${lat.length} requests of ${BATCH}, ` +
          `p50 ${q(0.5).toFixed(0)} ms, p99 ${q(0.99).toFixed(0)} ms, max ${lat[lat.length - 1]!.toFixed(0)} ms, ${((lat.length * BATCH) / s).toFixed(0)} answers/s`,
      );
    }
    const stats = (await (await fetch(`${base}/v1/stats`)).json()) as { latency_ms: unknown; requests: unknown };
    console.error(`service /v1/stats: latency ${JSON.stringify(stats.latency_ms)} requests ${JSON.stringify(stats.requests)}`);
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const head = `grpo_cached_c${maxClients}`;
  const fmt = (o: Record<string, number>, suffix: string) =>
    Object.entries(o)
      .map(([k, v]) => `${k}${suffix}=${v.toFixed(0)}`)
      .join(' ');
  console.error(
    `${scoredAll} answers over ${envs.length} environments (${known.length} solved instances), ${cfg.rewards.workers} sandbox workers, ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)}); ${correct} scored 1${profDir ? `; server profiles in ${profDir}` : ''}`,
  );
  console.log(
    `BENCH rewards scenario=grpo-cached clients=${maxClients} answers_per_s=${results[head]!.toFixed(0)} target_per_s=100000 batch=${BATCH} responses_per_instance=${GROUP} response_chars=${chars} ${fmt(results, '')} ${fmt(cpu, '_cpu_us')} ${fmt(fair, '')} ${Object.entries(
      profile,
    )
      .map(([k, v]) => `${k}=${v.toFixed(1)}`)
      .join(' ')}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
