/** The registry store and near-duplicate fingerprints (real SQLite file; no Temporal needed). */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Registry, type EnvironmentRecord } from '../registry/store';
import { behaviorFingerprint, canonicalTokens, codeFingerprint } from '../registry/fingerprint';
import { recordRound, roundsOf, triedKeywords, recordSynthesisRun } from '../registry/synthesis-log';
import { cosmeticVariant, tinyEnv } from './support/fake-synthesis';
import * as fs from 'node:fs';
import * as os from 'node:os';

const tmpDir = () => fs.mkdtempSync(path.join(process.env.RESYN_TEST_TMP ?? os.tmpdir(), 'resyn-registry-'));

function rec(id: string, over: Partial<EnvironmentRecord> = {}): Omit<EnvironmentRecord, 'createdAt'> {
  return {
    id,
    name: `env-${id}`,
    description: 'd',
    tags: ['t'],
    family: null,
    keyword: 'kw',
    source: tinyEnv(id),
    status: 'accepted',
    origin: 'synthesized',
    rounds: 1,
    runId: 'wf',
    parentId: null,
    scores: { a: 4 },
    ...over,
  };
}

describe('registry store', () => {
  it('opens from two handles (WAL), writes idempotently by id and never downgrades accepted', () => {
    const file = path.join(tmpDir(), 'sub', 'registry.sqlite');
    const a = Registry.open(file),
      b = Registry.open(file);
    try {
      const first = a.upsertEnvironment(rec('x1', { status: 'rejected' }));
      assert.equal(first.status, 'rejected');
      b.upsertEnvironment(rec('x1', { status: 'rejected' }));
      const up = b.upsertEnvironment(rec('x1', { status: 'accepted', rounds: 2 }));
      assert.equal(up.status, 'accepted');
      assert.equal(up.createdAt, first.createdAt);
      const again = a.upsertEnvironment(rec('x1', { status: 'rejected' }));
      assert.equal(again.status, 'accepted');
      a.upsertEnvironment(rec('x2', { family: 'arithmetic', tags: ['t', 'u'] }));
      assert.equal(a.listEnvironments().length, 2);
      assert.deepEqual(
        a.listEnvironments({ tags: ['u'] }).map((e) => e.id),
        ['x2'],
      );
      assert.deepEqual(
        a.listEnvironments({ family: 'arithmetic' }).map((e) => e.id),
        ['x2'],
      );
      assert.deepEqual(
        a.listEnvironments({ ids: ['x1'] }).map((e) => e.id),
        ['x1'],
      );
      assert.equal(a.getEnvironment('env-x2')?.id, 'x2');
      assert.equal(a.getEnvironment('nope'), undefined);
    } finally {
      a.close();
      b.close();
    }
  });

  it('finds near-duplicates by code (renamed identifiers, comments, strings, whitespace) and by behaviour', () => {
    const reg = Registry.open(path.join(tmpDir(), 'registry.sqlite'));
    try {
      const src = tinyEnv('task-a');
      const copy = cosmeticVariant('task-a', 'another-name');
      assert.notEqual(src, copy);
      assert.equal(codeFingerprint(src), codeFingerprint(copy));
      assert.notEqual(codeFingerprint(src), codeFingerprint(tinyEnv('task-b')), 'a different constant is a different task');
      assert.notEqual(codeFingerprint(src), codeFingerprint(tinyEnv('task-a', { broken: true })));
      reg.upsertEnvironment(rec('a', { source: src }), { behaviorFp: behaviorFingerprint(['Compute task-a 1+2'], 'task-a') });
      assert.equal(reg.findDuplicate({ codeFp: codeFingerprint(copy) })?.id, 'a');
      assert.equal(reg.findDuplicate({ codeFp: codeFingerprint(src) }, 'a'), undefined, 'not a duplicate of itself');
      // Same prompts under another name, different code: a behavioural duplicate.
      const fp = behaviorFingerprint(['Compute  ANOTHER-NAME 1+2'], 'another-name');
      assert.equal(reg.findDuplicate({ codeFp: 'different', behaviorFp: fp })?.id, 'a');
      assert.equal(reg.findDuplicate({ codeFp: 'different', behaviorFp: behaviorFingerprint(['Compute 1+3'], 'x') }), undefined);
    } finally {
      reg.close();
    }
  });

  it('lexes comments, regexes, templates and numbers canonically', () => {
    assert.deepEqual(canonicalTokens('const a = /x\\/y[/]/g.test(`t${b}`); // hi'), [
      'const',
      'I',
      '=',
      'R/x\\/y[/]/g',
      '.',
      'I',
      '(',
      'S',
      ')',
    ]);
    assert.deepEqual(canonicalTokens('f(1_000, 0x10, .5,)'), ['I', '(', '1000', ',', '16', ',', '0.5', ')']);
    assert.deepEqual(canonicalTokens('x = a / b / c'), ['I', '=', 'I', '/', 'I', '/', 'I']);
  });

  it('keeps rounds and outcomes idempotently and knows tried keywords', () => {
    const reg = Registry.open(path.join(tmpDir(), 'registry.sqlite'));
    try {
      const row = {
        workflowId: 'w1',
        round: 0,
        keyword: 'k',
        proposal: { name: 'n', description: 'd' },
        envId: null,
        source: null,
        gates: [],
        feedback: 'f',
      };
      recordRound(reg, row);
      recordRound(reg, { ...row, feedback: 'f2' });
      assert.equal(roundsOf(reg, 'w1').length, 1);
      recordSynthesisRun(reg, {
        workflowId: 'w1',
        parentWorkflowId: null,
        keyword: 'k',
        proposal: row.proposal,
        outcome: 'rejected',
        envId: null,
        rounds: 1,
        reason: 'r',
      });
      reg.upsertEnvironment(rec('z', { keyword: 'k2' }));
      assert.deepEqual([...triedKeywords(reg)].sort(), ['k', 'k2']);
    } finally {
      reg.close();
    }
  });
});
