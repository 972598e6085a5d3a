/**
 * Applies the pending migrations (registry/migrations) once, in order, in one transaction under
 * the 'migrate' lock: when many workers start together, the first applies them and the others
 * find them applied. Both back ends have transactional DDL, so a failed migration leaves the
 * schema as it was.
 *
 * Why a small ordered list and not a migration tool: the same statements must run on SQLite
 * and PostgreSQL from the worker itself (no separate deploy step), the schema is a handful of
 * tables, and the tools worth trusting are either one-dialect (node-pg-migrate) or bring a
 * query builder and their own lock tables (knex, umzug) — more to learn than these 40 lines.
 */
import type { SqlDriver } from './driver';
import { MIGRATIONS, type Migration } from './migrations';

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

export async function migrate(
  driver: SqlDriver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ applied: number[]; version: number }> {
  return driver.transaction(
    async (tx) => {
      await tx.script(
        'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      const done = new Set((await tx.all<{ version: number }>('SELECT version FROM schema_version')).map((r) => Number(r.version)));
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...done);
      if (newest > known)
        throw new SchemaTooNewError(
          `registry ${driver.location} has schema version ${newest}, newer than this resyn knows (${known}); upgrade resyn on this machine`,
        );
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await tx.script(m.sql);
        await tx.run('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
        applied.push(m.version);
      }
      return { applied, version: Math.max(newest, ...applied) };
    },
    { lock: 'migrate' },
  );
}
