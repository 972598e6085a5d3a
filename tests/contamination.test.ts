/**
 * The contamination report against BIG-Bench Hard / BBEH: it flags a BBH-like environment and not
 * an unrelated one (hand-written texts and real seed environments with prompts rendered in the
 * sandbox), `--exclude-contaminated` leaves flagged environments out of a plan, `resyn env show`
 * prints the verdict, and the dataset card carries the report and the charts (SVG, same bytes on
 * a re-render).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { renderSvg } from '../charts/render';
import { funnelSpec, mixSpec, solveRateSpec } from '../charts/specs';
import { sampleRequestSchema } from '../contracts/sample-request';
import { BBEH_TASKS, BBH_TASKS } from '../contamination/benchmarks';
import { checkContamination } from '../contamination/environment';
import { contaminationOf } from '../contamination/report';
import { buildPlan } from '../dataset/planner';
import { projectRoot } from '../lib/paths';
import { buildDataset, seededRegistry, type TestDataset } from './support/dataset';

const execFileAsync = promisify(execFile);

describe('contamination report and charts', function () {
  this.timeout(300_000);
  let base: Awaited<ReturnType<typeof seededRegistry>>;

  before(async () => {
    base = await seededRegistry(['knights-and-knaves', 'chinese-remainder', 'bracket-repair']);
  });
  after(async () => base?.registry.close());

  it('lists the 27 BIG-Bench Hard and the 23 BBEH tasks', () => {
    assert.equal(BBH_TASKS.length, 27);
    assert.equal(BBEH_TASKS.length, 23);
    assert.equal(new Set([...BBH_TASKS, ...BBEH_TASKS].map((t) => `${t.benchmark}/${t.name}`)).size, 50);
    assert.ok([...BBH_TASKS, ...BBEH_TASKS].every((t) => t.description.length > 30));
  });

  it('flags a BBH-like environment and not an unrelated one', () => {
    const like = contaminationOf({
      id: 'a',
      name: 'swap-tracking',
      description: 'Five people swap balls in a sequence of pairwise trades; track who holds which ball at the end.',
      tags: ['tracking'],
      prompts: [
        'Alice, Bob and Claire each hold a ball. First Alice and Bob swap their balls. Then Bob and Claire swap. Who holds the red ball at the end?',
      ],
    });
    assert.ok(like.flagged, JSON.stringify(like));
    assert.match(like.matches[0]!.task, /shuffled/i);
    const unrelated = contaminationOf({
      id: 'b',
      name: 'chinese-remainder',
      description: 'Find the smallest non-negative x with given remainders modulo pairwise coprime moduli.',
      tags: ['number-theory'],
      prompts: ['Find the smallest x >= 0 such that x mod 3 = 2, x mod 5 = 3 and x mod 7 = 2.'],
    });
    assert.ok(!unrelated.flagged, JSON.stringify(unrelated));
  });

  it('checks registered environments with their sandbox prompts; --exclude-contaminated leaves the flagged out', async () => {
    const recs = await base.registry.listEnvironments({ status: 'accepted' });
    const byName = new Map(recs.map((r) => [r.name, r]));
    const knights = await checkContamination(base.pool, byName.get('knights-and-knaves')!);
    assert.ok(knights.flagged);
    assert.match(knights.matches[0]!.task, /web.of.lies/i);
    assert.ok(knights.matches[0]!.shared.includes('knight'));
    assert.equal((await checkContamination(base.pool, byName.get('chinese-remainder')!)).flagged, false);

    const plan = await buildPlan(sampleRequestSchema.parse({ name: 'clean', excludeContaminated: true }), {
      registry: base.registry,
      datasetsDir: '/tmp/unused',
      policyModel: 'm',
      contamination: (rec) => checkContamination(base.pool, rec),
    });
    assert.deepEqual(
      plan.envs.map((e) => e.name),
      ['chinese-remainder'],
    );
    assert.deepEqual(plan.skipped.map((s) => s.name).sort(), ['bracket-repair', 'knights-and-knaves']);
    assert.match(plan.skipped.find((s) => s.name === 'knights-and-knaves')!.reason, /contamination: close to BBE?H/);
  });

  it('`resyn env show` prints the verdict', async () => {
    const cli = (...args: string[]) =>
      execFileAsync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), ...args], {
        env: { ...process.env, RESYN_DATA_DIR: base.cfg.dataDir, RESYN_SANDBOX_WORKERS: '1' },
      });
    const json = JSON.parse((await cli('env', 'show', 'knights-and-knaves', '--json')).stdout);
    assert.equal(json.contamination.flagged, true);
    const text = (await cli('env', 'show', 'chinese-remainder')).stdout;
    assert.match(text, /^contamination ok: closest /m);
  });

  it('the dataset card carries the report and the charts, rendered offline to SVG', async () => {
    const ds: TestDataset = await buildDataset(base, { name: 'with-charts', instancesPerEnv: 4, difficulties: [1, 4] });
    const card = fs.readFileSync(path.join(ds.dir, 'README.md'), 'utf8');
    assert.match(card, /## Contamination check \(BIG-Bench Hard, BBEH\)/);
    assert.match(card, /\| knights-and-knaves \| \*\*flagged\*\* \| BBE?H /);
    assert.match(card, /\| chinese-remainder \| ok \|/);
    assert.match(card, /!\[Dataset mix: family × difficulty\]\(charts\/mix\.svg\)/);
    assert.deepEqual(ds.manifest.charts, ['charts/mix.svg', 'charts/funnel.svg']);
    for (const c of ds.manifest.charts!) assert.match(fs.readFileSync(path.join(ds.dir, c), 'utf8'), /^<svg [^>]*class="marks"/);
    assert.equal(ds.manifest.contamination!.filter((c) => c.flagged).length, 2);
    // The mix chart writes each family's counts; the same chart renders to the same bytes.
    const mix = fs.readFileSync(path.join(ds.dir, 'charts/mix.svg'), 'utf8');
    for (const f of Object.keys(ds.manifest.mix.byFamilyDifficulty)) assert.ok(mix.includes(`>${f}<`), f);
    assert.equal(await renderSvg(mixSpec(ds.manifest.mix.byFamilyDifficulty)), mix);
  });

  it('renders the solve-rate and funnel charts with their data', async () => {
    const svg = await renderSvg(
      solveRateSpec(
        [
          { env: 'env-a', difficulty: 1, solveRate: 0.9, attempts: 8 },
          { env: 'env-a', difficulty: 10, solveRate: 0.1, attempts: 8 },
        ],
        'policy-x',
      ),
    );
    assert.match(svg, /policy model policy-x/);
    assert.match(svg, />env-a</);
    const funnel = await renderSvg(
      funnelSpec([
        { stage: 'proposed', count: 12 },
        { stage: 'accepted by every gate', count: 5 },
      ]),
    );
    assert.match(funnel, />proposed</);
    assert.match(funnel, />12</);
  });
});
