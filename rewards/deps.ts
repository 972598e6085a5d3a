/**
 * A Scorer from the configuration: one single-worker sandbox pool per slot (cfg.rewards.workers,
 * one per core by default), and sources from the registry (status-checked) or from a dataset
 * folder alone (--dataset DIR).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRegistry } from '../registry/open';
import { SandboxPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { Scorer } from './scorer';
import { datasetSources, type EnvSources, registrySources } from './sources';

export interface ScorerSetup {
  /** Score from this dataset folder (or its manifest.json) instead of the registry. */
  dataset?: string;
  /** Sandbox slots; default cfg.rewards.workers. */
  workers?: number;
}

/** The dataset folder of a --dataset argument (the folder, or its manifest.json); throws with what is wrong. */
export function datasetDir(arg: string): string {
  const st = fs.statSync(arg, { throwIfNoEntry: false });
  const dir = st?.isDirectory() ? arg : path.dirname(arg);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`--dataset: ${arg} is not a dataset folder (no manifest.json)`);
  if (!fs.existsSync(path.join(dir, 'environments')))
    throw new Error(`--dataset: ${dir} carries no environments/ folder (written by an older resyn?); it cannot score without the registry`);
  return dir;
}

export function createScorer(cfg: ResynConfig, setup: ScorerSetup = {}): Scorer {
  const sources: EnvSources = setup.dataset
    ? datasetSources(datasetDir(setup.dataset))
    : registrySources(() => openRegistry(cfg), cfg.rewards.allowEnvs);
  const workers = setup.workers ?? cfg.rewards.workers;
  return new Scorer({
    pools: Array.from({ length: workers }, () => new SandboxPool({ ...cfg.sandbox, workers: 1 })),
    lookup: (id) => sources.lookup(id),
    queueItems: cfg.rewards.queueItems,
    budgetMs: cfg.rewards.requestBudgetMs,
    onClose: () => sources.close(),
  });
}

/** The service's request limits from the configuration. */
export function serviceLimits(cfg: ResynConfig): { maxBodyBytes: number; maxItems: number } {
  return { maxBodyBytes: cfg.rewards.maxBodyMb * 1024 * 1024, maxItems: cfg.rewards.maxItems };
}
