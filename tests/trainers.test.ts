/**
 * The trainer recipes against their current releases, as far as this machine allows (no GPU):
 * examples/resyn_reward.py's entry points called exactly as verl 0.9.1, TRL 1.16 and OpenRLHF
 * 0.11.2 call them (their own loader / call code, read from the installed packages), scoring a
 * dataset folder alone; the OpenRLHF script's flags through OpenRLHF's own argument parser.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../lib/paths';
import { createScorer, serviceLimits } from '../rewards/deps';
import { startRewardServer } from '../rewards/server';
import { buildDataset, readRows, scoringCases, seededRegistry, type TestDataset } from './support/dataset';
import { pythonEnv, runPython } from './support/python';
import { tmpDir } from './support/temporal';

const examples = path.join(projectRoot, 'examples');
const script = (f: string) => path.join(projectRoot, 'tests', 'python', f);

describe('trainer recipes (verl 0.9.1, TRL 1.16, OpenRLHF 0.11.2)', function () {
  this.timeout(900_000);
  let ds: TestDataset;
  let python: string | undefined;
  let skipWhy = '';

  before(async () => {
    const py = pythonEnv();
    if ('skip' in py) skipWhy = py.skip;
    else python = py.python;
    ds = await buildDataset(await seededRegistry(), { instancesPerEnv: 4, difficulties: [2], shardSize: 100 });
  });
  after(async () => ds?.registry.close());

  const needPython = (ctx: Mocha.Context): string => {
    if (!python) {
      console.log(`      skipped: ${skipWhy}`);
      ctx.skip();
    }
    return python!;
  };

  it('the examples are valid Python and shell', function () {
    const py = needPython(this);
    const cache = tmpDir('pyc-');
    for (const f of fs.readdirSync(examples).filter((f) => f.endsWith('.py')))
      execFileSync(py, ['-m', 'py_compile', path.join(examples, f)], { env: { ...process.env, PYTHONPYCACHEPREFIX: cache } });
    for (const f of fs.readdirSync(examples).filter((f) => f.endsWith('.sh'))) execFileSync('bash', ['-n', path.join(examples, f)]);
  });

  it('verl, TRL and OpenRLHF call resyn_reward.py as they do, and get the rewards the verifiers give', async function () {
    const py = needPython(this);
    const rows = readRows(ds.dir, ds.manifest);
    const cases = await scoringCases(ds, rows.slice(0, 6));
    const viaRegistry = createScorer(ds.cfg, { workers: 1 });
    const expected = (
      await viaRegistry.score(cases.map((c) => ({ ground_truth: c.row.reward_model.ground_truth, response: c.response })))
    ).map((r) => r.reward);
    await viaRegistry.close();
    assert.ok(expected.includes(1) && expected.includes(0));
    const casesFile = path.join(tmpDir('cases-'), 'cases.jsonl');
    fs.writeFileSync(casesFile, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
    // The service over the dataset folder alone (a copy, far from the registry).
    const copy = path.join(tmpDir('resyn-copy-'), 'ds');
    fs.cpSync(ds.dir, copy, { recursive: true });
    const scorer = createScorer(ds.cfg, { dataset: copy, workers: 1 });
    const server = await startRewardServer(scorer, { port: 0, host: '127.0.0.1', ...serviceLimits(ds.cfg) });
    try {
      const out = JSON.parse(
        await runPython(py, script('trainer_entry_points.py'), [examples, casesFile], { RESYN_REWARDS_URL: server.url }),
      );
      assert.deepEqual(out.verl.rewards, expected);
      assert.deepEqual(out.trl.rewards, expected);
      assert.deepEqual(out.openrlhf.rewards, expected);
      // What the recipes and docs say about verl 0.9.1 holds for the installed release.
      assert.ok(out.verl.reward_managers.includes('naive'), out.verl.reward_managers);
      assert.ok(!out.verl.reward_managers.includes('batch'), out.verl.reward_managers);
      assert.equal(out.verl.default_max_prompt_length, 512);
      assert.deepEqual(out.trl.extra_kwargs, ['environments', 'log_extra', 'log_metric', 'trainer_state']);
    } finally {
      await server.close();
      await scorer.close();
    }
  });

  it("OpenRLHF's own parser accepts the script's flags and rejects the pre-0.10.2 names", async function () {
    const py = needPython(this);
    const out = JSON.parse(await runPython(py, script('openrlhf_flags.py'), [path.join(examples, 'openrlhf_remote_rm.sh')]));
    assert.equal(out.remote_url, 'http://127.0.0.1:8765/openrlhf/reward');
    assert.equal(out.label_key, 'reward_model');
    assert.equal(out.input_key, 'prompt');
    assert.equal(out.apply_chat_template, true);
    assert.equal(out.estimator, 'group_norm');
    assert.equal(out.n_samples_per_prompt, 8);
    assert.deepEqual(out.rejected_old_flags, ['--pretrain', '--remote_rm_url', '--prompt_data', '--input_key', '--save_path']);
  });

  it('resyn_reward.py starts `resyn serve-rewards --dataset DIR` itself when no service URL is given', async function () {
    const py = needPython(this);
    const cli = path.join(projectRoot, 'dist', 'cli', 'main.js');
    const help = execFileSync(process.execPath, [cli, 'serve-rewards', '--help'], { encoding: 'utf8' });
    if (!help.includes('--dataset')) {
      console.log('      skipped: this build of `resyn serve-rewards` has no --dataset option yet');
      this.skip();
    }
    const probe = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(examples)})`,
      'import resyn_reward',
      'rows = [json.loads(l) for l in open(sys.argv[1])]',
      'print(json.dumps([resyn_reward.compute_score(r["row"]["data_source"], r["response"], r["row"]["reward_model"]["ground_truth"]) for r in rows]))',
      'resyn_reward.default_client().close()',
    ].join('\n');
    const file = path.join(tmpDir('probe-'), 'probe.py');
    fs.writeFileSync(file, probe);
    const rows = readRows(ds.dir, ds.manifest).slice(0, 2);
    const casesFile = path.join(tmpDir('cases-'), 'c.jsonl');
    fs.writeFileSync(casesFile, rows.map((row) => JSON.stringify({ row, response: 'no answer' })).join('\n') + '\n');
    const out = JSON.parse(
      await runPython(py, file, [casesFile], { RESYN_DATASET: ds.dir, RESYN_BIN: `${process.execPath} ${cli}`, RESYN_REWARDS_URL: '' }),
    );
    assert.deepEqual(out, [0, 0]);
  });
});
