/**
 * `resyn migrate`: applies pending registry migrations (the SQLite file, or the PostgreSQL
 * database of RESYN_REGISTRY_URL) and prints the schema version. Workers also migrate when they
 * start; this is for a deploy step that upgrades the schema before new workers roll out.
 */
import type { Command } from 'commander';
import { MIGRATIONS } from '../../registry/migrations';
import { openRegistry, registryLocation } from '../../registry/open';
import { action, cliConfig, printJson } from '../output';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending schema migrations to the registry (RESYN_REGISTRY_URL, else <dataDir>/registry.sqlite)')
    .option('--json', 'print {registry, backend, versions, latest}')
    .action(
      action(async (o: { json?: boolean }) => {
        const cfg = cliConfig();
        const reg = await openRegistry(cfg); // opening applies what is pending, under the registry's migration lock
        try {
          const versions = await reg.schemaVersions();
          const latest = Math.max(...MIGRATIONS.map((m) => m.version));
          const out = { registry: registryLocation(cfg), backend: reg.backend, versions, latest };
          if (o.json) return printJson(out);
          process.stdout.write(`registry ${out.registry} (${out.backend}): schema version ${versions.at(-1)} of ${latest}\n`);
        } finally {
          await reg.close();
        }
      }),
    );
}
