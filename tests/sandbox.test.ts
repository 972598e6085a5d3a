/**
 * The sandbox on real QuickJS in real worker threads: each measured pitfall of quickjs-emscripten
 * has a test that fails on a naive sandbox; hostile code comes back as typed failures; the rng is
 * the documented sfc32/splitmix32; results are identical across processes; 10,000 hostile calls
 * do not grow the host heap.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { extractAnswer } from '../lib/answer';
import { projectRoot } from '../lib/paths';
import { environmentId, SandboxPool, type Result } from '../sandbox';

const goodFile = path.join(projectRoot, 'tests', 'fixtures', 'good-envs', 'grid-path.js');

/** An environment whose verify runs `body` (with `a` the answer) and whose other parts are trivial. */
const verifying = (body: string) => `export default { name: "h", description: "hostile", tags: [],
  generate(rng, d) { return { n: rng.int(1, 9) }; }, prompt(s) { return "n?"; }, solve(s) { return String(s.n); },
  verify(s, a) { ${body} } };`;

const kind = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.kind);

function gc(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

describe('sandbox', function () {
  this.timeout(120_000);
  const pool = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 300, workers: 2 });
  after(() => pool.close());

  it('samples, solves and scores a good environment in batches', async () => {
    const source = fs.readFileSync(goodFile, 'utf8');
    const info = await pool.describe(source);
    assert.deepEqual(info, {
      ok: true,
      value: {
        id: environmentId(source),
        name: 'grid-path-count',
        description: info.ok ? info.value.description : '',
        tags: ['combinatorics', 'grid', 'dynamic-programming'],
      },
    });
    const items = Array.from({ length: 300 }, (_, i) => ({ seed: i, difficulty: 1 + (i % 10) }));
    const sampled = await pool.sample(source, items);
    assert.ok(sampled.every((r) => r.ok));
    const states = sampled.map((r) => (r.ok ? r.value.state : null));
    const solved = await pool.solve(source, states);
    const answers = solved.map((r) => (r.ok ? r.value : ''));
    const rewards = await pool.score(
      source,
      states.map((state, i) => ({ state, answer: answers[i]! })),
    );
    assert.ok(rewards.every((r) => r.ok && r.value === 1));
    const byInstance = await pool.scoreInstances(
      source,
      items.map((it, i) => ({ ...it, answer: i % 2 ? answers[i]! : 'nope' })),
    );
    assert.deepEqual(
      byInstance.map((r) => (r.ok ? r.value : -1)),
      items.map((_, i) => (i % 2 ? 1 : 0)),
    );
  });

  it('the rng is sfc32 seeded by splitmix32 (as documented), with Math.random and Date removed', async () => {
    // Reference implementation in plain Node, written from docs/sandbox.md.
    function reference(seed: number, n: number): number[] {
      let a0 = ((seed % 4294967296) >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x85ebca6b);
      const sm = () => {
        a0 = (a0 + 0x9e3779b9) | 0;
        let t = a0 ^ (a0 >>> 16);
        t = Math.imul(t, 0x21f0aaad);
        t ^= t >>> 15;
        t = Math.imul(t, 0x735a2d97);
        return (t ^ (t >>> 15)) >>> 0;
      };
      let a = sm() | 0,
        b = sm() | 0,
        c = sm() | 0,
        d = sm() | 0;
      const next = () => {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        return t >>> 0;
      };
      for (let i = 0; i < 15; i++) next();
      return Array.from({ length: n }, () => next() / 4294967296);
    }
    const source = `export default { name: "r", description: "r", tags: [], prompt() { return "?"; }, verify() { return 0; }, solve() { return ""; },
      generate(rng, d) { return { xs: [rng.float(), rng.float(), rng.float()], i: rng.int(1, 6), p: rng.pick(["a", "b", "c"]), sh: rng.shuffle([1, 2, 3, 4]),
        host: [typeof Math.random, typeof Date, typeof require, typeof process, typeof fetch, typeof setTimeout, typeof globalThis.std, typeof globalThis.os] }; } };`;
    for (const seed of [0, 1, 42, 2 ** 40 + 7]) {
      const [r] = await pool.sample(source, [{ seed, difficulty: 1 }]);
      assert.ok(r!.ok, JSON.stringify(r));
      const st = r!.value.state as { xs: number[]; i: number; host: string[]; sh: number[] };
      const ref = reference(seed, 3);
      assert.deepEqual(st.xs, ref);
      assert.ok(st.i >= 1 && st.i <= 6);
      assert.deepEqual([...st.sh].sort(), [1, 2, 3, 4]);
      assert.deepEqual(st.host, Array(8).fill('undefined'));
    }
  });

  it('gives identical instances in another process', async () => {
    const source = fs.readFileSync(goodFile, 'utf8');
    const items = Array.from({ length: 40 }, (_, i) => ({ seed: 1000 + i, difficulty: 1 + (i % 10) }));
    const here = await pool.sample(source, items);
    const script = `const { SandboxPool } = require(${JSON.stringify(path.join(projectRoot, 'dist', 'sandbox'))});
      const p = new SandboxPool({ memoryMb: 64, stackKb: 256, callTimeoutMs: 2000, workers: 1 });
      p.sample(require('fs').readFileSync(${JSON.stringify(goodFile)}, 'utf8'), ${JSON.stringify(items)})
        .then((r) => { process.stdout.write(JSON.stringify(r)); return p.close(); });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, TZ: 'Pacific/Chatham' } });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), JSON.parse(JSON.stringify(here)));
  });

  it('stops an infinite loop at the deadline (interrupt handler) and keeps going', async () => {
    const rs = await pool.score(
      verifying('if (a === "loop") for (;;) {} return a === "1";'),
      ['1', 'loop', '1', '0'].map((answer) => ({ state: { n: 1 }, answer })),
    );
    assert.deepEqual(rs.map(kind), ['ok', 'timeout', 'ok', 'ok']);
    assert.deepEqual(
      rs.map((r) => (r.ok ? r.value : null)),
      [1, null, 1, 0],
    );
  });

  it('stops a builtin that overruns the deadline (one sort of 4,096 1 MiB strings) with the watchdog, within the memory cap', async () => {
    const rss0 = process.memoryUsage().rss;
    const kills0 = pool.stats.kills;
    // One builtin call of ~25 s (measured unbounded) with no bytecode between deadline and hard limit:
    // a loop of shorter builtin calls lets the interrupt handler win now and then (a flaky test on CI).
    const rs = await pool.score(
      verifying(
        'if (a === "sort") { const s = "a".repeat(1 << 20), xs = [s + "c", s + "b", s + "a"]; for (let i = 3; i < 1 << 12; i++) xs.push(xs[i % 3]); xs.sort(); } return 1;',
      ),
      ['ok', 'sort', 'ok'].map((answer) => ({ state: {}, answer })),
    );
    assert.deepEqual(rs.map(kind), ['ok', 'timeout', 'ok']);
    // The interrupt handler cannot stop this (the time is spent inside one builtin): the watchdog did.
    assert.equal(pool.stats.kills, kills0 + 1);
    assert.match((rs[1] as { error: { message: string } }).error.message, /watchdog/);
    assert.ok(process.memoryUsage().rss - rss0 < 512 * 1024 * 1024, 'host memory stayed bounded');
    // The pool respawned its worker and still works.
    const [again] = await pool.score(verifying('return 1;'), [{ state: {}, answer: 'x' }]);
    assert.deepEqual(again, { ok: true, value: 1 });
  });

  it('caps memory: a memory bomb and JSON.parse of a huge string fail cleanly (out-of-memory or timeout)', async () => {
    const rss0 = process.memoryUsage().rss;
    const rs = await pool.score(
      verifying(`
      if (a === "bomb") { const xs = []; for (;;) xs.push(new Array(1e5).fill(0)); }
      if (a === "parse") return JSON.parse("[" + "1,".repeat(4e6) + "1]").length > 0;
      if (a === "string") { let s = "x"; for (;;) s = s + s; }
      return 1;`),
      ['bomb', 'parse', 'string', 'fine'].map((answer) => ({ state: {}, answer })),
    );
    assert.ok(['out-of-memory', 'timeout'].includes(kind(rs[0]!)), kind(rs[0]!));
    assert.ok(['out-of-memory', 'timeout'].includes(kind(rs[1]!)), kind(rs[1]!));
    assert.ok(['out-of-memory', 'timeout', 'guest-error'].includes(kind(rs[2]!)), kind(rs[2]!));
    assert.deepEqual(rs[3], { ok: true, value: 1 });
    assert.ok(process.memoryUsage().rss - rss0 < 512 * 1024 * 1024, 'host memory stayed bounded');
  });

  it('turns deep recursion into a guest stack-overflow, not a host crash', async () => {
    const rs = await pool.score(
      verifying(
        'const f = (n) => f(n + 1) + 1; if (a === "deep") return f(0); const g = (o, n) => n ? g([o], n - 1) : o; if (a === "json") return JSON.stringify(g([], 1e6)).length > 0; return 1;',
      ),
      ['deep', 'json', 'x'].map((answer) => ({ state: {}, answer })),
    );
    assert.deepEqual(rs.map(kind), ['stack-overflow', 'stack-overflow', 'ok']);
  });

  it('types every other failure: guest-error, non-json, output-too-large, invalid-module', async () => {
    const rs = await pool.score(
      verifying(`
      if (a === "throw") throw new TypeError("bad");
      if (a === "str") throw "just a string";
      if (a === "obj") return { reward: 1 };
      if (a === "nan") return NaN;
      if (a === "big") return 2;
      return true;`),
      ['throw', 'str', 'obj', 'nan', 'big', 'ok'].map((answer) => ({ state: {}, answer })),
    );
    assert.deepEqual(rs.map(kind), ['guest-error', 'guest-error', 'non-json', 'non-json', 'non-json', 'ok']);
    assert.match((rs[0] as { error: { message: string } }).error.message, /TypeError: bad/);
    const [long] = await pool.score(verifying('return 1;'), [{ state: {}, answer: 'x'.repeat(pool.limits.maxAnswerChars + 1) }]);
    assert.equal(kind(long!), 'output-too-large');
    const fn = `export default { name: "f", description: "f", tags: [], generate(rng, d) { return d === 1 ? { f() {} } : d === 2 ? { x: "y".repeat(2e6) } : { s: new Map() }; }, prompt() { return "?"; }, verify() { return 0; }, solve() { return ""; } };`;
    const sampled = await pool.sample(
      fn,
      [1, 2, 3].map((difficulty) => ({ seed: 1, difficulty })),
    );
    assert.deepEqual(sampled.map(kind), ['non-json', 'output-too-large', 'non-json']);
    for (const bad of ['export default {', 'import fs from "fs"; export default {}', 'module.exports = {}', 'await 1; export default {}']) {
      const d = await pool.describe(bad);
      assert.equal(kind(d), 'invalid-module', bad);
    }
  });

  it('gives guest code no way to the host (require, process, Function constructor, prototype tricks)', async () => {
    const probe = `export default { name: "p", description: "p", tags: [], prompt() { return "?"; }, verify() { return 0; }, solve() { return ""; },
      generate() {
        const tries = [
          () => typeof require, () => typeof process, () => typeof fetch, () => typeof setTimeout, () => typeof WebAssembly,
          () => typeof (function () { return this; })(), () => Function("return typeof process")(),
          () => typeof globalThis.constructor.constructor("return this")().process, () => typeof Date, () => typeof Math.random,
          () => typeof globalThis.std, () => typeof globalThis.os, () => typeof globalThis.__resyn_tick,
        ];
        return tries.map((t) => { try { return t(); } catch (e) { return "threw"; } });
      } };`;
    const [r] = await pool.sample(probe, [{ seed: 1, difficulty: 1 }]);
    assert.ok(r!.ok);
    assert.deepEqual(r!.value.state, Array(13).fill('undefined'));
  });

  it('survives 10,000 hostile calls without growing the host heap', async function () {
    this.timeout(240_000);
    const hostile = verifying(`
      switch (a.charCodeAt(0) % 7) {
        case 0: throw new Error("no");
        case 1: return { x: 1 };
        case 2: { const f = (n) => f(n + 1); return f(0); }
        case 3: return "x".repeat(100000).length && undefined;
        case 4: return typeof process === "undefined" ? 0.5 : 1;
        case 5: return JSON.parse(a);
        default: return 1;
      }`);
    const batch = Array.from({ length: 500 }, (_, i) => ({ state: { i }, answer: String.fromCharCode(48 + (i % 7)) + 'x'.repeat(i % 13) }));
    const run = async (rounds: number) => {
      for (let k = 0; k < rounds; k++) {
        const rs = await pool.score(hostile, batch);
        assert.equal(rs.length, batch.length);
        // A different broken module every round too (fresh contexts, load failures).
        assert.equal(kind(await pool.describe(`export default { name: "x${k}" ; }`)), 'invalid-module');
      }
    };
    await run(2);
    gc();
    const before = process.memoryUsage().heapUsed;
    await run(20);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 16 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
    const [ok] = await pool.score(verifying('return 1;'), [{ state: {}, answer: '' }]);
    assert.deepEqual(ok, { ok: true, value: 1 });
  });

  it('extractAnswer reads the last complete <answer> block', () => {
    assert.equal(extractAnswer('think <answer>1</answer> no, <ANSWER> 2 </Answer>'), '2');
    assert.equal(extractAnswer('<answer>1</answer> then <answer>2 (truncated'), '1');
    assert.equal(extractAnswer('no tags'), null);
    assert.equal(environmentId('a\r\nb  \n'), environmentId('a\nb\n'));
  });
});
