/** Dataset building blocks: request validation, allocation with caps, shards, seeds, encoders. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { difficultyFor, seedFor, seedRange, splitOfSeed } from '../dataset/instances';
import { allocate, shardSpecs, waterFill, type PlanEnv } from '../dataset/plan';
import { difficultyWeights, sampleRequestSchema } from '../contracts/sample-request';
import { buildRow } from '../dataset/rows';
import { importEsm } from '../dataset/esm';
import { atomicWrite, encodeJsonl, encodeParquet } from '../dataset/writers';
import { normalQuantile, waldTest } from '../rewards/trend-test';
import { parseInstance } from '../rewards/instance';
import { tmpDir } from './support/temporal';

const req = (o: object = {}) => sampleRequestSchema.parse({ name: 't', ...o });

describe('dataset: request, plan, seeds, encoders', () => {
  it('validates a request and names the bad field', () => {
    const r = req();
    assert.deepEqual(r.formats, ['jsonl', 'parquet']);
    const bad = sampleRequestSchema.safeParse({ name: 't', difficulties: [0, 11] });
    assert.ok(!bad.success);
    assert.match(bad.error.issues[0]!.path.join('.'), /^difficulties/);
    assert.ok(!sampleRequestSchema.safeParse({ name: '../x' }).success);
    assert.deepEqual(difficultyWeights([1, 1, 3]), [
      { level: 1, weight: 2 },
      { level: 3, weight: 1 },
    ]);
  });

  it('caps per environment and shares a per-tag cap fairly', () => {
    const envs = [{ tags: ['a'] }, { tags: ['a'] }, { tags: ['a', 'b'] }, { tags: ['b'] }];
    const r = req({ instancesPerEnv: 100, split: { validationFraction: 0.2 }, caps: { perEnv: 50, perTag: 90 } });
    const n = allocate(envs, r).map((c) => c.train + c.validation);
    assert.deepEqual(n, [30, 30, 30, 50]);
    const byTag = (t: string) => envs.reduce((a, e, i) => a + (e.tags.includes(t) ? n[i]! : 0), 0);
    assert.ok(byTag('a') <= 90 && byTag('b') <= 90);
    assert.deepEqual(allocate(envs, r)[3], { train: 40, validation: 10 });
    assert.deepEqual(waterFill([5, 100, 100], 60), [5, 27, 28]);
  });

  it('cuts the rows into shards that cover every position exactly once', () => {
    const env = (train: number, validation: number): PlanEnv => ({
      id: 'e',
      name: 'e',
      family: null,
      tags: [],
      train,
      validation,
      levels: [{ level: 1, weight: 1 }],
    });
    const envs = [env(7, 2), env(0, 0), env(5, 3), env(11, 0)];
    const specs = shardSpecs({ envs, shardSize: 4 });
    for (const split of ['train', 'validation'] as const) {
      const seen = envs.map((e) => new Array(e[split]).fill(0));
      let start = 0;
      for (const s of specs.filter((x) => x.split === split)) {
        assert.equal(s.start, start);
        for (const g of s.segments) for (let p = g.from; p < g.to; p++) seen[g.env]![p]++;
        start += s.segments.reduce((a, g) => a + g.to - g.from, 0);
      }
      assert.ok(
        seen.every((a) => a.every((c) => c === 1)),
        split,
      );
    }
    assert.equal(specs.filter((s) => s.split === 'train').length, 6); // 23 rows / 4
  });

  it('train and validation seeds never overlap; seeds are distinct and deterministic', () => {
    const id = 'ab'.repeat(32);
    const train = seedRange(id, 'train', 0, 5000);
    const val = seedRange(id, 'validation', 0, 5000);
    assert.ok(train.every((s) => s >= 0 && s < 2 ** 31 && splitOfSeed(s) === 'train'));
    assert.ok(val.every((s) => s >= 2 ** 31 && s < 2 ** 32 && splitOfSeed(s) === 'validation'));
    assert.equal(new Set(train).size, 5000);
    assert.equal(seedFor(id, 'train', 1234), train[1234]);
    assert.notEqual(seedFor('cd'.repeat(32), 'train', 0), train[0]);
  });

  it('follows a weighted difficulty mix closely', () => {
    const levels = difficultyWeights({ '1': 3, '5': 1 });
    const n = 1000;
    const ones = Array.from({ length: n }, (_, p) => difficultyFor(levels, p)).filter((d) => d === 1).length;
    assert.ok(Math.abs(ones - 750) <= 2, String(ones));
    assert.deepEqual(
      [0, 1, 2, 3].map((p) => difficultyFor(difficultyWeights([2, 4]), p)),
      [2, 4, 2, 4],
    );
  });

  it('writes Parquet that an independent reader (hyparquet) reads back, prompt as chat messages; same rows, same bytes', async () => {
    const env = { id: 'f'.repeat(64), name: 'toy', family: 'logic', tags: ['logic', 'toy'] };
    const rows = Array.from({ length: 50 }, (_, i) =>
      buildRow(env, i % 2 ? 'validation' : 'train', i, 4_000_000_000 - i, 1 + (i % 3), `question ${i} — ünïcode`),
    );
    const a = await encodeParquet(rows);
    const b = await encodeParquet(rows);
    assert.ok(a.equals(b));
    const { parquetReadObjects } = await importEsm('hyparquet');
    const back: any[] = await parquetReadObjects({ file: a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) });
    assert.equal(back.length, 50);
    assert.equal(back[7].id, rows[7]!.id);
    assert.equal(Number(back[7].seed), rows[7]!.seed);
    assert.deepEqual(back[7].prompt, rows[7]!.prompt);
    assert.match(back[7].prompt[0].content, /<answer>/);
    assert.deepEqual(back[7].reward_model, rows[7]!.reward_model);
    assert.deepEqual({ ...back[7].extra_info, index: Number(back[7].extra_info.index) }, rows[7]!.extra_info);
    const jl = encodeJsonl(rows)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(jl[3], rows[3]);
    assert.deepEqual(JSON.parse(jl[3].reward_model.ground_truth), { env_id: env.id, seed: rows[3]!.seed, difficulty: rows[3]!.difficulty });
  });

  it('writes atomically, leaving no temp file', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'x', 'a.txt');
    atomicWrite(f, 'one');
    atomicWrite(f, 'two');
    assert.equal(fs.readFileSync(f, 'utf8'), 'two');
    assert.deepEqual(fs.readdirSync(path.dirname(f)), ['a.txt']);
  });

  it('one-sided Wald test: a falling solve rate passes, a flat one does not', () => {
    assert.ok(Math.abs(normalQuantile(0.95) - 1.6448536) < 1e-6);
    assert.ok(waldTest({ attempts: 16, solved: 15 }, { attempts: 16, solved: 2 }).reject);
    assert.ok(!waldTest({ attempts: 16, solved: 8 }, { attempts: 16, solved: 8 }).reject);
    assert.ok(!waldTest({ attempts: 16, solved: 2 }, { attempts: 16, solved: 15 }).reject);
    assert.ok(waldTest({ attempts: 8, solved: 8 }, { attempts: 8, solved: 0 }).reject);
  });

  it('parses instance references as trainers send them', () => {
    const gt = { env_id: 'a'.repeat(64), seed: 3, difficulty: 2 };
    assert.deepEqual(parseInstance(JSON.stringify(gt)), { ok: true, value: gt });
    assert.deepEqual(parseInstance({ style: 'rule', ground_truth: JSON.stringify(gt) }), { ok: true, value: gt });
    assert.match((parseInstance('nope') as any).reason, /not a JSON/);
    assert.match((parseInstance({ ...gt, difficulty: 11 }) as any).reason, /difficulty/);
    assert.match((parseInstance({ ...gt, seed: -1 }) as any).reason, /seed/);
  });
});
