/** The labelled corpus of environments (tests/corpus/{good,bad}/*.js), shared by its test and bench/checks.ts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../lib/paths';

export interface CorpusEntry {
  file: string;
  /** neutralised: harmful without the sandbox's per-call isolation, harmless with it (must pass the named check). */
  label: 'good' | 'bad' | 'neutralised';
  /** For a bad one: the check that must reject it (`// expect-fail: <check>` on its first line); for a neutralised one, the check it would fail. */
  expect?: string;
  source: string;
}

export function loadCorpus(root = path.join(projectRoot, 'tests', 'corpus')): CorpusEntry[] {
  return (['good', 'bad', 'neutralised'] as const).flatMap((label) =>
    fs
      .readdirSync(path.join(root, label))
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => {
        const source = fs.readFileSync(path.join(root, label, f), 'utf8');
        const expect = /^\/\/ (?:expect-fail|neutralised): (\S+)/.exec(source)?.[1];
        return { file: `${label}/${f}`, label, source, ...(expect ? { expect } : {}) };
      }),
  );
}
