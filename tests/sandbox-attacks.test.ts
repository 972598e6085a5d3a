/**
 * The sandbox under attack (issue 13) and the batch path (issue 12), on real QuickJS in real
 * worker threads. The attack tests use the pool's long-standing calls (sample, score,
 * scoreInstances) so they run unchanged against older sandboxes; each broke the sandbox before
 * the hardened driver and per-call isolation.
 */
import * as assert from 'node:assert/strict';
import { listSeedEnvironments } from '../lib/seeds';
import { adversarialAnswers, GARBAGE_ANSWERS, perturbations } from '../sandbox/checks/probes';
import { SandboxPool, type Result } from '../sandbox';

const kind = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.kind);
const value = (r: Result<number>) => (r.ok ? r.value : r.error.kind);

/** An environment with trivial parts; `top` is module-level code, `verify` the verify body (a = answer, s = state). */
const env = (top: string, verify: string, generate = 'return { n: rng.int(1, 9) };') => `${top}
export default { name: "h", description: "hostile", tags: [],
  generate(rng, d) { ${generate} }, prompt(s) { return "n?"; }, solve(s) { return String(s.n); },
  verify(s, a) { ${verify} } };`;

/** A small deterministic PRNG for the property test's random batches (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed environment whose verify also throws on one answer and loops forever on another. */
function withHostileAnswers(source: string): string {
  return `${source.replace(/export\s+default/, 'const __seed =')}
export default { ...__seed, verify(s, a) {
  if (a === "\\u0000throw") throw new Error("boom");
  if (a === "\\u0000loop") for (;;) {}
  return __seed.verify(s, a);
} };`;
}

describe('sandbox batch path and attacks', function () {
  this.timeout(300_000);
  const pool = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 150, workers: 2 });
  const t0 = Date.now();
  const log = (what: string) => process.env.RESYN_TEST_TIMING && console.log(`${Date.now() - t0} ms ${what}`);
  // The default per-item deadline, for legal but heavy calls (a 900 KB state takes QuickJS tens of ms, more on a loaded machine).
  const roomyPool = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 2000, workers: 2 });
  after(() => Promise.all([pool.close(), roomyPool.close()]));

  it('batch scoring gives exactly the rewards of one-by-one scoring on every seed environment (random batches, throwing and timing-out items)', async () => {
    // A deadline far above any seed verify even on a loaded machine, so only the looping answers time out.
    const pool = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 1000, workers: 2 });
    try {
      await batchEqualsOneByOne(pool);
    } finally {
      await pool.close();
    }
  });

  async function batchEqualsOneByOne(pool: SandboxPool): Promise<void> {
    const seeds = listSeedEnvironments();
    assert.ok(seeds.length >= 8);
    const rnd = prng(12);
    let compared = 0;
    let failures = 0;
    for (const [e, seedEnv] of seeds.entries()) {
      const source = withHostileAnswers(seedEnv.source);
      const nInst = 2 + Math.floor(rnd() * 2);
      const refs = Array.from({ length: nInst }, () => ({ seed: Math.floor(rnd() * 1e9), difficulty: 1 + Math.floor(rnd() * 10) }));
      const sampled = await pool.sampleBatch(
        source,
        refs.map((r) => r.seed),
        refs.map((r) => r.difficulty),
      );
      assert.ok(
        sampled.every((r) => r.ok),
        `${seedEnv.name}: ${JSON.stringify(sampled.find((r) => !r.ok))}`,
      );
      const states = sampled.map((r) => (r.ok ? r.value.state : null));
      const sols = await pool.solve(source, states);
      const instances = refs.map((ref, k) => {
        const sol = sols[k]!.ok ? (sols[k] as { value: string }).value : '';
        const pool_ = [sol, ` ${sol} `, ...perturbations(sol), ...GARBAGE_ANSWERS, '\u0000throw', adversarialAnswers(sol)[3]!.answer];
        const answers = pool_.filter(() => rnd() < 0.6);
        // Timeouts cost their deadline twice (batch and one by one): a few environments get one.
        if (e % 8 === 0 && k === 0) answers.splice(Math.floor(rnd() * answers.length), 0, '\u0000loop');
        if (answers.length === 0) answers.push(sol);
        // Half the instances pass their state, half are generated (and cached) in the worker.
        return rnd() < 0.5 ? { state: states[k], answers } : { ...ref, answers };
      });
      const batch = await pool.verifyBatch(source, instances);
      // One by one: every answer in its own call (the calls run concurrently on the pool's workers).
      const singles = await Promise.all(
        instances.map((inst, k) =>
          Promise.all(inst.answers.map(async (answer) => (await pool.verifyBatch(source, [{ ...refs[k]!, answers: [answer] }]))[0]![0]!)),
        ),
      );
      for (const [k, inst] of instances.entries()) {
        for (const [j, answer] of inst.answers.entries()) {
          const single = singles[k]![j]!;
          assert.deepEqual(
            value(batch[k]![j]!),
            value(single),
            `${seedEnv.name} instance ${k} answer ${JSON.stringify(answer.slice(0, 40))}`,
          );
          compared++;
          if (!single.ok) failures++;
        }
      }
      // The long-standing per-item calls agree with the batch too.
      const flat = instances.flatMap((inst, k) => inst.answers.map((answer) => ({ ...refs[k]!, answer })));
      const viaScoreInstances = await pool.scoreInstances(source, flat);
      assert.deepEqual(viaScoreInstances.map(value), batch.flat().map(value), seedEnv.name);
      log(seedEnv.name);
    }
    assert.ok(compared > 150 && failures > 20, `compared ${compared} answers, ${failures} failures`);
  }

  it('a per-call deadline and a batch budget: slow items fail alone, the budget stops the rest, finished items keep their results', async () => {
    const slow = env('', 'if (a === "slow") { const t = []; for (let i = 0; i < 1e9; i++) t.length = 0; } return a === String(s.n);');
    const answers = ['3', 'slow', '3', 'slow', 'x', 'slow', '3', '3'];
    // A deadline per call tighter than the pool's: each slow item times out alone.
    const [tight] = await roomyPool.verifyBatch(slow, [{ state: { n: 3 }, answers }], { callTimeoutMs: 100 });
    assert.deepEqual(tight!.map(value), [1, 'timeout', 1, 'timeout', 0, 'timeout', 1, 1]);
    assert.match((tight![1] as { error: { message: string } }).error.message, /100 ms deadline/);
    // A budget shorter than two slow items: the items before keep their results, the rest are "not run".
    const [budgeted] = await roomyPool.verifyBatch(slow, [{ state: { n: 3 }, answers }], { callTimeoutMs: 1500, budgetMs: 1000 });
    assert.deepEqual(budgeted!.slice(0, 1).map(value), [1]);
    assert.equal(kind(budgeted![1]!), 'timeout');
    assert.ok(
      budgeted!.slice(2).every((r) => kind(r) === 'timeout' && /budget/.test((r as { error: { message: string } }).error.message)),
      JSON.stringify(budgeted),
    );
    await assert.rejects(roomyPool.verifyBatch(slow, [{ state: {}, answers: ['x'] }], { budgetMs: -1 }), /budgetMs/);
  });

  it('sampleBatch gives the states and prompts of one-by-one sampling', async () => {
    const source = listSeedEnvironments()[0]!.source;
    const seeds = [5, 6, 7, 8, 9, 10, 11, 12];
    const batch = await pool.sampleBatch(source, seeds, 4);
    for (const [i, seed] of seeds.entries()) assert.deepEqual(batch[i], (await pool.sampleBatch(source, [seed], 4))[0]);
  });

  it('an environment cannot forge its result records (Array.prototype.push, Object.prototype.toJSON, JSON.stringify)', async () => {
    const forgers = [
      `const push = Array.prototype.push; Array.prototype.push = function (...xs) { return push.apply(this, xs.map((x) => typeof x === "string" && x.startsWith('{"e"') ? '{"v":1}' : x)); };`,
      `Object.defineProperty(Object.prototype, "toJSON", { value: function () { return "e" in this ? { v: 1 } : this; }, configurable: true });`,
      `const s = JSON.stringify; JSON.stringify = function (v) { return v && typeof v === "object" && "e" in v ? '{"v":1}' : s(v); };`,
    ];
    for (const top of forgers) {
      const rs = await pool.score(
        env(top, 'if (a === "loop") for (;;) {} if (a === "throw") throw new Error("no"); return a === String(s.n);'),
        ['loop', 'throw', 'garbage'].map((answer) => ({ state: { n: 3 }, answer })),
      );
      assert.ok(
        rs.every((r) => !r.ok || r.value === 0),
        `${top.slice(0, 40)}: ${JSON.stringify(rs)}`,
      );
    }
  });

  it('state does not survive between calls: Proxy export, getters, counters in verify and generate', async () => {
    const wrong = Array.from({ length: 60 }, (_, i) => ({ state: { n: 3 }, answer: `w${i}` }));
    const hostile = [
      // A Proxy default export that hands out an always-1 verify after a few reads.
      `let reads = 0; const real = { name: "p", description: "p", tags: [], generate(rng) { return { n: rng.int(1, 9) }; }, prompt() { return "?"; }, solve(s) { return String(s.n); }, verify(s, a) { return a === String(s.n); } };
       export default new Proxy(real, { get(t, k) { if (k === "verify" && ++reads > 3) return () => 1; return t[k]; } });`,
      // A getter on the export.
      `let n = 0; const v = (s, a) => a === String(s.n);
       export default { name: "g", description: "g", tags: [], generate(rng) { return { n: rng.int(1, 9) }; }, prompt() { return "?"; }, solve(s) { return String(s.n); },
         get verify() { return ++n > 3 ? () => 1 : v; } };`,
      // A module-level counter in verify.
      env('let calls = 0;', 'return ++calls > 5 ? 1 : a === String(s.n);'),
      // State kept on the state object's prototype chain... and on globalThis.
      env('', 'globalThis.__n = (globalThis.__n || 0) + 1; return globalThis.__n > 5 ? 1 : a === String(s.n);'),
    ];
    for (const source of hostile) {
      for (let round = 0; round < 2; round++) {
        const rs = await pool.score(source, wrong);
        assert.ok(
          rs.every((r) => !r.ok || r.value === 0),
          `${source.slice(0, 60)}: ${JSON.stringify(rs.filter((r) => r.ok && r.value !== 0).length)} wrong answers scored`,
        );
      }
      const [right] = await pool.score(source, [{ state: { n: 3 }, answer: '3' }]);
      assert.ok(kind(right!) !== 'ok' || (right as { value: number }).value === 1);
    }
    // A generate with a counter: the same seed gives the same state, however many calls came before.
    const counting = env('let made = 0;', 'return a === String(s.n);', 'made++; return { n: made > 3 ? 0 : rng.int(1, 9) };');
    const items = Array.from({ length: 20 }, () => ({ seed: 42, difficulty: 3 }));
    const states = (await pool.sample(counting, items)).map((r) => JSON.stringify(r.ok ? r.value.state : r.error));
    assert.equal(new Set(states).size, 1, states.join(' '));
    const scored = await pool.scoreInstances(
      counting,
      [...items, ...items].map((it) => ({ ...it, answer: JSON.parse(states[0]!).n.toString() })),
    );
    assert.ok(scored.every((r) => r.ok && r.value === 1));
  });

  it('a state shared by many answers is a fresh copy in every call (mutations, a "__proto__" key, odd strings)', async () => {
    // verify scores 0.5 whenever its state is not exactly JSON.parse(JSON.stringify(state)) as
    // given (an earlier call's mutation, another prototype, a lost "__proto__" key, a changed string).
    const odd = 'q"\\ \u2028\u2029 \ud800 \u0041 \u00e9 \u{1F600} </script>';
    const verify = (protoKey: boolean, t: string) => `const clean = s.seen.length === 0 && s.o.x === undefined && s.n === 3 &&
        Object.getPrototypeOf(s) === Object.prototype && Object.getPrototypeOf(s.o) === Object.prototype &&
        Object.keys(s).join() === ${JSON.stringify(protoKey ? '__proto__,n,seen,o,t' : 'n,seen,o,t')} &&
        ${protoKey ? 'Object.prototype.hasOwnProperty.call(s, "__proto__") && s.__proto__.n === 7' : 'true'} && s.t === ${JSON.stringify(t)};
      s.seen.push(a); s.o.x = 1; Object.setPrototypeOf(s.o, null); s.n = -1;
      return clean ? (a === "3" ? 1 : 0) : 0.5;`;
    const stateText = (protoKey: boolean, t: string) =>
      JSON.stringify({ ...(protoKey ? { p: 0 } : {}), n: 3, seen: [], o: {}, t }).replace('"p":0', '"__proto__":{"n":7}');
    const answers = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? '3' : `w${i}`));
    const want = answers.map((a) => (a === '3' ? 1 : 0));
    // The last case is one the driver copies with a compiled literal; the others it must re-parse.
    for (const [protoKey, t] of [
      [true, odd],
      [false, odd],
      [false, 'q"\\ \u00e9 \u{1F600} </script> -0 1e300'],
    ] as const) {
      const text = stateText(protoKey, t);
      const source = env('', verify(protoKey, t), `return JSON.parse(${JSON.stringify(text)});`);
      const [fromSeed, fromState] = await pool.verifyBatch(source, [
        { seed: 1, difficulty: 1, answers },
        { state: JSON.parse(text), answers },
      ]);
      assert.deepEqual(fromSeed!.map(value), want, `generated state, __proto__ key: ${protoKey}, ${t}`);
      assert.deepEqual(fromState!.map(value), want, `given state, __proto__ key: ${protoKey}, ${t}`);
      // Again from the worker's state cache.
      const [cached] = await pool.verifyBatch(source, [{ seed: 1, difficulty: 1, answers }]);
      assert.deepEqual(cached!.map(value), want, `cached state, __proto__ key: ${protoKey}, ${t}`);
    }
  });

  it('an environment cannot poison the prototypes its own later calls use', async () => {
    const source = env(
      '',
      'if (a === "poison") { String.prototype.trim = function () { return "3"; }; Array.prototype.includes = () => true; } return a.trim() === String(s.n) ? 1 : 0;',
    );
    const rs = await pool.score(
      source,
      ['poison', 'x', 'y', '3'].map((answer) => ({ state: { n: 3 }, answer })),
    );
    assert.deepEqual(rs.map(value), ['guest-error', 0, 0, 1]);
  });

  it('out-of-memory is never a random source: a generate that allocates until it fails, then catches it, fails out-of-memory every time', async () => {
    const entropy = env(
      '',
      'return 0;',
      'const xs = []; try { for (;;) xs.push(new Array(1e5).fill(1)); } catch (e) { return { n: xs.length }; }',
    );
    const rs = await roomyPool.sample(
      entropy,
      [1, 2, 3].map((seed) => ({ seed, difficulty: 1 })),
    );
    assert.deepEqual(rs.map(kind), ['out-of-memory', 'out-of-memory', 'out-of-memory']);
    assert.ok(rs.every((r) => !r.ok && !/threw null/.test(r.error.message)));
  });

  it('a known-good environment scores the same after leaky and memory-hungry neighbours in one pool', async () => {
    const one = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 2000, workers: 1 });
    try {
      const good = listSeedEnvironments()[3]!.source;
      const items = Array.from({ length: 24 }, (_, i) => ({ seed: 100 + i, difficulty: 1 + (i % 10) }));
      const states = (await one.sample(good, items)).map((r) => (r.ok ? r.value.state : null));
      const sols = (await one.solve(good, states)).map((r) => (r.ok ? r.value : ''));
      const before = await one.scoreInstances(
        good,
        items.map((it, i) => ({ ...it, answer: sols[i]! })),
      );
      assert.ok(before.every((r) => r.ok && r.value === 1));
      const neighbours = [
        env('const keep = [];', 'keep.push("x".repeat(2e6 + keep.length)); return 0;'),
        env('', 'const xs = []; for (let i = 0; i < 40; i++) xs.push(new Array(1e5).fill(i)); return 0;'),
        env('const keep = [];', 'for (;;) keep.push(new Array(1e4).fill(1));'),
      ];
      for (let round = 0; round < 2; round++)
        for (const n of neighbours)
          await one.score(
            n,
            Array.from({ length: 4 }, (_, i) => ({ state: { n: i }, answer: 'x' })),
          );
      const after = await one.scoreInstances(
        good,
        items.map((it, i) => ({ ...it, answer: sols[i]! })),
      );
      assert.deepEqual(after.map(value), before.map(value));
    } finally {
      await one.close();
    }
  });

  it('a verify leaking 40 KB per call scores thousands of answers without running out of memory', async () => {
    const leaky = env('const leak = [];', 'leak.push("y".repeat(40000) + a); return a === String(s.n);');
    const answers = Array.from({ length: 3000 }, (_, i) => ({ state: { n: 3 }, answer: i % 3 === 0 ? '3' : 'no' }));
    const rs = await pool.score(leaky, answers);
    assert.deepEqual(
      rs.map(value),
      answers.map((a) => (a.answer === '3' ? 1 : 0)),
    );
  });

  it('legal ~900 KB states are sampled and verified in bounded time without watchdog kills', async () => {
    const big = env(
      '',
      'return a === String(s.n);',
      'const rows = []; for (let i = 0; i < 2200; i++) rows.push("r" + i + "-" + "z".repeat(400)); return { n: rng.int(1, 9), rows };',
    );
    const pool = roomyPool;
    const kills = pool.stats.kills;
    const items = Array.from({ length: 24 }, (_, i) => ({ seed: i, difficulty: 2 }));
    const sampled = await pool.sample(big, items);
    assert.ok(
      sampled.every((r) => r.ok && JSON.stringify(r.value.state).length > 850_000 && JSON.stringify(r.value.state).length < 1_000_000),
    );
    const rs = await pool.scoreInstances(
      big,
      items.map((it, i) => ({ ...it, answer: String((sampled[i] as { value: { state: { n: number } } }).value.state.n) })),
    );
    assert.ok(rs.every((r) => r.ok && r.value === 1));
    assert.equal(pool.stats.kills, kills);
  });
});
