/**
 * The labelled corpus (tests/corpus): every good environment passes every automatic check, and
 * every subtly bad one is rejected BY THE CHECK MEANT FOR IT (first line `// expect-fail: <check>`),
 * with a reason a model can act on. Real QuickJS, default settings (cfg.checks defaults).
 * tests/corpus/neutralised holds stateful environments that only the sandbox's per-call isolation
 * makes harmless: the statefulness check passes on them (it is the regression guard for that isolation).
 * bench/checks.ts prints the precision and recall of the gates on this corpus.
 */
import * as assert from 'node:assert/strict';
import { CHECK_NAMES, checkEnvironment, SandboxPool } from '../sandbox';
import { loadCorpus } from './support/corpus';
import { loadConfig } from '../temporal.config';

describe('labelled corpus of environments', function () {
  this.timeout(120_000);
  const corpus = loadCorpus();
  let pool: SandboxPool;
  before(() => {
    pool = new SandboxPool(loadConfig({}).sandbox);
  });
  after(() => pool?.close());

  it('has at least 12 good and 16 bad environments, each bad one naming a real check', () => {
    assert.ok(corpus.filter((e) => e.label === 'good').length >= 12);
    const bad = corpus.filter((e) => e.label === 'bad');
    assert.ok(bad.length >= 16);
    for (const e of bad)
      assert.ok((CHECK_NAMES as readonly string[]).includes(e.expect!), `${e.file}: expect-fail ${e.expect} is not a check`);
  });

  for (const e of corpus) {
    const what = e.label === 'good' ? 'accepts' : e.label === 'bad' ? `rejects (by ${e.expect})` : `finds harmless (${e.expect} passes)`;
    it(`${what} ${e.file}`, async () => {
      const report = await checkEnvironment(e.source, { pool });
      if (e.label === 'neutralised') {
        // Stateful code the sandbox's per-call isolation makes harmless: the check it targets passes.
        const c = report.checks.find((x) => x.name === e.expect)!;
        assert.equal(c.ok, true, `${e.expect} on ${e.file}: ${c.detail}`);
        return;
      }
      if (e.label === 'good') {
        assert.deepEqual(
          report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
          [],
        );
        assert.equal(report.ok, true);
        return;
      }
      assert.equal(report.ok, false);
      const c = report.checks.find((x) => x.name === e.expect)!;
      assert.equal(c.ok, false, `${e.expect} should fail on ${e.file}, but: ${c.detail}`);
      assert.ok(c.detail.length > 60 && !c.detail.startsWith('not run'), c.detail);
    });
  }
});
