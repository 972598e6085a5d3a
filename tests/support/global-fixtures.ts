/**
 * Mocha global fixtures: one real Temporal dev server (temp SQLite file, random ports, its Web UI
 * at RESYN_TEST_TEMPORAL_UI_URL) for the whole suite, unless TEMPORAL_ADDRESS points at an
 * existing one (then RESYN_TEST_TEMPORAL_UI_URL may name that server's UI). Tests reach it through
 * tests/support/temporal.ts. The PostgreSQL cluster (tests/support/postgres.ts) starts on first
 * use and stops here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../temporal.config';
import { ensureTemporalBinary } from '../../worker/temporal-binary';
import { installRuntime } from '../../worker/worker';
import { freePort, startDevServer, type DevServer } from '../../worker/dev-server';
import { closeRegistries } from '../../registry/open';
import { stopPostgres } from './postgres';

let server: DevServer | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Quiet SDK logs (WARN and up) and no metrics port in tests.
  installRuntime(loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' }));
  if (process.env.TEMPORAL_ADDRESS) {
    process.env.RESYN_TEST_TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS;
    return;
  }
  const cfg = loadConfig({ ...process.env, RESYN_DATA_DIR: os.tmpdir() });
  const bin = await ensureTemporalBinary(cfg, (m) => console.error(`[tests] ${m}`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-tests-'));
  process.env.RESYN_TEST_TMP = dir;
  if (bin) process.env.RESYN_TEST_TEMPORAL_BIN = bin;
  // With its Web UI on a free port, for the test that drives the UI as a person does (tests/web-ui.test.ts).
  server = await startDevServer({ bin, dbFile: path.join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: await freePort() });
  process.env.RESYN_TEST_TEMPORAL_ADDRESS = server.address;
  if (server.uiUrl) process.env.RESYN_TEST_TEMPORAL_UI_URL = server.uiUrl;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await closeRegistries();
  stopPostgres();
  await server?.stop();
}
