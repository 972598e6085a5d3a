/**
 * No arrow runs back up the layers (DESIGN.md "Layout"): scans the import statements of every
 * TypeScript source and fails naming each import that points up. Layers, bottom to top:
 *   contracts/ (pure shapes shared across the Temporal boundary; zod only, bundled into workflows)
 *   lib/, sandbox/, registry/, llm/, dataset/, rewards/, reports/ (library modules: know nothing of Temporal)
 *   activities/ (adapters over the library) — workflows/ (orchestration; imports activity *types* only)
 *   worker/, cli/ on top.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../lib/paths';

const LIBRARY = ['lib', 'sandbox', 'registry', 'llm', 'dataset', 'rewards', 'reports'];
const TOP = ['activities', 'workflows', 'worker', 'cli', 'tests', 'bench'];
const TEMPORAL_RUNTIME = ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/workflow'];

/** Folder -> what it may not import: top-level folders, or packages (prefix match). */
const FORBIDDEN: Record<string, { folders: string[]; packages: string[] }> = {
  contracts: { folders: [...LIBRARY.filter((l) => l !== 'lib'), ...TOP], packages: ['node:', '@temporalio/'] },
  // lib/search-attributes.ts defines the search attribute keys with @temporalio/common's pure helpers; nothing else of Temporal.
  lib: { folders: TOP, packages: TEMPORAL_RUNTIME },
  ...Object.fromEntries(LIBRARY.filter((l) => l !== 'lib').map((l) => [l, { folders: TOP, packages: ['@temporalio/'] }])),
  activities: { folders: ['workflows', 'worker', 'cli', 'tests', 'bench'], packages: ['@temporalio/workflow'] },
  // Workflows are bundled and replayed: no I/O, no Node built-ins; activities are reached through proxies (types only).
  workflows: {
    folders: ['worker', 'cli', 'tests', 'bench'],
    packages: ['node:', '@temporalio/activity', '@temporalio/client', '@temporalio/worker'],
  },
};

/** Every module specifier a TypeScript file imports (static, dynamic, require, export ... from). */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) specs.push(m[1]!);
  return specs;
}

function sourcesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourcesUnder(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The imports of folder `layer` that break its rule, as "file -> spec". */
function violations(root: string, layer: string): string[] {
  const rule = FORBIDDEN[layer]!;
  const out: string[] = [];
  for (const file of sourcesUnder(path.join(root, layer))) {
    for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
      const rel = path.relative(root, file);
      if (spec.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep)[0]!;
        if (rule.folders.includes(target)) out.push(`${rel} -> ${spec}`);
      } else if (rule.packages.some((p) => spec.startsWith(p))) out.push(`${rel} -> ${spec}`);
    }
  }
  return out;
}

describe('layering: no import runs back up', () => {
  for (const layer of Object.keys(FORBIDDEN)) {
    it(`${layer}/ imports nothing above it`, () => {
      assert.deepEqual(violations(projectRoot, layer), []);
    });
  }

  it('workflows/ import activities as types only (proxied, never bundled)', () => {
    const valueImports = sourcesUnder(path.join(projectRoot, 'workflows')).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s*['"](\.\.\/activities[^'"]*)['"]/gms)].map(
        (m) => `${path.relative(projectRoot, file)} -> ${m[1]}`,
      ),
    );
    assert.deepEqual(valueImports, []);
  });

  it('the scanner sees static, dynamic and require imports (so the checks above can fail)', () => {
    const src = `import a from '../workflows/x';\nimport type { B } from "../cli/y";\nexport { c } from '../worker/z';\nconst d = await import('../activities/d');\nconst e = require('node:fs');\nimport '../tests/side';`;
    assert.deepEqual(importsOf(src), ['../workflows/x', '../cli/y', '../worker/z', '../activities/d', 'node:fs', '../tests/side']);
  });
});
