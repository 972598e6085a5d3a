/**
 * Peer benchmark: resyn's seed environments against Reasoning Gym (pip `reasoning-gym`) on 8
 * matched task pairs, on ONE core (the process re-runs itself under `taskset -c 0` when taskset
 * exists; its sandbox worker thread and the Python child inherit the pinning), in interleaved
 * rounds (resyn, then Reasoning Gym, pair by pair, round after round, so drift in machine load
 * hits both). Per pair, the median over rounds of:
 *   instances/s       resyn: generate + prompt in the sandbox (pool.sample);
 *                     RG: create_dataset + building every entry (question, answer, metadata);
 *   correct scores/s  each instance's correct answer (resyn: solve()'s; RG: the entry's answer)
 *                     scored — resyn: one batch through the sandbox (states cross as JSON);
 *                     RG: score_answer per entry;
 *   wrong scores/s    the next instance's answer instead;
 *   v8 scores/s       the same resyn verify bodies on the same states and answers in plain V8
 *                     (node:vm, warmed, fastest of 3 passes, states already parsed).
 * Prints a table and `BENCH peer pairs=8 gen_ratio=G score_ratio=S wrong_ratio=W v8_ratio=V v8_rg_ratio=R`:
 * geometric means of resyn/RG, of resyn/plain-V8 for correct-answer scoring, and of plain-V8/RG
 * (the same verify bodies in V8 against RG's scorers: the most any JS sandbox could reach).
 *
 * Reasoning Gym runs from a venv under ~/.cache/resyn/venv-rg (created with python3 and pip when
 * missing; PyPI only). Without python3 or when the install fails, the bench prints why and
 * `BENCH peer skipped=<reason>`.
 *
 *   node dist/bench/peer.js            BENCH_PEER_N=200 BENCH_PEER_ROUNDS=3
 */
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { projectRoot } from '../lib/paths';
import { SandboxPool } from '../sandbox';
import { loadConfig } from '../temporal.config';
import { v8Verifier } from './v8-env';

const RG_VERSION = '0.1.25';

interface Pair {
  resyn: string;
  difficulty: number;
  rg: string;
  kw: Record<string, unknown>;
}

const PAIRS: Pair[] = [
  { resyn: 'strings/vigenere-decrypt', difficulty: 2, rg: 'caesar_cipher', kw: { min_words: 3, max_words: 3 } },
  { resyn: 'graphs/graph-coloring', difficulty: 5, rg: 'graph_color', kw: { min_num_vertices: 15, max_num_vertices: 15 } },
  { resyn: 'constraint-satisfaction/n-queens-completion', difficulty: 5, rg: 'n_queens', kw: { n: 9 } },
  { resyn: 'logic/knights-and-knaves', difficulty: 5, rg: 'knights_knaves', kw: { n_people: 5 } },
  { resyn: 'algorithmic/water-jugs', difficulty: 10, rg: 'jugs', kw: { num_jugs: 3 } },
  { resyn: 'arithmetic/expression-evaluation', difficulty: 5, rg: 'basic_arithmetic', kw: { min_terms: 7, max_terms: 7 } },
  { resyn: 'arithmetic/base-conversion', difficulty: 5, rg: 'base_conversion', kw: {} },
  { resyn: 'algorithmic/tower-of-hanoi-moves', difficulty: 5, rg: 'tower_of_hanoi', kw: { min_disks: 5, max_disks: 5 } },
];

const skip = (reason: string): never => {
  console.error(`bench/peer skipped: ${reason}`);
  console.log(`BENCH peer skipped=${JSON.stringify(reason)}`);
  process.exit(0);
};

/** The venv's python with reasoning-gym, installing it when missing; undefined + reason otherwise. */
function reasoningGymPython(): string {
  const venv = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'resyn', 'venv-rg');
  const py = path.join(venv, 'bin', 'python');
  const has = () => fs.existsSync(py) && spawnSync(py, ['-c', 'import reasoning_gym'], { stdio: 'ignore' }).status === 0;
  if (has()) return py;
  if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).status !== 0) skip('no python3 on PATH');
  console.error(`installing reasoning-gym==${RG_VERSION} into ${venv} ...`);
  const mk = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
  if (mk.status !== 0) skip(`python3 -m venv failed: ${mk.stderr.trim().slice(-200)}`);
  const pip = spawnSync(path.join(venv, 'bin', 'pip'), ['install', '-q', `reasoning-gym==${RG_VERSION}`], { encoding: 'utf8' });
  if (pip.status !== 0 || !has()) skip(`pip install reasoning-gym failed: ${(pip.stderr || '').trim().slice(-300)}`);
  return py;
}

/** JSON-lines RPC with bench/peer_rg.py. */
class RgPeer {
  private lines: AsyncIterableIterator<string>;
  constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }
  async call(cmd: unknown): Promise<any> {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error('bench/peer_rg.py exited');
    return JSON.parse(r.value);
  }
  close(): void {
    this.child.stdin.end();
  }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const now = () => performance.now();

async function main(): Promise<void> {
  // One core: re-run pinned (the worker thread and the Python child inherit the affinity).
  if (process.env.BENCH_PEER_PINNED !== '1' && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0) {
    const r = spawnSync('taskset', ['-c', '0', process.execPath, __filename], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PEER_PINNED: '1' },
    });
    process.exit(r.status ?? 1);
  }
  const pinned = process.env.BENCH_PEER_PINNED === '1' ? 'taskset -c 0' : 'not pinned (no taskset)';
  const n = Number(process.env.BENCH_PEER_N ?? 200);
  const rounds = Number(process.env.BENCH_PEER_ROUNDS ?? 3);
  const py = reasoningGymPython();
  const child = spawn(py, [path.join(projectRoot, 'bench', 'peer_rg.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rg = new RgPeer(child);
  const pool = new SandboxPool({ ...loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' }).sandbox, workers: 1 });
  const sources = PAIRS.map((p) => fs.readFileSync(path.join(projectRoot, 'seeds', 'environments', `${p.resyn}.js`), 'utf8'));
  type Rates = { gen: number[]; score: number[]; wrong: number[]; v8: number[]; rgGen: number[]; rgScore: number[]; rgWrong: number[] };
  const rates: Rates[] = PAIRS.map(() => ({ gen: [], score: [], wrong: [], v8: [], rgGen: [], rgScore: [], rgWrong: [] }));
  const checks = PAIRS.map(() => ({ resynOnes: 0, resynWrongOnes: 0, rgOnes: 0, rgWrongOnes: 0 }));
  try {
    // Round 0 warms up (module loads, JIT, Python imports) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const counted = round > 0;
      for (const [k, p] of PAIRS.entries()) {
        const src = sources[k]!;
        const items = Array.from({ length: n }, (_, i) => ({ seed: 1 + round * n + i, difficulty: p.difficulty }));
        // resyn: instances/s (generate + prompt in the sandbox).
        let t = now();
        const sampled = await pool.sample(src, items);
        rates[k]!.gen.push(n / ((now() - t) / 1000));
        const states = sampled.map((s) => (s.ok ? s.value.state : null));
        const solved = await pool.solve(src, states); // untimed: the correct answers
        const answers = solved.map((s) => (s.ok ? s.value : ''));
        const correct = states.map((state, i) => ({ state, answer: answers[i]! }));
        const wrong = states.map((state, i) => ({ state, answer: answers[(i + 1) % n]! }));
        t = now();
        const scored = await pool.score(src, correct);
        rates[k]!.score.push(n / ((now() - t) / 1000));
        t = now();
        const scoredWrong = await pool.score(src, wrong);
        rates[k]!.wrong.push(n / ((now() - t) / 1000));
        checks[k]!.resynOnes += scored.filter((r) => r.ok && r.value === 1).length;
        checks[k]!.resynWrongOnes += scoredWrong.filter((r) => r.ok && r.value === 1).length;
        // The same verify bodies in plain V8 (states already parsed: the limit, not a like-for-like crossing).
        // Warmed (JIT) and the fastest of 3 passes: the ratio is not flattering to QuickJS.
        const verify = v8Verifier(src);
        const copies = correct.map((c) => ({ state: JSON.parse(JSON.stringify(c.state)), answer: c.answer }));
        for (let w = 0; w < 3; w++) for (const c of copies) verify(c.state, c.answer);
        let fastest = Infinity;
        for (let w = 0; w < 3; w++) {
          t = now();
          for (const c of copies) verify(c.state, c.answer);
          fastest = Math.min(fastest, now() - t);
        }
        rates[k]!.v8.push(n / (fastest / 1000));
        // Reasoning Gym: the same counts.
        const g = await rg.call({ op: 'gen', task: p.rg, kw: p.kw, n, seed: 1 + round });
        if (!counted) {
          for (const xs of Object.values(rates[k]!)) xs.length = 0;
          checks[k] = { resynOnes: 0, resynWrongOnes: 0, rgOnes: 0, rgWrongOnes: 0 };
          await rg.call({ op: 'score', task: p.rg, wrong: false });
          continue;
        }
        rates[k]!.rgGen.push(n / g.s);
        const s = await rg.call({ op: 'score', task: p.rg, wrong: false });
        rates[k]!.rgScore.push(n / s.s);
        const w = await rg.call({ op: 'score', task: p.rg, wrong: true });
        rates[k]!.rgWrong.push(n / w.s);
        checks[k]!.rgOnes += s.ones;
        checks[k]!.rgWrongOnes += w.ones;
      }
    }
  } finally {
    rg.close();
    await pool.close();
  }
  const ratio = { gen: [] as number[], score: [] as number[], wrong: [] as number[], v8: [] as number[], v8rg: [] as number[] };
  console.error(`${n} instances per pair per round, ${rounds} interleaved rounds, ${pinned}; rates are medians over rounds (per second)`);
  console.error(
    'pair'.padEnd(52) +
      ['gen', 'rg_gen', 'gen×', 'score', 'rg_score', 'score×', 'wrong', 'rg_wrong', 'wrong×', 'v8', 'score/v8']
        .map((h) => h.padStart(10))
        .join('') +
      '  scored 1: resyn,RG',
  );
  PAIRS.forEach((p, k) => {
    const r = rates[k]!;
    const m = (xs: number[]) => median(xs);
    const row = {
      gen: m(r.gen),
      rgGen: m(r.rgGen),
      score: m(r.score),
      rgScore: m(r.rgScore),
      wrong: m(r.wrong),
      rgWrong: m(r.rgWrong),
      v8: m(r.v8),
    };
    ratio.gen.push(row.gen / row.rgGen);
    ratio.score.push(row.score / row.rgScore);
    ratio.wrong.push(row.wrong / row.rgWrong);
    ratio.v8.push(row.score / row.v8);
    ratio.v8rg.push(row.v8 / row.rgScore);
    const c = checks[k]!;
    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3)).padStart(10);
    console.error(
      `${p.resyn} d${p.difficulty} / ${p.rg}`.padEnd(52) +
        [
          row.gen,
          row.rgGen,
          row.gen / row.rgGen,
          row.score,
          row.rgScore,
          row.score / row.rgScore,
          row.wrong,
          row.rgWrong,
          row.wrong / row.rgWrong,
          row.v8,
          row.score / row.v8,
        ]
          .map(f)
          .join('') +
        `  ${c.resynOnes}/${n * rounds},${c.rgOnes}/${n * rounds}`,
    );
    if (c.resynOnes < n * rounds || c.rgOnes < n * rounds)
      console.error(`  note: not every correct answer scored 1 (resyn ${c.resynOnes}, RG ${c.rgOnes} of ${n * rounds})`);
  });
  console.log(
    `BENCH peer pairs=${PAIRS.length} gen_ratio=${geo(ratio.gen).toFixed(2)} score_ratio=${geo(ratio.score).toFixed(2)} wrong_ratio=${geo(ratio.wrong).toFixed(2)} v8_ratio=${geo(ratio.v8).toFixed(3)} v8_rg_ratio=${geo(ratio.v8rg).toFixed(2)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
