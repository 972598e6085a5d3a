/**
 * `npm run bench`: runs every benchmark in its own process, one after another (they would
 * compete for the 2 cores otherwise), and repeats their BENCH summary lines at the end.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BENCHES = ['sandbox', 'checks', 'sample', 'rewards', 'peer', 'grow', 'registry'];
const only = process.argv.slice(2);
const summary: string[] = [];
for (const name of BENCHES.filter((b) => !only.length || only.includes(b))) {
  process.stderr.write(`\n=== bench/${name} ===\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  summary.push(...r.stdout.split('\n').filter((l) => l.startsWith('BENCH ')));
  if (r.status !== 0) summary.push(`BENCH ${name} failed exit=${r.status}`);
}
process.stdout.write(`\n${summary.join('\n')}\n`);
