/**
 * The one way to open the registry: a single handle per process and location (a SQLite file, or
 * a PostgreSQL URL from RESYN_REGISTRY_URL), migrated once when first opened. Every module that
 * needs the registry (activities, CLI, reward service, reports) asks here, so a worker holds
 * one connection (pool), not one per caller.
 */
import * as path from 'node:path';
import { dataPaths, type ResynConfig } from '../temporal.config';
import type { SqlDriver } from './driver';
import { migrate } from './migrate';
import { PostgresDriver, redactUrl } from './postgres';
import type { Registry } from './registry';
import { SqliteDriver } from './sqlite';
import { SqlRegistry } from './sql-registry';

const isPostgresUrl = (s: string) => /^postgres(ql)?:\/\//i.test(s);
const DEFAULT_POOL_SIZE = 10;

export type RegistryTarget = ResynConfig | string;

function resolve(target: RegistryTarget): { key: string; url?: string; file?: string; poolSize: number } {
  if (typeof target === 'string')
    return isPostgresUrl(target)
      ? { key: target, url: target, poolSize: DEFAULT_POOL_SIZE }
      : { key: path.resolve(target), file: path.resolve(target), poolSize: DEFAULT_POOL_SIZE };
  const url = target.registry.url;
  if (url) return { key: url, url, poolSize: target.registry.poolSize };
  const file = dataPaths(target).registry;
  return { key: file, file, poolSize: target.registry.poolSize };
}

/** Where the registry is, for messages (a PostgreSQL URL without its password). */
export function registryLocation(target: RegistryTarget): string {
  const r = resolve(target);
  return r.url ? redactUrl(r.url) : r.file!;
}

interface Handle {
  registry: Promise<Registry>;
  holders: number;
}
const handles = new Map<string, Handle>();

/**
 * The process's registry for a configuration (or an explicit file path / postgres:// URL):
 * opened and migrated on first use, then shared. Each call counts as a holder; close() by the
 * last holder closes it. Activities never close theirs: a worker keeps its registry for life.
 */
export function openRegistry(target: RegistryTarget): Promise<Registry> {
  const r = resolve(target);
  let h = handles.get(r.key);
  if (!h) {
    const handle: Handle = { holders: 0, registry: Promise.resolve(undefined as unknown as Registry) };
    const evict = () => {
      if (handles.get(r.key) === handle) handles.delete(r.key);
    };
    handle.registry = (async () => {
      const driver: SqlDriver = r.url ? new PostgresDriver(r.url, r.poolSize) : new SqliteDriver(r.file!);
      try {
        await migrate(driver);
      } catch (err) {
        await driver.close().catch(() => undefined);
        const where = r.url ? `${redactUrl(r.url)} (RESYN_REGISTRY_URL)` : r.file;
        throw Object.assign(new Error(`cannot open the registry at ${where}: ${(err as Error).message}`), { cause: err });
      }
      return new SqlRegistry(driver, () => {
        if (--handle.holders > 0) return false;
        evict();
        return true;
      });
    })();
    handle.registry.catch(evict);
    handles.set(r.key, (h = handle));
  }
  h.holders++;
  return h.registry;
}

/** Closes every registry this process opened, whoever holds it (end of a test suite). */
export async function closeRegistries(): Promise<void> {
  const all = [...handles.values()];
  for (const h of all) h.holders = 1;
  await Promise.all(all.map(async (h) => (await h.registry.catch(() => undefined))?.close()));
}
