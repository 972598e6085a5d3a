/** The labelled corpus of environments (tests/corpus/{good,bad}/*.js), shared by its test and bench/checks.ts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../lib/paths';

export interface CorpusEntry {
  file: string;
  label: 'good' | 'bad';
  /** For a bad one: the check that must reject it (`// expect-fail: <check>` on its first line). */
  expect?: string;
  source: string;
}

export function loadCorpus(root = path.join(projectRoot, 'tests', 'corpus')): CorpusEntry[] {
  return (['good', 'bad'] as const).flatMap((label) =>
    fs
      .readdirSync(path.join(root, label))
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => {
        const source = fs.readFileSync(path.join(root, label, f), 'utf8');
        const expect = /^\/\/ expect-fail: (\S+)/.exec(source)?.[1];
        return { file: `${label}/${f}`, label, source, ...(expect ? { expect } : {}) };
      }),
  );
}
