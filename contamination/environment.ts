/** The contamination check of one registered environment: its text plus a few prompts rendered in the sandbox. */
import type { SandboxPool } from '../sandbox';
import { type ContaminationResult, contaminationOf } from './report';

/** The instances whose prompts are compared (fixed: the same environment always gets the same report). */
export const CONTAMINATION_SAMPLES = [
  { seed: 1, difficulty: 1 },
  { seed: 2, difficulty: 5 },
  { seed: 3, difficulty: 10 },
];

export interface EnvForCheck {
  id: string;
  name: string;
  source: string;
  description?: string | null;
  keyword?: string | null;
  tags?: string[];
}

export async function checkContamination(pool: SandboxPool, env: EnvForCheck): Promise<ContaminationResult> {
  const sampled = await pool.sample(env.source, CONTAMINATION_SAMPLES);
  const prompts = sampled.flatMap((s) => (s.ok ? [s.value.prompt] : []));
  return contaminationOf({ id: env.id, name: env.name, description: env.description, keyword: env.keyword, tags: env.tags, prompts });
}
