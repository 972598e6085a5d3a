/**
 * What a dataset card shows beyond tables: charts rendered to SVG in `charts/` (the mix by
 * family × difficulty, the policy model's solve rate against difficulty, the synthesis funnel)
 * and the contamination report against BIG-Bench Hard / BBEH. Each part is optional: it appears
 * when its data is at hand.
 */
import * as path from 'node:path';
import { renderSvg } from '../charts/render';
import { funnelSpec, mixSpec, solveRateSpec } from '../charts/specs';
import { type ContaminationResult, contaminationMarkdown } from '../contamination/report';
import type { Manifest } from './manifest';
import { writeIfChanged } from './writers';

export const CHARTS_DIR = 'charts';

export interface InsightDeps {
  contamination?(envId: string): Promise<ContaminationResult>;
  /** Calibration solve rates of the dataset's environments (for the policy model), if measured. */
  solveRates?(
    envIds: string[],
  ): Promise<{ model: string; points: { env: string; difficulty: number; solveRate: number; attempts: number }[] } | undefined>;
  /** Candidates per stage of synthesis, ending with the environments in this dataset. */
  funnel?(m: Manifest): Promise<{ stage: string; count: number }[] | undefined>;
}

export interface Insights {
  fields: Pick<Manifest, 'contamination' | 'charts'>;
  sections: { title: string; body: string }[];
}

async function chart(outDir: string, file: string, spec: Record<string, unknown>): Promise<string> {
  const rel = `${CHARTS_DIR}/${file}`;
  writeIfChanged(path.join(outDir, rel), await renderSvg(spec));
  return rel;
}

export async function datasetInsights(outDir: string, m: Manifest, deps: InsightDeps): Promise<Insights> {
  const charts: string[] = [];
  const images: string[] = [];
  charts.push(await chart(outDir, 'mix.svg', mixSpec(m.mix.byFamilyDifficulty)));
  images.push(`![Dataset mix: family × difficulty](${charts[charts.length - 1]})`);
  const rates = await deps.solveRates?.(m.environments.map((e) => e.id));
  if (rates?.points.length) {
    charts.push(await chart(outDir, 'solve-rate.svg', solveRateSpec(rates.points, rates.model)));
    images.push(`![Solve rate against difficulty (${rates.model})](${charts[charts.length - 1]})`);
  }
  const stages = await deps.funnel?.(m);
  if (stages?.length) {
    charts.push(await chart(outDir, 'funnel.svg', funnelSpec(stages)));
    images.push(`![Synthesis funnel](${charts[charts.length - 1]})`);
  }
  const sections = [{ title: 'Charts', body: images.join('\n\n') }];
  let contamination: ContaminationResult[] | undefined;
  if (deps.contamination) {
    contamination = [];
    for (const e of m.environments) contamination.push(await deps.contamination(e.id));
    sections.push({ title: 'Contamination check (BIG-Bench Hard, BBEH)', body: contaminationMarkdown(contamination) });
  }
  return { fields: { charts, ...(contamination ? { contamination } : {}) }, sections };
}
