/**
 * Registers the hand-written seed environments (seeds/environments/<family>/<name>.js) that pass
 * the automatic checks, as accepted seeds. Idempotent: an environment already registered (same
 * content hash) is skipped without running the checks again.
 */
import { listSeedEnvironments, type SeedEnvironment } from '../lib/seeds';
import { checkEnvironment, checkFeedback, environmentId, type SandboxPool } from '../sandbox';
import type { Registry } from './registry';

export interface ImportSeedsResult {
  imported: number;
  skipped: number;
  failed: { name: string; detail: string }[];
}

export async function importSeedEnvironments(
  registry: Registry,
  pool: SandboxPool,
  seeds: SeedEnvironment[] = listSeedEnvironments(),
): Promise<ImportSeedsResult> {
  const out: ImportSeedsResult = { imported: 0, skipped: 0, failed: [] };
  for (const seed of seeds) {
    const id = environmentId(seed.source);
    const existing = await registry.getEnvironment(id);
    if (existing && existing.id === id && existing.status === 'accepted') {
      out.skipped++;
      continue;
    }
    const report = await checkEnvironment(seed.source, { pool });
    if (!report.ok || !report.env) {
      out.failed.push({
        name: `${seed.family}/${seed.name}`,
        detail: checkFeedback(report) || 'the checks did not describe the environment',
      });
      continue;
    }
    await registry.upsertEnvironment({
      id,
      name: report.env.name,
      description: report.env.description,
      tags: report.env.tags,
      family: seed.family,
      keyword: null,
      source: seed.source,
      status: 'accepted',
      origin: 'seed',
      rounds: 0,
      runId: null,
      parentId: null,
      scores: {},
    });
    out.imported++;
  }
  return out;
}
