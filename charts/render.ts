/**
 * Renders Vega-Lite specs to SVG offline (vega + vega-lite, server-side `view.toSVG()`, no
 * browser, no canvas, no network). The same spec and data give the same SVG bytes, so charts in
 * a dataset folder do not change on a re-run.
 */
import { importEsm } from '../dataset/esm';

export type VegaLiteSpec = Record<string, unknown>;

/** vega-lite's compile warnings (e.g. merged sort properties) are about layout choices it resolves itself. */
const QUIET = {
  level: () => QUIET,
  error: (...a: unknown[]) => console.error(...a),
  warn: () => QUIET,
  info: () => QUIET,
  debug: () => QUIET,
};

/** Vega numbers gradients and clip paths per process; renumber them per SVG so the bytes depend on the chart only. */
function stableIds(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/\b(gradient|clip)(\d+|_\d+)\b/g, (m, kind: string) => {
    let id = ids.get(m);
    if (!id) ids.set(m, (id = `${kind}_${ids.size}`));
    return id;
  });
}

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await Promise.all([importEsm('vega'), importEsm('vega-lite')]);
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec }, { logger: QUIET }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return stableIds((await view.toSVG()) as string);
  } finally {
    view.finalize();
  }
}
