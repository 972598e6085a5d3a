/**
 * A dataset folder is self-contained: environments/<env_id>.js (content-addressed), the card
 * (README.md with the Hugging Face header) that `datasets.load_dataset(<folder>)` reads with no
 * arguments, and per-row prompt lengths in the manifest. A copy of the folder scores with no
 * registry exactly as the registry does; a modified verifier is refused.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEnvironmentSource } from '../dataset/environments';
import { projectRoot } from '../lib/paths';
import { createScorer } from '../rewards/deps';
import type { ScoreItem } from '../rewards/scorer';
import { environmentId } from '../sandbox/env-id';
import { buildDataset, readRows, scoringCases, seededRegistry, type TestDataset } from './support/dataset';
import { pythonEnv, runPython } from './support/python';
import { tmpDir } from './support/temporal';

describe('self-contained dataset folder', function () {
  this.timeout(600_000);
  let ds: TestDataset;

  before(async () => {
    ds = await buildDataset(await seededRegistry(), {
      instancesPerEnv: 12,
      difficulties: [1, 3],
      split: { validationFraction: 0.25 },
      shardSize: 10,
      license: 'apache-2.0',
    });
  });
  after(async () => ds?.registry.close());

  it('holds the source of every environment it uses, content-addressed, and the card', () => {
    const { dir, manifest } = ds;
    assert.equal(manifest.environments.length, 3);
    for (const e of manifest.environments) {
      assert.equal(e.source, `environments/${e.id}.js`);
      assert.equal(environmentId(fs.readFileSync(path.join(dir, e.source), 'utf8')), e.id);
      assert.ok(e.description && e.description.length > 5, e.name);
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, 'environments')).sort(), manifest.environments.map((e) => `${e.id}.js`).sort());
    const card = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    assert.match(card, /^---\nlicense: apache-2\.0\n/);
    assert.match(
      card,
      /configs:\n- config_name: default\n {2}data_files:\n {2}- split: train\n {4}path: "train-\*\.parquet"\n {2}- split: validation\n/,
    );
    for (const e of manifest.environments) assert.ok(card.includes(`| ${e.name} |`), `card lists ${e.name}`);
    assert.match(card, /## Mix: family × difficulty/);
  });

  it('records prompt characters and tokens for every row (a real tokenizer)', () => {
    const { manifest } = ds;
    const rows = readRows(ds.dir, manifest);
    assert.equal(manifest.rows!.data.length, rows.length);
    assert.deepEqual([...manifest.rows!.columns], ['id', 'split', 'prompt_chars', 'prompt_tokens', 'pass_rate']);
    manifest.rows!.data.forEach(([id, split, chars, tokens], i) => {
      assert.equal(id, rows[i]!.id);
      assert.equal(split, rows[i]!.extra_info.split);
      assert.equal(chars, rows[i]!.prompt[0]!.content.length);
      // The chat template alone is ~30 tokens; English text runs ~3-5 characters per token.
      assert.ok(tokens > 30 && tokens < chars, `${tokens} tokens for ${chars} characters`);
    });
    const pl = manifest.promptLength!;
    assert.match(pl.tokenizer, /qwen/);
    assert.equal(pl.maxPromptTokens, 512);
    assert.equal(pl.overlong, 'warn');
    assert.equal(pl.overlongRows, manifest.rows!.data.filter((r) => r[3] > 512).length);
  });

  it('copied to a fresh folder, scores with no registry exactly as through the registry', async () => {
    const copy = path.join(tmpDir('resyn-copy-'), 'dataset');
    fs.cpSync(ds.dir, copy, { recursive: true });
    const rows = readRows(copy, ds.manifest);
    const cases = await scoringCases(
      ds,
      rows.filter((_, i) => i % 3 === 0),
    );
    const items: ScoreItem[] = cases.map((c) => ({ ground_truth: c.row.reward_model.ground_truth, response: c.response }));
    const registryScorer = createScorer(ds.cfg, { workers: 1 });
    const folderScorer = createScorer(ds.cfg, { dataset: copy, workers: 1 });
    const viaRegistry = await registryScorer.score(items);
    const viaFolder = await folderScorer.score(items);
    await registryScorer.close();
    await folderScorer.close();
    assert.deepEqual(viaFolder, viaRegistry);
    assert.ok(viaFolder.filter((r) => r.reward === 1).length === cases.length / 3, JSON.stringify(viaFolder.slice(0, 6)));
    assert.ok(viaFolder.some((r) => r.reward === 0));

    // A hand-edited verifier is refused, naming the file.
    const e = ds.manifest.environments[0]!;
    fs.appendFileSync(path.join(copy, e.source), '\n// tampered\nexport const x = 1;\n');
    const r = readEnvironmentSource(copy, e.id);
    assert.ok(!r.ok && /was modified/.test(r.reason), JSON.stringify(r));
  });

  it('over the max prompt length: rows are dropped when asked, with the reason', async () => {
    const small = await buildDataset(
      { cfg: ds.cfg, registry: ds.registry, pool: ds.pool },
      { name: 'short-prompts', instancesPerEnv: 8, difficulties: [1, 5], shardSize: 50, maxPromptTokens: 120, overlongPrompts: 'drop' },
    );
    const tokens = small.manifest.rows!.data.map((r) => r[3]);
    assert.ok(
      tokens.every((t) => t <= 120),
      JSON.stringify(tokens),
    );
    const over = small.manifest.dropped.filter((d) => /over the max prompt length 120/.test(d.error));
    assert.ok(over.length > 0, 'no prompt was over 120 tokens: pick a smaller limit');
    assert.equal(small.manifest.totals.rows + small.manifest.totals.dropped, 3 * 8);
    assert.equal(small.manifest.promptLength!.overlong, 'drop');
  });

  it('datasets.load_dataset(<folder>) reads it with no other argument', async function () {
    const py = pythonEnv();
    if ('skip' in py) {
      console.log(`      skipped: ${py.skip}`);
      this.skip();
    }
    // A fresh `datasets` cache: it keys its Arrow cache by the folder's name, so a stale copy of an
    // earlier `test-ds` would be read instead of this one.
    const hfCache = { HF_DATASETS_CACHE: tmpDir('hf-cache-') };
    const out = JSON.parse(await runPython(py.python, path.join(projectRoot, 'tests', 'python', 'load_dataset.py'), [ds.dir], hfCache));
    assert.deepEqual(out.splits, { train: ds.manifest.totals.train, validation: ds.manifest.totals.validation });
    const first = readRows(ds.dir, ds.manifest)[0]!;
    assert.deepEqual(out.first.prompt, first.prompt);
    assert.deepEqual(out.first.reward_model, first.reward_model);
    assert.equal(out.first.seed, first.seed);
    assert.equal(out.features.difficulty, "Value('int32')");
  });
});
