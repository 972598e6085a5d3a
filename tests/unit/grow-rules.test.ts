/**
 * growLibrary's decisions as plain functions (contracts/grow-rules.ts), no server: which job
 * starts next, why a run halts, what it does after scheduling, and how outcomes are counted —
 * plus a whole simulated run driven through them the way the workflow drives them.
 */
import { strict as assert } from 'node:assert';
import { initialGrowState } from '../../contracts/grow-input';
import {
  applyControl,
  countOutcome,
  finishChild,
  growProgress,
  haltReason,
  keywordsTotal,
  nextStep,
  noWorkLeft,
  recordChildFailure,
  recordChildResult,
  recordProposalFailure,
  recordProposals,
  takeJobs,
  type GrowJob,
} from '../../contracts/grow-rules';

const usage = (tokens: number, costUsd = 0) => ({ promptTokens: tokens, completionTokens: 0, costUsd, calls: 1 });
const prop = (name: string) => ({ name, description: `${name} task` });
const limits = { budget: {}, maxConsecutiveFailures: 3 };
const never = () => false;

describe('growLibrary rules (pure)', () => {
  describe('takeJobs', () => {
    it('starts proposals already made before new keywords, up to the free slots, and takes them off the queues', () => {
      const s = { ...initialGrowState(), pendingKeywords: ['k2', 'k3'], tasks: [{ keyword: 'k1', index: 0, proposal: prop('a') }] };
      const jobs = takeJobs(s, 2);
      assert.deepEqual(jobs, [
        { kind: 'child', task: { keyword: 'k1', index: 0, proposal: prop('a') } },
        { kind: 'propose', keyword: 'k2' },
      ]);
      assert.deepEqual(s.tasks, []);
      assert.deepEqual(s.pendingKeywords, ['k3']);
    });

    it('starts nothing without a free slot', () => {
      const s = { ...initialGrowState(), pendingKeywords: ['k'] };
      assert.deepEqual(takeJobs(s, 0), []);
      assert.deepEqual(takeJobs(s, -1), []);
      assert.deepEqual(s.pendingKeywords, ['k']);
    });
  });

  describe('haltReason', () => {
    it('is null while nothing stops the run', () => {
      assert.equal(haltReason(initialGrowState(), limits, never), null);
    });

    it('puts cancel before failures before budget before target before a full history', () => {
      const s = { ...initialGrowState(), cancelRequested: true, consecutiveFailures: 3, tokens: 10, accepted: 2 };
      const l = { budget: { maxTokens: 10 }, target: 2, maxConsecutiveFailures: 3 };
      let asked = 0;
      const full = () => ++asked > 0;
      assert.equal(haltReason(s, l, full), 'cancelled');
      s.cancelRequested = false;
      assert.equal(haltReason(s, l, full), 'failed');
      s.consecutiveFailures = 2;
      assert.equal(haltReason(s, l, full), 'budget-exhausted');
      s.tokens = 9;
      assert.equal(haltReason(s, l, full), 'target-reached');
      assert.equal(asked, 0, 'the history is only looked at when nothing else halts');
      s.accepted = 1;
      assert.equal(haltReason(s, l, full), 'continue-as-new');
    });

    it('counts the cost budget as well as the token budget', () => {
      const s = { ...initialGrowState(), costUsd: 0.5 };
      assert.equal(haltReason(s, { ...limits, budget: { maxCostUsd: 0.5 } }, never), 'budget-exhausted');
      assert.equal(haltReason(s, { ...limits, budget: { maxCostUsd: 0.51, maxTokens: 1 } }, never), null);
    });
  });

  describe('nextStep', () => {
    it('ends completed when nothing runs and nothing is left, even when halted', () => {
      assert.deepEqual(nextStep({ halt: null, inFlight: 0, noWork: true, paused: false }), { kind: 'end', status: 'completed' });
      assert.deepEqual(nextStep({ halt: 'cancelled', inFlight: 0, noWork: true, paused: false }), { kind: 'end', status: 'completed' });
    });

    it('ends with the halt reason once in-flight jobs drained, and waits as "stopping" before', () => {
      assert.deepEqual(nextStep({ halt: 'budget-exhausted', inFlight: 1, noWork: false, paused: false }), {
        kind: 'wait',
        status: 'stopping',
      });
      assert.deepEqual(nextStep({ halt: 'budget-exhausted', inFlight: 0, noWork: false, paused: false }), {
        kind: 'end',
        status: 'budget-exhausted',
      });
    });

    it('continues as new only with work left and nothing in flight', () => {
      assert.deepEqual(nextStep({ halt: 'continue-as-new', inFlight: 2, noWork: false, paused: false }), {
        kind: 'wait',
        status: 'running',
      });
      assert.deepEqual(nextStep({ halt: 'continue-as-new', inFlight: 0, noWork: false, paused: false }), { kind: 'continue-as-new' });
    });

    it('waits as paused when paused', () => {
      assert.deepEqual(nextStep({ halt: null, inFlight: 0, noWork: false, paused: true }), { kind: 'wait', status: 'paused' });
    });
  });

  describe('outcomes', () => {
    it('proposals become tasks, the keyword stays outstanding until its last child, the failure streak resets', () => {
      const s = { ...initialGrowState(), consecutiveFailures: 2 };
      recordProposals(s, 'k', [prop('a'), prop('b')], usage(100, 0.01));
      assert.deepEqual(
        s.tasks.map((t) => [t.keyword, t.index, t.proposal.name]),
        [
          ['k', 0, 'a'],
          ['k', 1, 'b'],
        ],
      );
      assert.deepEqual(s.outstanding, { k: 2 });
      assert.equal(s.consecutiveFailures, 0);
      assert.equal(s.tokens, 100);
      finishChild(s, 'k');
      assert.equal(s.done, 0);
      finishChild(s, 'k');
      assert.equal(s.done, 1);
      assert.deepEqual(s.outstanding, {});
    });

    it('a failed proposal call finishes its keyword as failed and lengthens the streak', () => {
      const s = initialGrowState();
      recordProposalFailure(s, 'k', 'HTTP 401');
      assert.deepEqual([s.failed, s.done, s.consecutiveFailures, s.lastError], [1, 1, 1, 'k: HTTP 401']);
    });

    it('child results count by outcome; failures lengthen the streak, results end it', () => {
      const s = initialGrowState();
      const t = { keyword: 'k', index: 3, proposal: prop('a') };
      recordChildFailure(s, t, 'boom');
      recordChildFailure(s, t, 'boom');
      assert.equal(s.consecutiveFailures, 2);
      assert.equal(s.lastError, 'k#3: boom');
      recordChildResult(s, 'duplicate', usage(5));
      assert.equal(s.consecutiveFailures, 0);
      recordChildResult(s, 'accepted', usage(5));
      recordChildResult(s, 'rejected', usage(5));
      assert.deepEqual([s.accepted, s.duplicates, s.rejected, s.failed, s.tokens], [1, 1, 1, 2, 15]);
    });

    it('an outcome the registry does not know (or none) counts as failed', () => {
      const s = initialGrowState();
      for (const o of ['accepted', 'duplicate', 'rejected', 'failed', null, undefined]) countOutcome(s, o);
      assert.deepEqual([s.accepted, s.duplicates, s.rejected, s.failed], [1, 1, 1, 3]);
    });

    it('controls flip pause and request cancel', () => {
      const s = initialGrowState();
      applyControl(s, 'pause');
      assert.equal(s.paused, true);
      applyControl(s, 'resume');
      assert.equal(s.paused, false);
      applyControl(s, 'cancel');
      assert.equal(s.cancelRequested, true);
    });
  });

  it('a simulated run (3 keywords x 2 proposals, 2 slots, one child fails) ends completed with every keyword done once', () => {
    const s = { ...initialGrowState(), pendingKeywords: ['a', 'b', 'c'] };
    const keywords = keywordsTotal(s);
    const running: GrowJob[] = [];
    let maxInFlight = 0;
    let status = 'running';
    for (let steps = 0; steps < 100; steps++) {
      const halt = haltReason(s, limits, never);
      if (!halt && !s.paused) running.push(...takeJobs(s, 2 - running.length));
      maxInFlight = Math.max(maxInFlight, running.length);
      const step = nextStep({ halt, inFlight: running.length, noWork: noWorkLeft(s), paused: s.paused });
      status = step.kind === 'continue-as-new' ? 'continue-as-new' : step.status;
      if (step.kind !== 'wait') break;
      // The oldest job finishes.
      const job = running.shift()!;
      if (job.kind === 'propose') recordProposals(s, job.keyword, [prop(`${job.keyword}1`), prop(`${job.keyword}2`)], usage(10));
      else {
        if (job.task.keyword === 'b' && job.task.index === 1) recordChildFailure(s, job.task, 'boom');
        else recordChildResult(s, 'accepted', usage(10));
        finishChild(s, job.task.keyword);
      }
    }
    assert.equal(status, 'completed');
    assert.equal(maxInFlight, 2);
    const p = growProgress(s, { inFlight: running.length, keywords, status: 'completed' });
    assert.deepEqual(
      { done: p.done, accepted: p.accepted, failed: p.failed, pending: p.pending, keywords: p.keywords, tokens: p.tokens },
      { done: 3, accepted: 5, failed: 1, pending: 0, keywords: 3, tokens: 3 * 10 + 5 * 10 },
    );
  });
});
