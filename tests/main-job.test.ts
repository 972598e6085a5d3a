/**
 * The README's main job (`resyn run`, what `npm start` runs) as a newcomer runs it: the real CLI
 * process starts its own dev server and worker, registers the seed library, grows it by a keyword
 * with the scripted LLM, samples a dataset and prints where it is.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../lib/paths';
import { listSeedEnvironments } from '../lib/seeds';
import { openRegistry } from '../registry/open';
import { freePort } from '../worker/dev-server';
import { startFakeLlm, type FakeLlm } from './support/fake-llm';
import { fakeLlmEnv, happyReply } from './support/fake-synthesis';
import { tmpDir } from './support/temporal';

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('main job: resyn run on the embedded defaults', () => {
  let llm: FakeLlm;
  before(async function () {
    if (!process.env.RESYN_TEST_TEMPORAL_BIN) this.skip(); // starts its own embedded server
    llm = await startFakeLlm((req) => happyReply(req));
  });
  after(async () => {
    await llm?.close();
  });

  async function env(dataDir: string, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      RESYN_DATA_DIR: dataDir,
      RESYN_DEV_SERVER_PORT: String(await freePort()),
      RESYN_DEV_SERVER_UI_PORT: String(await freePort()),
      RESYN_METRICS_PORT: '0',
      ...extra,
    };
    for (const k of ['TEMPORAL_ADDRESS', 'OPENAI_BASE_URL', 'OPENAI_API_KEY']) if (!(k in extra)) delete e[k];
    return e;
  }

  it('registers the seeds, grows by a keyword with the LLM, and writes a dataset whose manifest it prints', async () => {
    const dataDir = tmpDir('main-job-');
    const r = await runCli(
      ['run', '--grow', '1', '--proposals', '1', '--instances-per-env', '3', '--json'],
      await env(dataDir, fakeLlmEnv(llm.baseURL)),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Web UI: http:\/\/127\.0\.0\.1:\d+/);
    const summary = JSON.parse(r.stdout);
    const seeds = listSeedEnvironments().length;
    assert.equal(summary.library, seeds + 1, 'the seed library plus one synthesized environment');
    assert.ok(fs.existsSync(summary.dataset.manifestPath), 'the printed manifest exists');
    assert.ok(r.stderr.includes(summary.dataset.manifestPath), 'the manifest path is printed for people too');
    const manifest = JSON.parse(fs.readFileSync(summary.dataset.manifestPath, 'utf8'));
    const rows = manifest.shards.reduce((n: number, s: { rows: number }) => n + s.rows, 0);
    assert.equal(rows, summary.dataset.rows);
    assert.equal(summary.dataset.environments, seeds + 1);
    // The newcomer's registry is the SQLite file in the data folder (no RESYN_REGISTRY_URL).
    const file = path.join(dataDir, 'registry.sqlite');
    assert.ok(fs.existsSync(file), file);
    const reg = await openRegistry(file);
    try {
      const accepted = await reg.listEnvironments({ status: 'accepted' });
      assert.equal(accepted.filter((e) => e.origin === 'seed').length, seeds);
      assert.equal(accepted.filter((e) => e.origin === 'synthesized').length, 1);
    } finally {
      await reg.close();
    }
    assert.ok(llm.calls.length >= 4, 'propose, generate and two judges went to the LLM endpoint');
  });

  it('without an LLM endpoint says how to configure one and still writes the dataset', async () => {
    const dataDir = tmpDir('main-job-nollm-');
    const r = await runCli(['run', '--instances-per-env', '2', '--json'], await env(dataDir));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /skipping library growth: no LLM endpoint configured .*OPENAI_BASE_URL/);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.library, listSeedEnvironments().length);
    assert.ok(fs.existsSync(summary.dataset.manifestPath));
  });
});
