/**
 * The charts people look at instead of reading tables: solve rate against difficulty per
 * environment (calibration), the dataset's mix by family × difficulty, and the synthesis funnel.
 * Each is a Vega-Lite spec built from plain numbers; charts/render.ts turns it into SVG.
 */
import type { VegaLiteSpec } from './render';

const FONT = { config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } } };

/** Solve rate of the policy model per difficulty level, one line per environment. */
export function solveRateSpec(
  points: { env: string; difficulty: number; solveRate: number; attempts: number }[],
  model: string,
): VegaLiteSpec {
  return {
    ...FONT,
    title: { text: 'Solve rate against difficulty', subtitle: `policy model ${model}` },
    width: 420,
    height: 240,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'difficulty', type: 'quantitative', scale: { domain: [1, 10] }, axis: { tickMinStep: 1, title: 'difficulty' } },
      y: { field: 'solveRate', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '%', title: 'solve rate' } },
      color: { field: 'env', type: 'nominal', title: 'environment' },
      tooltip: [{ field: 'env' }, { field: 'difficulty' }, { field: 'solveRate', format: '.0%' }, { field: 'attempts' }],
    },
  };
}

/** Rows per family and difficulty level (both splits), as a heat map with the counts written in. */
export function mixSpec(byFamilyDifficulty: Record<string, Record<string, number>>): VegaLiteSpec {
  const values = Object.entries(byFamilyDifficulty).flatMap(([family, levels]) =>
    Object.entries(levels).map(([difficulty, rows]) => ({ family, difficulty: Number(difficulty), rows })),
  );
  return {
    ...FONT,
    title: 'Dataset mix: family × difficulty (rows)',
    data: { values },
    encoding: {
      x: { field: 'difficulty', type: 'ordinal', title: 'difficulty' },
      y: { field: 'family', type: 'nominal', title: null },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'rows', type: 'quantitative', scale: { scheme: 'blues' }, title: 'rows' } } },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'rows', type: 'quantitative' },
          color: { condition: { test: 'datum.rows > 0', value: 'black' }, value: 'gray' },
        },
      },
    ],
  };
}

/** The synthesis funnel: how many candidates survive each stage. */
export function funnelSpec(stages: { stage: string; count: number }[], title = 'Synthesis funnel'): VegaLiteSpec {
  const values = stages.map((s, i) => ({ ...s, order: i }));
  return {
    ...FONT,
    title,
    width: 360,
    data: { values },
    encoding: {
      y: { field: 'stage', type: 'nominal', sort: { field: 'order' }, title: null },
      x: { field: 'count', type: 'quantitative', title: 'environments' },
    },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' } },
      { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'count', type: 'quantitative' } } },
    ],
  };
}
