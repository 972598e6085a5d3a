/**
 * Cost and quality of the automatic checks.
 *
 * Cost: the full check of every seed environment on ONE worker (one core), cold (a fresh pool:
 * worker start, WASM module, the environment loaded for the first time) and warm (the same pool
 * again), with the time per check of the slowest environment.
 * Quality: precision and recall of the gates on the labelled corpus (tests/corpus/{good,bad}) and on the
 * seed library (all seeds are good, so there only false rejections can show).
 *
 *   node dist/bench/checks.js [--only NAME] [--no-corpus] [--workers 1]
 *
 * Prints a table and one summary line `BENCH checks ...`.
 */
import { listSeedEnvironments } from '../lib/seeds';
import { type CheckReport, checkEnvironment, SandboxPool } from '../sandbox';
import { loadConfig } from '../temporal.config';
import { loadCorpus } from '../tests/support/corpus';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Labelled {
  name: string;
  source: string;
  bad: boolean;
  expect?: string;
}

/** Precision/recall of "rejected" as the prediction of "bad", and how many bad ones the intended check caught. */
function score(rows: { e: Labelled; report: CheckReport }[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let intended = 0;
  const misses: string[] = [];
  for (const { e, report } of rows) {
    const rejected = !report.ok;
    if (e.bad && rejected) tp++;
    if (!e.bad && rejected) {
      fp++;
      misses.push(`${e.name} (good) rejected by ${report.checks.filter((c) => !c.ok).map((c) => c.name)}`);
    }
    if (e.bad && !rejected) {
      fn++;
      misses.push(`${e.name} (bad) accepted`);
    }
    if (e.bad && report.checks.some((c) => c.name === e.expect && !c.ok && !c.detail.startsWith('not run'))) intended++;
    else if (e.bad) misses.push(`${e.name}: ${e.expect} did not reject it`);
  }
  const bad = rows.filter((r) => r.e.bad).length;
  return {
    precision: tp + fp ? tp / (tp + fp) : 1,
    recall: bad ? tp / bad : 1,
    intended: bad ? intended / bad : 1,
    good: rows.length - bad,
    bad,
    fp,
    fn,
    misses,
  };
}

async function main(): Promise<void> {
  const only = arg('only');
  const workers = Number(arg('workers') ?? 1);
  const limits = { ...loadConfig({}).sandbox, workers };
  const seeds = listSeedEnvironments().filter((s) => !only || s.name.includes(only));
  const rows: { name: string; cold: number; warm: number; slowest: string }[] = [];
  const seedReports: { e: Labelled; report: CheckReport }[] = [];
  for (const s of seeds) {
    const pool = new SandboxPool(limits);
    let t = performance.now();
    const report = await checkEnvironment(s.source, { pool });
    const cold = performance.now() - t;
    t = performance.now();
    const again = await checkEnvironment(s.source, { pool });
    const warm = performance.now() - t;
    await pool.close();
    const top = [...again.checks].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 3);
    const slowest = top.map((c) => `${c.name} ${c.ms}`).join(', ');
    rows.push({ name: `${s.family}/${s.name}`, cold, warm, slowest });
    seedReports.push({ e: { name: s.name, source: s.source, bad: false }, report });
    process.stdout.write(
      `${`${s.family}/${s.name}`.padEnd(44)} cold ${cold.toFixed(0).padStart(6)} ms  warm ${warm.toFixed(0).padStart(6)} ms  ${report.ok ? 'ok ' : 'REJ'}  slowest checks (warm, ms): ${slowest}\n`,
    );
  }
  const max = rows.reduce((m, r) => (r.warm > m.warm ? r : m), rows[0]!);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const seedQ = score(seedReports);

  let corpusLine = '';
  if (!process.argv.includes('--no-corpus') && !only) {
    const pool = new SandboxPool(limits);
    const corpus: { e: Labelled; report: CheckReport }[] = [];
    for (const c of loadCorpus().filter((x) => x.label !== 'neutralised')) {
      const e: Labelled = { name: c.file, source: c.source, bad: c.label === 'bad', ...(c.expect ? { expect: c.expect } : {}) };
      corpus.push({ e, report: await checkEnvironment(c.source, { pool }) });
    }
    await pool.close();
    const q = score(corpus);
    process.stdout.write(
      `\ncorpus: ${q.good} good, ${q.bad} bad: precision ${q.precision.toFixed(3)}, recall ${q.recall.toFixed(3)}, caught by the intended check ${(100 * q.intended).toFixed(0)}%\n`,
    );
    for (const m of q.misses) process.stdout.write(`  ${m}\n`);
    corpusLine = ` corpus_good=${q.good} corpus_bad=${q.bad} corpus_precision=${q.precision.toFixed(3)} corpus_recall=${q.recall.toFixed(3)} corpus_intended=${q.intended.toFixed(3)}`;
  }
  process.stdout.write(`seed library: ${seedQ.good} environments, ${seedQ.fp} rejected (false rejections)\n`);
  for (const m of seedQ.misses) process.stdout.write(`  ${m}\n`);
  process.stdout.write(
    `BENCH checks envs=${rows.length} workers=${workers} cold_ms_mean=${mean(rows.map((r) => r.cold)).toFixed(0)} warm_ms_mean=${mean(rows.map((r) => r.warm)).toFixed(0)} warm_ms_max=${max.warm.toFixed(0)} cold_ms_max=${Math.max(...rows.map((r) => r.cold)).toFixed(0)} slowest=${max.name} seeds_false_rejections=${seedQ.fp}${corpusLine}\n`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
