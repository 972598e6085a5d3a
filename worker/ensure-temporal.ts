#!/usr/bin/env node
/** Prints the path of a usable `temporal` binary, obtaining it once when none is present (.ci/run calls this). */
import { loadConfig } from '../temporal.config';
import { ensureTemporalBinary, temporalVersion } from './temporal-binary';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const t0 = Date.now();
  const bin = await ensureTemporalBinary(cfg, (m) => console.error(m));
  console.error(`temporal: ${bin} (${temporalVersion(bin).split('\n')[0]}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(bin);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
