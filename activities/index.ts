/**
 * Every activity resyn registers, built from the config. Activities are thin adapters over the
 * library modules (sandbox/, registry/, llm/, dataset/); workflows import only `typeof` this.
 */
import type { ResynConfig } from '../temporal.config';
import { pingActivities } from './ping';
import { synthesisActivities } from './synthesis';
import { createDatasetActivities } from './dataset';
import { createCalibrationActivities } from './calibration';
import { opsActivities } from './ops';
import { preflightActivities } from './preflight';

export function createActivities(cfg: ResynConfig) {
  return {
    ...pingActivities,
    ...synthesisActivities(cfg),
    ...createDatasetActivities(cfg),
    ...createCalibrationActivities(cfg),
    ...opsActivities(cfg),
    ...preflightActivities(cfg),
  };
}

export type ResynActivities = ReturnType<typeof createActivities>;
