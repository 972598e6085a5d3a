#!/usr/bin/env node
/** Prints the path of a usable `temporal` binary, building it once with Go when none is found (.ci/run calls this). */
import { loadConfig } from '../temporal.config';
import { ensureTemporalBinary, noTemporalMessage, temporalVersion } from './temporal-binary';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const t0 = Date.now();
  const bin = await ensureTemporalBinary(cfg, (m) => console.error(m));
  if (!bin) {
    console.error(
      noTemporalMessage(cfg, 'no binary on PATH or in the cache, and the Go build failed') +
        '\n(the SDK download will be tried when the server starts)',
    );
    return;
  }
  console.error(`temporal: ${bin} (${temporalVersion(bin)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(bin);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
