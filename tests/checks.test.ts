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

  it('passes a correct verifier that accepts several correct answers (orderings)', async () => {
    // Any ordering of the set is correct: a perturbed (reordered) answer scores 1 and must not reject it.
    const source = `export default {
      name: "list-the-set", description: "List the members of a set in any order.", tags: ["combinatorics"],
      generate(rng, d) { return { xs: rng.shuffle([1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24]).slice(0, d + 2) }; },
      prompt(s) { return "List these numbers in any order: " + s.xs.join(" "); },
      verify(s, a) { const got = a.split(/[\\s,]+/).filter(Boolean).map(Number).sort((x, y) => x - y);
        const want = s.xs.slice().sort((x, y) => x - y); return got.length === want.length && got.every((v, i) => v === want[i]); },
      solve(s) { return s.xs.join(" "); } };`;
    const report = await checkEnvironment(source, { pool });
    for (const c of report.checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
  });
});
