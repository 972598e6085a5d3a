/** `resyn env check|sample|score|solve`: exit codes and JSON shapes, run as a real child process (no Temporal, no LLM). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../lib/paths';

const cli = path.join(projectRoot, 'dist', 'cli', 'main.js');
const good = path.join(projectRoot, 'tests', 'fixtures', 'good-envs', 'sum-pairs.js');
const bad = path.join(projectRoot, 'tests', 'fixtures', 'bad-envs', 'wrong-solver.js');

function resyn(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'env', ...args], { encoding: 'utf8', env: { ...process.env, RESYN_SANDBOX_WORKERS: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('resyn env CLI', function () {
  this.timeout(60_000);

  it('check --json accepts a good environment with exit 0', () => {
    const r = resyn('check', good, '--json');
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.ok, true);
    assert.ok(Array.isArray(report.checks) && report.checks.length >= 8);
    for (const c of report.checks) assert.deepEqual(Object.keys(c).sort(), ['detail', 'ms', 'name', 'ok']);
    assert.ok(report.checks.some((c: { name: string }) => c.name === 'guessability'));
    assert.equal(report.env.name, 'sum-pairs');
  });

  it('check rejects a bad environment with exit 1 and readable output', () => {
    const r = resyn('check', bad);
    assert.equal(r.code, 1);
    assert.match(r.out, /REJECTED/);
    assert.match(r.out, /FAIL solve-verifies: /);
  });

  it('exit 2 for a missing file, a bad number and a missing option', () => {
    assert.equal(resyn('check', '/nonexistent/env.js').code, 2);
    const r = resyn('sample', good, '--seed', 'abc', '--difficulty', '3');
    assert.equal(r.code, 2);
    assert.match(r.err, /--seed/);
    assert.equal(resyn('sample', good, '--seed', '1', '--difficulty', '11').code, 2);
    assert.equal(resyn('score', good, '--seed', '1', '--difficulty', '3').code, 2);
  });

  it('sample --json prints {state, prompt}; score --json prints {reward} (extracting <answer>)', () => {
    const s = resyn('sample', good, '--seed', '42', '--difficulty', '3', '--json');
    assert.equal(s.code, 0, s.err);
    const inst = JSON.parse(s.out);
    assert.deepEqual(Object.keys(inst).sort(), ['prompt', 'state']);
    assert.match(inst.prompt, /^Compute -?\d+ \+ -?\d+/);
    const sum = String(inst.state.a + inst.state.b);
    const right = resyn(
      'score',
      good,
      '--seed',
      '42',
      '--difficulty',
      '3',
      '--answer',
      `so the sum is <answer> ${sum} </answer>`,
      '--json',
    );
    assert.equal(right.code, 0, right.err);
    assert.deepEqual(JSON.parse(right.out), { reward: 1 });
    const wrong = resyn('score', good, '--seed', '42', '--difficulty', '3', '--answer', 'garbage', '--json');
    assert.deepEqual(JSON.parse(wrong.out), { reward: 0 });
  });

  it("solve --json prints {answer}, solve()'s answer, which scores 1; bad flags exit 2", () => {
    const s = JSON.parse(resyn('sample', good, '--seed', '42', '--difficulty', '3', '--json').out);
    const r = resyn('solve', good, '--seed', '42', '--difficulty', '3', '--json');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { answer: String(s.state.a + s.state.b) });
    const scored = resyn('score', good, '--seed', '42', '--difficulty', '3', '--answer', `\\boxed{${JSON.parse(r.out).answer}}`, '--json');
    assert.deepEqual(JSON.parse(scored.out), { reward: 1 });
    assert.equal(resyn('solve', good, '--seed', '42').code, 2);
    assert.equal(resyn('solve', path.join(projectRoot, 'no-such-file.js'), '--seed', '1', '--difficulty', '1').code, 2);
  });

  it('--help works on every env command', () => {
    for (const c of [[], ['check'], ['sample'], ['score'], ['solve']]) {
      const r = resyn(...c, '--help');
      assert.equal(r.code, 0, `${c.join(' ')}: ${r.err}`);
      assert.match(r.out, /Usage: resyn env/);
    }
  });
});
