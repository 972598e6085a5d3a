/**
 * The automatic checks on real QuickJS: the good fixtures pass every check; each hand-written bad
 * environment (tests/fixtures/bad-envs, first line `// expect-fail: <check>`) is rejected by that check.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../lib/paths';
import { CHECK_NAMES } from '../sandbox/checks';
import { checkEnvironment, checkFeedback, SandboxPool } from '../sandbox';

const fixtures = path.join(projectRoot, 'tests', 'fixtures');
const files = (dir: string) =>
  fs
    .readdirSync(path.join(fixtures, dir))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => path.join(fixtures, dir, f));

describe('automatic environment checks', function () {
  this.timeout(60_000);
  // Short deadline so the hostile fixtures cost little; the good ones are far below it.
  const pool = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 400, workers: 2 });
  after(() => pool.close());

  for (const file of files('good-envs')) {
    it(`accepts the good environment ${path.basename(file)}`, async () => {
      const report = await checkEnvironment(fs.readFileSync(file, 'utf8'), { pool });
      assert.deepEqual(
        report.checks.map((c) => c.name),
        [...CHECK_NAMES],
      );
      for (const c of report.checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
      assert.equal(report.ok, true);
      assert.match(report.env!.id, /^[0-9a-f]{64}$/);
      assert.equal(checkFeedback(report), 'All automatic checks passed.');
    });
  }

  for (const file of files('bad-envs')) {
    const source = fs.readFileSync(file, 'utf8');
    const expected = /expect-fail: (\S+)/.exec(source)?.[1];
    it(`rejects ${path.basename(file)} with the ${expected} check`, async () => {
      assert.ok(expected && (CHECK_NAMES as readonly string[]).includes(expected), 'fixture names its failing check');
      const report = await checkEnvironment(source, { pool });
      assert.equal(report.ok, false);
      const c = report.checks.find((x) => x.name === expected)!;
      assert.equal(c.ok, false, `${expected} should fail: ${c.detail}`);
      assert.ok(c.detail.length > 40 && !c.detail.startsWith('not run'), c.detail);
      // The JSON report round-trips and the feedback names the failing check.
      assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
      assert.ok(checkFeedback(report).includes(`- ${expected}: `), checkFeedback(report));
    });
  }

  it('stops a check at its total time budget, names it, and does not run the checks that need it', async () => {
    const slow = `export default { name: "slow-generate", description: "Slow.", tags: ["test"],
      generate(rng, d) { let x = 0; for (let i = 0; i < 200000; i++) x = (x + i) | 0; return { a: rng.int(1, 1e6), x }; },
      prompt(s) { return "Say " + s.a; }, verify(s, a) { return a.trim() === String(s.a); }, solve(s) { return String(s.a); } };`;
    const own = new SandboxPool({ memoryMb: 32, stackKb: 256, callTimeoutMs: 2000, workers: 1 });
    try {
      const t = Date.now();
      const report = await checkEnvironment(slow, { pool: own, config: { budgetMs: 400 } });
      assert.ok(Date.now() - t < 5000, 'the check run ends soon after the budget');
      const det = report.checks.find((c) => c.name === 'deterministic')!;
      assert.equal(det.ok, false);
      assert.match(det.detail, /ran out of its total time budget of 400 ms/);
      assert.ok(det.ms! >= 400);
      const guess = report.checks.find((c) => c.name === 'guessability')!;
      assert.match(guess.detail, /^not run: the deterministic check ran out of its time budget/);
      assert.equal(report.checks.find((c) => c.name === 'exports-and-types')!.ok, true);
    } finally {
      await own.close();
    }
  });

  it('attributes a limit breach to the check that saw it and reports per-check time', async () => {
    // verify loops forever on one constant answer that only guessability tries ("none").
    const source = `export default { name: "loops-on-none", description: "Multiply.", tags: ["test"],
      generate(rng, d) { return { a: rng.int(10 ** d, 10 ** (d + 1)), b: rng.int(11, 99) }; },
      prompt(s) { return "Compute " + s.a + " * " + s.b; },
      verify(s, a) { if (a === "none") for (;;) {} return a.trim() === String(s.a * s.b); },
      solve(s) { return String(s.a * s.b); } };`;
    const report = await checkEnvironment(source, { pool });
    const limits = report.checks.find((c) => c.name === 'within-limits')!;
    assert.equal(limits.ok, false);
    assert.match(limits.detail, /timeout.*\(seen by guessability\)/);
    for (const c of report.checks) assert.equal(typeof c.ms, 'number');
  });

  it('passes a correct verifier that accepts several correct answers (orderings)', async () => {
    // Any ordering of the set is correct: a perturbed (reordered) answer scores 1 and must not reject it.
    const source = `export default {
      name: "list-the-evens", description: "List the even members of a set in any order.", tags: ["combinatorics"],
      generate(rng, d) { const xs = rng.shuffle(Array.from({ length: 99 }, (_, i) => i + 1)).slice(0, d + 5);
        return { xs: rng.shuffle(xs.concat([100 + 2 * rng.int(0, 40), 200 + 2 * rng.int(0, 40)])) }; },
      prompt(s) { return "List the even numbers among " + s.xs.join(", ") + ", in any order, separated by spaces."; },
      verify(s, a) { const got = a.split(/[\\s,]+/).filter(Boolean).map(Number).sort((x, y) => x - y);
        const want = s.xs.filter((x) => x % 2 === 0).sort((x, y) => x - y); return got.length === want.length && got.every((v, i) => v === want[i]); },
      solve(s) { return s.xs.filter((x) => x % 2 === 0).join(" "); } };`;
    const report = await checkEnvironment(source, { pool });
    for (const c of report.checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
  });
});
