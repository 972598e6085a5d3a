/**
 * The seed library: every hand-written environment passes the automatic checks in the real QuickJS
 * sandbox, the library's shape (names, families, tags) holds, and the keyword list is big and valid.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../temporal.config';
import { checkEnvironment, SandboxPool } from '../sandbox';
import { listSeedEnvironments, loadKeywords, SEED_FAMILIES } from '../lib/seeds';
import { tmpDir } from './support/temporal';

describe('seed library', function () {
  this.timeout(300_000);
  const seeds = listSeedEnvironments();
  let pool: SandboxPool;

  before(() => {
    pool = new SandboxPool(loadConfig({}).sandbox);
  });
  after(async () => {
    await pool?.close();
  });

  it('has at least 24 environments, at least 3 in each of the 8 families', () => {
    assert.ok(seeds.length >= 24, `only ${seeds.length} seed environments`);
    for (const family of SEED_FAMILIES) {
      const n = seeds.filter((s) => s.family === family).length;
      assert.ok(n >= 3, `family ${family} has ${n} environments`);
    }
    assert.deepEqual(
      seeds.map((s) => s.family).filter((f) => !(SEED_FAMILIES as readonly string[]).includes(f)),
      [],
    );
  });

  it('lists environments sorted by family then name, with their source', () => {
    const keys = seeds.map((s) => `${s.family}/${s.name}`);
    assert.deepEqual(keys, [...keys].sort());
    for (const s of seeds) {
      assert.equal(path.basename(s.file), `${s.name}.js`);
      assert.equal(s.source, fs.readFileSync(s.file, 'utf8'));
      assert.match(s.source, /export default \{/);
      assert.doesNotMatch(s.source, /Math\.random|\bDate\b|\brequire\(|\bimport\s/, `${s.name} uses a forbidden global or import`);
    }
  });

  // One check per environment, all through the one shared pool.
  for (const s of seeds) {
    it(`${s.family}/${s.name} passes the automatic checks`, async () => {
      const report = await checkEnvironment(s.source, { pool });
      const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      assert.deepEqual(failed, [], `${s.name} failed checks`);
      assert.equal(report.ok, true);
      // The module's own name and tags agree with where it lives.
      assert.equal(report.env?.name, s.name, 'the exported name must equal the file name');
      assert.ok(report.env?.tags.includes(s.family), `tags ${JSON.stringify(report.env?.tags)} must include ${s.family}`);
      assert.match(s.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    });
  }

  it('environment names are unique across the library', () => {
    const names = seeds.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
  });

  it('has at least 300 distinct keywords over all 8 families', () => {
    const kws = loadKeywords();
    assert.ok(kws.length >= 300, `only ${kws.length} keywords`);
    assert.equal(new Set(kws.map((k) => k.keyword.toLowerCase())).size, kws.length);
    for (const family of SEED_FAMILIES) {
      const n = kws.filter((k) => k.family === family).length;
      assert.ok(n >= 20, `family ${family} has only ${n} keywords`);
    }
  });

  it('loadKeywords rejects duplicates and unknown families, naming the entry', () => {
    const dir = tmpDir('seeds-');
    const dup = path.join(dir, 'dup.json');
    fs.writeFileSync(
      dup,
      JSON.stringify([
        { keyword: 'maze path', family: 'spatial' },
        { keyword: 'Maze Path', family: 'spatial' },
      ]),
    );
    assert.throws(() => loadKeywords(dup), /1\.keyword: duplicate keyword "Maze Path"/);
    const fam = path.join(dir, 'fam.json');
    fs.writeFileSync(fam, JSON.stringify([{ keyword: 'maze path', family: 'cooking' }]));
    assert.throws(() => loadKeywords(fam), /0\.family/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{not json');
    assert.throws(() => loadKeywords(bad), /cannot read/);
  });
});
