/**
 * Every activity resyn registers, built from the config. Activities are thin adapters over the
 * library modules (sandbox/, registry/, llm/, dataset/); workflows import only `typeof` this.
 */
import type { ResynConfig } from '../temporal.config';
import { pingActivities } from './ping';

export function createActivities(cfg: ResynConfig) {
  void cfg;
  return {
    ...pingActivities,
  };
}

export type ResynActivities = ReturnType<typeof createActivities>;
