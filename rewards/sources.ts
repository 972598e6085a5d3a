/**
 * Where the scorer gets an environment's source, and whether it may score it:
 * - the registry: only environments whose status allows scoring (`accepted`), or ids on an
 *   explicit allow-list (cfg.rewards.allowEnvs); a rejected or unknown id gets a reason;
 * - a dataset folder (`--dataset DIR`): the sources it carries, content-addressed and checked
 *   against their ids (dataset/environments.ts), with no registry at all.
 */
import { readEnvironmentSource, type SourceLookup } from '../dataset/environments';
import type { Registry } from '../registry/registry';

export type { SourceLookup };

export interface EnvSources {
  lookup(envId: string): SourceLookup | Promise<SourceLookup>;
  close(): void | Promise<void>;
}

/** How long a registry answer is trusted: a status can change while the service runs. */
const RECHECK_MS = 10_000;

/** `open` is called on the first lookup (registry/open.ts: the process's shared handle). */
export function registrySources(open: () => Promise<Registry>, allowEnvs: readonly string[] = []): EnvSources {
  let registry: Promise<Registry> | undefined;
  const allow = new Set(allowEnvs);
  const cache = new Map<string, { at: number; r: SourceLookup }>();
  return {
    async lookup(envId) {
      const hit = cache.get(envId);
      if (hit && Date.now() - hit.at < RECHECK_MS) return hit.r;
      const rec = await (await (registry ??= open())).getEnvironment(envId);
      let r: SourceLookup;
      if (!rec || rec.id !== envId) r = { ok: false, reason: `unknown environment ${envId} (not in the registry)` };
      else if (rec.status === 'accepted' || allow.has(envId)) r = { ok: true, source: rec.source };
      else
        r = {
          ok: false,
          reason: `environment ${envId} (${rec.name}) has status "${rec.status}": only accepted environments are scored (or ids in RESYN_REWARDS_ALLOW_ENVS)`,
        };
      if (cache.size >= 10_000) cache.clear();
      cache.set(envId, { at: Date.now(), r });
      return r;
    },
    close: async () => {
      if (registry) await (await registry).close();
    },
  };
}

/** The environments of a dataset folder; every source is checked against its id once. */
export function datasetSources(dir: string): EnvSources {
  const cache = new Map<string, SourceLookup>();
  return {
    lookup(envId) {
      let r = cache.get(envId);
      if (!r) {
        r = readEnvironmentSource(dir, envId);
        if (!r.ok && cache.size >= 10_000) cache.clear();
        cache.set(envId, r);
      }
      return r;
    },
    close: () => {},
  };
}
