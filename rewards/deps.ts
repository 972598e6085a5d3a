/** What the scorer needs, from the configuration: the shared sandbox pool and registry lookups. */
import { openRegistry } from '../registry/open';
import { sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import type { ScorerDeps } from './scorer';

/** Scores from the configured registry (the SQLite file, or PostgreSQL shared with the growers). */
export function scorerDeps(cfg: ResynConfig): ScorerDeps & { close(): Promise<void> } {
  let registry: ReturnType<typeof openRegistry> | undefined;
  const open = () => (registry ??= openRegistry(cfg));
  // Ids are content hashes: a found source never changes; a miss is asked again (it may be registered later).
  const sources = new Map<string, string>();
  return {
    pool: sharedPool(cfg.sandbox),
    async source(envId) {
      let s = sources.get(envId);
      if (s === undefined) {
        const rec = await (await open()).getEnvironment(envId);
        if (!rec || rec.id !== envId) return undefined;
        sources.set(envId, (s = rec.source));
      }
      return s;
    },
    close: async () => {
      if (registry) await (await registry).close();
    },
  };
}
