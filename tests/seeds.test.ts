/**
 * The seed library: every hand-written environment passes the automatic checks in the real QuickJS
 * sandbox, the library's shape (names, families, tags) holds, and the keyword list is big and valid.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../temporal.config';
import { checkEnvironment, SandboxPool } from '../sandbox';
import { ANSWER_WRAPPERS, extractAnswer, normaliseAnswer } from '../lib/answer';
import { listSeedEnvironments, loadKeywords, SEED_FAMILIES } from '../lib/seeds';
import { perturbations } from '../sandbox/checks/probes';
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

  /** Instances of a seed at a few difficulties with solve()'s answers. */
  async function solvedInstances(source: string, difficulties = [1, 5, 10], perLevel = 4) {
    const items = difficulties.flatMap((difficulty) => Array.from({ length: perLevel }, (_, k) => ({ seed: 7 + 131 * k, difficulty })));
    const sampled = await pool.sample(source, items);
    const states = sampled.map((r) => (r.ok ? r.value.state : assert.fail(`sample failed: ${!r.ok && r.error.message}`)));
    const solved = await pool.solve(source, states);
    return states.map((state, i) => ({
      state,
      solution: solved[i]!.ok ? (solved[i] as { value: string }).value : assert.fail('solve failed'),
    }));
  }
  const byName = (name: string) => seeds.find((s) => s.name === name)!;

  it('accepts the answer forms models write (wrapped, LaTeX, equations, vertex: color, "fill jug B")', async () => {
    const forms: Record<string, (sol: string) => string[]> = {
      'fraction-sum': (sol) => {
        const m = /^(-?)(\d+)\/(\d+)$/.exec(sol.trim());
        if (!m) return [`$${sol}$`, `**${sol}**`, `x = ${sol}`, `The answer is ${sol}`];
        return [
          `${m[1]}\\frac{${m[2]}}{${m[3]}}`,
          `$${sol}$`,
          `**${sol}**`,
          `x = ${sol}`,
          `The answer is ${sol}`,
          `\\boxed{${m[1]}\\frac{${m[2]}}{${m[3]}}}`,
        ];
      },
      'subset-sum': (sol) => [`${sol.split(/\s+/).join(' + ')} = ${sol.split(/\s+/).reduce((s, x) => s + Number(x), 0)}`],
      'graph-coloring': (sol) => [
        sol
          .split(/\s+/)
          .map((c, i) => `${i + 1}: ${c}`)
          .join(', '),
      ],
      'water-jugs': (sol) => [
        sol.replace(/(fill|empty) ([ABC])/g, '$1 jug $2').replace(/pour ([ABC]) ([ABC])/g, 'pour jug $1 into jug $2'),
      ],
    };
    for (const [name, make] of Object.entries(forms)) {
      const s = byName(name);
      for (const { state, solution } of await solvedInstances(s.source)) {
        const answers = make(solution).map((f) => extractAnswer(`Reasoning... <answer>${f}</answer>`)!);
        const rs = await pool.score(
          s.source,
          answers.map((answer) => ({ state, answer })),
        );
        rs.forEach((r, i) =>
          assert.deepEqual(
            r,
            { ok: true, value: 1 },
            `${name}: ${JSON.stringify(make(solution)[i])} (seen as ${JSON.stringify(answers[i])})`,
          ),
        );
      }
    }
  });

  it('normalisation never turns a wrong answer right (perturbed and other-instance answers of every seed, in every wrapper)', async () => {
    let wrongSeen = 0;
    for (const s of seeds) {
      const xs = await solvedInstances(s.source, [1, 5, 10], 3);
      const probes = xs.flatMap((x, i) => {
        const other = xs.find((y, j) => j !== i && y.solution.trim() !== x.solution.trim());
        return [...perturbations(x.solution), ...(other ? [other.solution] : [])].map((wrong) => ({ x, wrong }));
      });
      const raw = await pool.score(
        s.source,
        probes.map((p) => ({ state: p.x.state, answer: p.wrong })),
      );
      const wrongOnes = probes.filter((_, i) => raw[i]!.ok && (raw[i] as { value: number }).value === 0);
      wrongSeen += wrongOnes.length;
      const wrapped = wrongOnes.flatMap((p) =>
        [(a: string) => a, ...ANSWER_WRAPPERS.map((w) => w.wrap)].map((wrap) => ({ p, answer: normaliseAnswer(wrap(p.wrong)) })),
      );
      const rs = await pool.score(
        s.source,
        wrapped.map((w) => ({ state: w.p.x.state, answer: w.answer })),
      );
      rs.forEach((r, i) =>
        assert.ok(
          r.ok && r.value === 0,
          `${s.name}: the wrong answer ${JSON.stringify(wrapped[i]!.p.wrong)} scored ${JSON.stringify(r)} after normalising ${JSON.stringify(wrapped[i]!.answer)}`,
        ),
      );
    }
    assert.ok(wrongSeen >= seeds.length * 5, `only ${wrongSeen} wrong answers were tried`);
  });

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
