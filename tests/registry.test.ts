/**
 * The registry on both back ends: a real SQLite file and a real PostgreSQL cluster
 * (tests/support/postgres.ts). Same tests, same expectations; no Temporal needed.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../lib/paths';
import { behaviorFingerprint, canonicalTokens, codeFingerprint } from '../registry/fingerprint';
import { migrate } from '../registry/migrate';
import { MIGRATIONS, type Migration } from '../registry/migrations';
import { openRegistry } from '../registry/open';
import { PostgresDriver } from '../registry/postgres';
import type { EnvironmentRecord, Registry } from '../registry/registry';
import { SqlRegistry } from '../registry/sql-registry';
import { SqliteDriver } from '../registry/sqlite';
import { loadConfig } from '../temporal.config';
import { cosmeticVariant, tinyEnv } from './support/fake-synthesis';
import { freshDatabase } from './support/postgres';
import { tmpDir } from './support/temporal';

/** Every schema version this resyn knows, oldest first. */
const VERSIONS = MIGRATIONS.map((m) => m.version);

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

const execFileAsync = promisify(execFile);
const driverFor = (target: string) => (target.startsWith('postgres') ? new PostgresDriver(target, 4) : new SqliteDriver(target));
/** A second, independent handle on the same registry, as another process would hold (not the shared one). */
async function otherProcessHandle(target: string): Promise<Registry> {
  const d = driverFor(target);
  await migrate(d);
  return new SqlRegistry(d);
}

const BACKENDS: { name: string; target(): Promise<string> }[] = [
  { name: 'SQLite', target: async () => path.join(tmpDir('resyn-registry-'), 'sub', 'registry.sqlite') },
  { name: 'PostgreSQL', target: () => freshDatabase('registry') },
];

for (const backend of BACKENDS) {
  describe(`registry (${backend.name})`, () => {
    let target: string;
    let reg: Registry;
    beforeEach(async function () {
      this.timeout(120_000); // the first PostgreSQL test starts the cluster
      target = await backend.target();
      reg = await openRegistry(target);
    });
    afterEach(async () => reg?.close());

    it('is one shared handle per location, migrated once to the latest schema version', async () => {
      const again = await openRegistry(target);
      assert.equal(again, reg, 'the same handle');
      await again.close();
      assert.equal(await openRegistry(target), reg, 'still open for the other holder');
      await reg.close();
      assert.deepEqual(await reg.schemaVersions(), VERSIONS);
    });

    it('writes idempotently by id from two handles and never downgrades accepted', async () => {
      const b = await otherProcessHandle(target);
      try {
        const first = await reg.upsertEnvironment(rec('x1', { status: 'rejected' }));
        assert.equal(first.status, 'rejected');
        await b.upsertEnvironment(rec('x1', { status: 'rejected' }));
        const up = await b.upsertEnvironment(rec('x1', { status: 'accepted', rounds: 2 }));
        assert.equal(up.status, 'accepted');
        assert.equal(up.rounds, 2);
        assert.equal(up.createdAt, first.createdAt);
        const again = await reg.upsertEnvironment(rec('x1', { status: 'rejected', rounds: 5 }));
        assert.equal(again.status, 'accepted');
        assert.equal(again.rounds, 2, 'a rejected replay changes nothing');
        await reg.upsertEnvironment(rec('x2', { family: 'arithmetic', tags: ['t', 'u'] }));
        await reg.upsertEnvironment(rec('X0', { name: 'Zeta' }));
        assert.deepEqual(
          (await reg.listEnvironments()).map((e) => e.name),
          ['Zeta', 'env-x1', 'env-x2'],
          'code-point order on both back ends',
        );
        assert.deepEqual(
          (await reg.listEnvironments({ tags: ['u'] })).map((e) => e.id),
          ['x2'],
        );
        assert.deepEqual(
          (await reg.listEnvironments({ family: 'arithmetic' })).map((e) => e.id),
          ['x2'],
        );
        assert.deepEqual(
          (await b.listEnvironments({ ids: ['x1'] })).map((e) => e.id),
          ['x1'],
        );
        assert.deepEqual(await reg.listEnvironments({ ids: [] }), []);
        assert.equal((await reg.getEnvironment('env-x2'))?.id, 'x2');
        assert.equal(await reg.getEnvironment('nope'), undefined);
        assert.deepEqual(await reg.libraryByFamily(), [
          { family: 'arithmetic', accepted: 1, rejected: 0 },
          { family: 'unknown', accepted: 2, rejected: 0 },
        ]);
      } finally {
        await b.close();
      }
    });

    it('finds near-duplicates by code (renamed identifiers, comments, strings, whitespace) and by behaviour', async () => {
      const src = tinyEnv('task-a');
      const copy = cosmeticVariant('task-a', 'another-name');
      assert.notEqual(src, copy);
      assert.equal(codeFingerprint(src), codeFingerprint(copy));
      assert.notEqual(codeFingerprint(src), codeFingerprint(tinyEnv('task-b')), 'a different constant is a different task');
      assert.notEqual(codeFingerprint(src), codeFingerprint(tinyEnv('task-a', { broken: true })));
      await reg.upsertEnvironment(rec('a', { source: src }), { behaviorFp: behaviorFingerprint(['Compute task-a 1+2'], 'task-a') });
      assert.equal((await reg.findDuplicate({ codeFp: codeFingerprint(copy) }))?.id, 'a');
      assert.equal(await reg.findDuplicate({ codeFp: codeFingerprint(src) }, 'a'), undefined, 'not a duplicate of itself');
      // Same prompts under another name, different code: a behavioural duplicate.
      const fp = behaviorFingerprint(['Compute  ANOTHER-NAME 1+2'], 'another-name');
      assert.equal((await reg.findDuplicate({ codeFp: 'different', behaviorFp: fp }))?.id, 'a');
      assert.equal(await reg.findDuplicate({ codeFp: 'different', behaviorFp: behaviorFingerprint(['Compute 1+3'], 'x') }), undefined);
    });

    it('registers exactly one of many near-duplicates written at once from two handles', async () => {
      const b = await otherProcessHandle(target);
      try {
        // 12 cosmetic variants of one task (same code fingerprint, different ids), half through each handle, all at once.
        const variants = Array.from({ length: 12 }, (_, i) => cosmeticVariant('task-r', `variant-${i}`));
        const results = await Promise.all(
          variants.map((source, i) =>
            (i % 2 ? b : reg).registerEnvironment(rec(`v${i}`, { source, runId: `run-${i}` }), { behaviorFp: null }),
          ),
        );
        const registered = results.filter((r) => r.record);
        assert.equal(registered.length, 1, 'exactly one registered');
        assert.ok(results.filter((r) => r.duplicateOf).every((r) => r.duplicateOf!.id === registered[0]!.record!.id));
        assert.equal((await reg.listEnvironments()).length, 1);
        // The same environment again from another run is a duplicate; from its own run (a retry) it is not.
        const winner = registered[0]!.record!;
        const retry = await b.registerEnvironment({ ...winner }, { behaviorFp: null });
        assert.equal(retry.record?.id, winner.id);
        const other = await reg.registerEnvironment({ ...winner, runId: 'another-run' }, { behaviorFp: null });
        assert.equal(other.duplicateOf?.id, winner.id);
        // A rejection is recorded even when an accepted twin exists.
        const rej = await reg.registerEnvironment(rec('rj', { source: variants[0]!, status: 'rejected' }), { behaviorFp: null });
        assert.equal(rej.record?.status, 'rejected');
      } finally {
        await b.close();
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

    it('keeps rounds and outcomes idempotently and knows tried keywords', async () => {
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
      await reg.recordRound(row);
      const [firstRound] = await reg.roundsOf('w1');
      await reg.recordRound({ ...row, feedback: 'f2' });
      const rounds = await reg.roundsOf('w1');
      assert.equal(rounds.length, 1);
      assert.equal(rounds[0]!.feedback, 'f2');
      assert.equal(rounds[0]!.createdAt, firstRound!.createdAt, 'a rewrite keeps the first time');
      const run = {
        workflowId: 'grow/k/0',
        parentWorkflowId: 'grow',
        keyword: 'k',
        proposal: row.proposal,
        outcome: 'rejected' as const,
        envId: null,
        rounds: 1,
        reason: 'r',
      };
      await reg.recordSynthesisRun(run);
      await reg.recordSynthesisRun({ ...run, outcome: 'failed', reason: 'second\nline' });
      assert.equal((await reg.synthesisRunOf('grow/k/0'))?.outcome, 'failed');
      assert.deepEqual(
        (await reg.synthesisRuns({ parentWorkflowId: 'grow' })).map((r) => r.workflowId),
        ['grow/k/0'],
      );
      assert.deepEqual(
        (await reg.growRunRows('grow')).map((r) => [r.keyword, r.outcome, r.envName]),
        [['k', 'failed', null]],
      );
      assert.deepEqual(await reg.recentRejectionReasons(5), ['second\nline']);
      await reg.upsertEnvironment(rec('z', { keyword: 'k2' }));
      assert.deepEqual([...(await reg.triedKeywords())].sort(), ['k', 'k2']);
    });

    it('counts the spend of a run: the run, every id under `<run>/`, and its recorded children; nothing else, nothing twice', async () => {
      const call = (key: string, workflowId: string | null, promptTokens: number) =>
        reg.recordLlmCall({
          key,
          role: 'generator',
          model: 'm',
          workflowId,
          keyword: null,
          promptTokens,
          completionTokens: 1,
          costUsd: 0.25,
          ok: true,
        });
      await call('a', 'grow_1', 1); // the run itself (an underscore: a LIKE wildcard)
      await call('b', 'grow_1/kw/0', 10); // a child by the id rule
      await call('b', 'grow_1/kw/0', 10); // a replayed write of the same attempt: counted once
      await call('c', 'grow_1/kw/0/grandchild', 100);
      await call('d', 'elsewhere-7', 1000); // a child recorded with the run as parent, under another id
      await call('e', 'grow_10/kw/0', 10_000); // another run sharing the text prefix
      await call('f', 'growX1/kw/0', 100_000); // would match LIKE 'grow_1%'
      await call('g', null, 1_000_000);
      await reg.recordSynthesisRun({
        workflowId: 'elsewhere-7',
        parentWorkflowId: 'grow_1',
        keyword: 'k',
        proposal: { name: 'n', description: 'd' },
        outcome: 'accepted',
        envId: null,
        rounds: 1,
        reason: '',
      });
      // A child both under the prefix and recorded as a child: still counted once.
      await reg.recordSynthesisRun({
        workflowId: 'grow_1/kw/0',
        parentWorkflowId: 'grow_1',
        keyword: 'kw',
        proposal: { name: 'n', description: 'd' },
        outcome: 'accepted',
        envId: null,
        rounds: 1,
        reason: '',
      });
      assert.deepEqual(await reg.runSpend('grow_1'), { calls: 4, promptTokens: 1111, completionTokens: 4, costUsd: 1 });
      assert.deepEqual(await reg.runSpend('grow_1/kw/0'), { calls: 2, promptTokens: 110, completionTokens: 2, costUsd: 0.5 });
      assert.deepEqual(await reg.runSpend('nothing'), { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });
      assert.equal((await reg.usageTotals()).calls, 7);
    });

    it('accounts tokens, calls, cost and wall time per stage: per run, per workflow and overall; a reply written twice counts once', async () => {
      const call = (key: string, workflowId: string, stage: string | null, promptTokens: number) =>
        reg.recordLlmCall({
          key,
          role: 'judge',
          stage,
          model: 'm',
          workflowId,
          keyword: 'k',
          promptTokens,
          completionTokens: 2,
          costUsd: 0.5,
          ok: true,
        });
      const time = (key: string, workflowId: string, stage: string, durationMs: number, ok = true) =>
        reg.recordStageTiming({
          key,
          workflowId,
          keyword: 'k',
          stage,
          activityType: stage,
          attempt: 1,
          durationMs,
          ok,
          startedAt: new Date().toISOString(),
        });
      await call('p', 'g', 'propose', 1);
      await call('w', 'g/k/0', 'write', 10);
      await call('w', 'g/k/0', 'write', 10); // the same reply recorded twice
      await call('j1', 'g/k/0', 'code-judge', 100);
      await call('j2', 'g/k/0', 'code-judge', 100); // a retried attempt's new reply: billed again
      await call('t', 'g/k/1', 'my-gate', 1000);
      await call('old', 'g/k/1', null, 10_000); // a row from before stages
      await call('x', 'other', 'write', 100_000);
      await time('tw', 'g/k/0', 'write', 40);
      await time('tw', 'g/k/0', 'write', 40);
      await time('tc1', 'g/k/0', 'checks', 5, false);
      await time('tc2', 'g/k/0', 'checks', 7);
      await time('tc3', 'g/k/1', 'checks', 11);
      const pick = (u: {
        stage: string;
        calls: number;
        promptTokens: number;
        completionTokens: number;
        executions: number;
        failed: number;
        wallMs: number;
      }) => [u.stage, u.calls, u.promptTokens, u.completionTokens, u.executions, u.failed, u.wallMs];
      assert.deepEqual((await reg.stageUsage('g')).map(pick), [
        ['propose', 1, 1, 2, 0, 0, 0],
        ['write', 1, 10, 2, 1, 0, 40],
        ['checks', 0, 0, 0, 3, 1, 23],
        ['code-judge', 2, 200, 4, 0, 0, 0],
        ['my-gate', 1, 1000, 2, 0, 0, 0],
        ['unknown', 1, 10_000, 2, 0, 0, 0],
      ]);
      assert.deepEqual(
        (await reg.stageUsageByWorkflow('g')).filter((u) => u.stage === 'checks').map((u) => [u.workflowId, u.executions, u.wallMs]),
        [
          ['g/k/0', 2, 12],
          ['g/k/1', 1, 11],
        ],
      );
      const all = await reg.stageUsage();
      assert.equal(all.find((u) => u.stage === 'write')?.promptTokens, 100_010);
      assert.equal(
        all.reduce((a, u) => a + u.costUsd, 0),
        (await reg.usageTotals()).costUsd,
      );
      assert.equal(
        (await reg.stageUsage('g')).reduce((a, u) => a + u.calls, 0),
        (await reg.runSpend('g')).calls,
        'stages add up to the run',
      );
    });

    it('keeps pass-rate rollouts per (instance, model, attempt), first write wins', async () => {
      const big = 2 ** 32 - 1;
      await reg.putRollout('e', 'm', { seed: big, difficulty: 2, attempt: 0, response: 'a', answer: '1', reward: 1 });
      await reg.putRollout('e', 'm', { seed: big, difficulty: 2, attempt: 0, response: 'b', answer: '2', reward: 0 });
      await reg.putRollout('e', 'm', { seed: big, difficulty: 2, attempt: 1, response: 'c', answer: null, reward: 0 });
      await reg.putRollout('e', 'other', { seed: 5, difficulty: 2, attempt: 0, response: 'd', answer: '1', reward: 1 });
      const rs = (await reg.rollouts('e', 'm', [big, 5])).sort((a, b) => a.attempt - b.attempt);
      assert.deepEqual(rs, [
        { seed: big, difficulty: 2, attempt: 0, reward: 1 },
        { seed: big, difficulty: 2, attempt: 1, reward: 0 },
      ]);
      assert.deepEqual(await reg.rollouts('e', 'm', []), []);
    });

    it('keeps calibration attempts (first write wins), levels and verdicts', async () => {
      const big = 2 ** 32 - 1; // calibration seeds are 32-bit unsigned
      assert.equal(await reg.calibrationAttempt('e', big, 3, 'm'), undefined);
      await reg.putCalibrationAttempt('e', big, 3, 'm', { response: 'r1', answer: '1', reward: 1 });
      await reg.putCalibrationAttempt('e', big, 3, 'm', { response: 'r2', answer: '2', reward: 0 });
      assert.deepEqual(await reg.calibrationAttempt('e', big, 3, 'm'), { response: 'r1', answer: '1', reward: 1 });
      const levels = [
        { difficulty: 1, attempts: 4, solved: 3, solveRate: 0.75 },
        { difficulty: 10, attempts: 4, solved: 1, solveRate: 0.25 },
      ];
      const v = { envId: 'e', model: 'm', kept: true, z: 1.5, critical: 1.64, alpha: 0.05, lowLevel: 1, highLevel: 10, levels };
      await reg.recordCalibration({ ...v, kept: false });
      const stored = await reg.recordCalibration(v);
      assert.deepEqual(await reg.calibrationLevels('e', 'm'), levels);
      assert.deepEqual(await reg.calibrationVerdict('e', 'm'), stored);
      assert.equal((await reg.calibrationVerdict('e', 'm'))?.kept, true, 'the latest verdict');
      assert.equal(await reg.calibrationVerdict('e', 'other'), undefined);
    });

    it('runs migrations once when many processes start together, and refuses a schema newer than it knows', async () => {
      const fresh = await backend.target();
      const drivers = Array.from({ length: 4 }, () => driverFor(fresh));
      try {
        const results = await Promise.all(drivers.map((d) => migrate(d)));
        assert.deepEqual(
          results.flatMap((r) => r.applied),
          VERSIONS,
          'applied by exactly one',
        );
        const latest = VERSIONS[VERSIONS.length - 1]!;
        const next: Migration[] = [{ version: latest + 1, name: 'test table', sql: 'CREATE TABLE extra_things (id TEXT PRIMARY KEY)' }];
        const withNext = await migrate(drivers[0]!, [...MIGRATIONS, ...next]);
        assert.deepEqual(withNext, { applied: [latest + 1], version: latest + 1 });
        await assert.rejects(migrate(drivers[1]!), new RegExp(`schema version ${latest + 1}, newer than this resyn knows \\(${latest}\\)`));
      } finally {
        await Promise.all(drivers.map((d) => d.close()));
      }
    });
  });
}

describe('registry configuration and `resyn migrate`', () => {
  it('`resyn migrate --json` applies the schema to a fresh PostgreSQL database once; a second run applies nothing', async function () {
    this.timeout(120_000);
    const url = await freshDatabase('migrate');
    const run = async () => {
      const { stdout } = await execFileAsync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), 'migrate', '--json'], {
        env: { ...process.env, RESYN_REGISTRY_URL: url, RESYN_DATA_DIR: tmpDir() },
      });
      return JSON.parse(stdout);
    };
    const first = await run();
    assert.equal(first.backend, 'postgres');
    assert.deepEqual(first.versions, VERSIONS);
    assert.equal(first.latest, VERSIONS[VERSIONS.length - 1]);
    assert.doesNotMatch(first.registry, /secret/);
    assert.deepEqual((await run()).versions, VERSIONS);
    const reg = await openRegistry(url);
    try {
      assert.deepEqual(await reg.listEnvironments(), [], 'the tables exist');
    } finally {
      await reg.close();
    }
  });

  it('RESYN_REGISTRY_URL must be a postgres:// URL; the error names the variable', () => {
    assert.throws(() => loadConfig({ RESYN_REGISTRY_URL: 'mysql://x@h/db' }), /RESYN_REGISTRY_URL: expected postgres:\/\//);
    assert.throws(() => loadConfig({ RESYN_REGISTRY_POOL_SIZE: '0' }), /RESYN_REGISTRY_POOL_SIZE/);
    const cfg = loadConfig({ RESYN_REGISTRY_URL: 'postgres://u:secret@db.example:5432/resyn', RESYN_REGISTRY_POOL_SIZE: '3' });
    assert.equal(cfg.registry.url, 'postgres://u:secret@db.example:5432/resyn');
    assert.equal(cfg.registry.poolSize, 3);
  });

  it('an unreachable PostgreSQL fails with the location (password hidden) and the variable', async () => {
    await assert.rejects(openRegistry('postgres://u:secret@127.0.0.1:1/none'), (err: Error) => {
      assert.match(err.message, /cannot open the registry at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/none \(RESYN_REGISTRY_URL\)/);
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
  });
});
