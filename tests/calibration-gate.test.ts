/**
 * Difficulty calibration as a gate of growLibrary, added through the gate list config only:
 * with the scripted policy model solving the candidate's sums only when they are short, the
 * solve rate falls with difficulty and the environment is registered; with a policy that solves
 * every level, the gate sends it back with the measured rates and it is not registered.
 */
import * as assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import type { GrowProgress } from '../contracts/grow-rules';
import { CalibrationStore } from '../registry/calibration';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRegistry } from '../registry/open';
import { writeGrowReport } from '../reports/grow-report';
import { sharedPool } from '../sandbox';
import { startFakeLlm, type FakeLlm, type FakeRequest } from './support/fake-llm';
import { fakeLlmEnv, happyReply } from './support/fake-synthesis';
import { testClient, testConfig, tmpDir, withWorker } from './support/temporal';

/** The scripted policy: reads "Compute (a + b + ...) mod m" and answers right when it has at most `maxTerms` terms. */
function policyReply(req: FakeRequest, maxTerms: number): string {
  const q = req.messages[req.messages.length - 1]!.content;
  const m = /Compute \(([^)]*)\) mod (\d+)/.exec(q);
  if (!m) return 'I cannot read the question.';
  const xs = m[1]!.split(' + ').map(Number);
  if (xs.length > maxTerms) return 'Too long for me. <answer>0</answer>';
  return `The sum is ... <answer>${xs.reduce((a, x) => a + x, 0) % Number(m[2])}</answer>`;
}

describe('difficulty calibration as a growLibrary gate', function () {
  this.timeout(240_000);
  let client: Client;
  let fake: FakeLlm;
  let maxTerms = 4;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req) => (req.model === 'scripted-policy' ? policyReply(req, maxTerms) : happyReply(req)));
  });
  after(async () => {
    await fake?.close();
    await client?.connection.close();
  });

  const grow = async (keyword: string) => {
    const cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_POLICY_MODEL: 'scripted-policy', RESYN_SANDBOX_WORKERS: '1' }), 'calib-gate');
    const final = await withWorker(cfg, async () => {
      const h = await client.workflow.start('growLibrary', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `calib-gate-${keyword.replace(/\W/g, '-')}-${Date.now()}`,
        args: [{ keywords: [keyword], gates: ['automaticChecks', 'difficultyCalibration'], maxRevisions: 0, proposalsPerKeyword: 1 }],
      });
      return { progress: (await h.result()) as GrowProgress, id: h.workflowId };
    });
    return { cfg, ...final };
  };

  it('passes an environment whose solve rate falls with difficulty and records the rates; the run report charts them', async () => {
    maxTerms = 4; // level 1 has 4 terms, levels 4, 7, 10 have 10, 16, 22
    const calls = fake.calls.length;
    const { cfg, progress, id } = await grow('short sums');
    assert.equal(progress.accepted, 1, JSON.stringify(progress));
    const policyCalls = fake.calls.slice(calls).filter((c) => c.model === 'scripted-policy').length;
    assert.equal(policyCalls, 4 * 8);
    const reg = await openRegistry(cfg);
    try {
      // A team-style gate is its own stage: its policy calls are accounted like every other call, and its wall time kept.
      const gate = (await reg.stageUsage(id)).find((s) => s.stage === 'difficultyCalibration');
      assert.deepEqual([gate?.calls, gate?.executions], [32, 1]);
      assert.ok(gate!.promptTokens > 0 && gate!.wallMs > 0);
      assert.equal(
        progress.tokens,
        (await reg.runSpend(id)).promptTokens + (await reg.runSpend(id)).completionTokens,
        'the run budget counts them too',
      );
      const env = (await reg.listEnvironments({ status: 'accepted' })).find((e) => e.keyword === 'short sums')!;
      const levels = await new CalibrationStore(reg).levels(env.id, 'scripted-policy');
      assert.deepEqual(
        levels.map((l) => [l.difficulty, l.solveRate]),
        [
          [1, 1],
          [4, 0],
          [7, 0],
          [10, 0],
        ],
      );
      // The run report: funnel and solve-rate charts (SVG next to it), the contamination check of what was accepted.
      const pool = sharedPool(cfg.sandbox);
      const { file } = await writeGrowReport(reg, tmpDir('reports-'), id, { pool, policyModel: 'scripted-policy' });
      const md = fs.readFileSync(file, 'utf8');
      assert.match(md, /!\[Synthesis funnel\]\([^)]+\.charts\/funnel\.svg\)/);
      assert.match(md, /!\[Solve rate against difficulty\]\([^)]+\.charts\/solve-rate\.svg\)/);
      const svg = fs.readFileSync(path.join(path.dirname(file), md.match(/\(([^)]+solve-rate\.svg)\)/)![1]!), 'utf8');
      assert.match(svg, new RegExp(`>${env.name}<`));
      assert.match(md, /## Contamination check \(BIG-Bench Hard, BBEH\)/);
      assert.match(md, new RegExp(`\\| ${env.name} \\| (ok|\\*\\*flagged\\*\\*) \\|`));
    } finally {
      await reg.close();
    }
  });

  it('sends back an environment the policy solves at every level, with the rates in the feedback', async () => {
    maxTerms = 1000;
    const { cfg, progress, id } = await grow('easy sums');
    assert.equal(progress.accepted, 0, JSON.stringify(progress));
    const reg = await openRegistry(cfg);
    try {
      const run = (await reg.synthesisRuns({ parentWorkflowId: id }))[0]!;
      const rounds = await reg.roundsOf(run.workflowId);
      const gate = rounds[0]!.gates.find((g) => g.gate === 'difficultyCalibration')!;
      assert.equal(gate.verdict, 'revise');
      assert.match(gate.feedback, /level 1: 100%, level 4: 100%, level 7: 100%, level 10: 100%/);
      assert.match(gate.feedback, /Every level is always solved/);
    } finally {
      await reg.close();
    }
  });
});
