/** What the scorer needs, from the configuration: the shared sandbox pool and registry lookups. */
import { Registry } from '../registry/store';
import { sharedPool } from '../sandbox';
import { dataPaths, type ResynConfig } from '../temporal.config';
import type { ScorerDeps } from './scorer';

export function scorerDeps(cfg: ResynConfig): ScorerDeps & { close(): void } {
  const registry = Registry.open(dataPaths(cfg).registry);
  // Ids are content hashes: a found source never changes; a miss is asked again (it may be registered later).
  const sources = new Map<string, string>();
  return {
    pool: sharedPool(cfg.sandbox),
    source(envId) {
      let s = sources.get(envId);
      if (s === undefined) {
        const rec = registry.getEnvironment(envId);
        if (!rec || rec.id !== envId) return undefined;
        sources.set(envId, (s = rec.source));
      }
      return s;
    },
    close: () => registry.close(),
  };
}
