/**
 * The seed library on disk: hand-written exemplar environments (seeds/environments/<family>/<name>.js)
 * and the seed keywords the synthesis workflow draws from (seeds/keywords.json).
 * Plain files, not compiled: they are read as text and run only inside the sandbox.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { seedsDir } from './paths';

/** The task families of the seed library (ReSyn's spread of reasoning skills). */
export const SEED_FAMILIES = [
  'constraint-satisfaction',
  'algorithmic',
  'spatial',
  'logic',
  'graphs',
  'combinatorics',
  'arithmetic',
  'strings',
] as const;
export type SeedFamily = (typeof SEED_FAMILIES)[number];

export interface SeedEnvironment {
  family: string;
  name: string;
  file: string;
  source: string;
}

export const seedEnvironmentsDir = path.join(seedsDir, 'environments');
export const seedKeywordsFile = path.join(seedsDir, 'keywords.json');

/** Every seed environment, sorted by family then name; `file` is an absolute path. */
export function listSeedEnvironments(): SeedEnvironment[] {
  const out: SeedEnvironment[] = [];
  if (!fs.existsSync(seedEnvironmentsDir)) return out;
  const families = fs
    .readdirSync(seedEnvironmentsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const family of families) {
    const dir = path.join(seedEnvironmentsDir, family);
    for (const f of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .sort()) {
      const file = path.join(dir, f);
      out.push({ family, name: f.slice(0, -3), file, source: fs.readFileSync(file, 'utf8') });
    }
  }
  return out;
}

export interface SeedKeyword {
  keyword: string;
  family: string;
}

const keywordsSchema = z
  .array(
    z
      .object({
        keyword: z.string().trim().min(3).max(120),
        family: z.enum(SEED_FAMILIES),
      })
      .strict(),
  )
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((k, i) => {
      const key = k.keyword.trim().toLowerCase();
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: [i, 'keyword'], message: `duplicate keyword "${k.keyword}" (first at index ${first})` });
      else seen.set(key, i);
    });
  });

/** The seed keywords, validated: known families, no duplicates (case-insensitive). */
export function loadKeywords(file: string = seedKeywordsFile): SeedKeyword[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`seed keywords: cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = keywordsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`seed keywords: ${file} at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data.map((k) => ({ keyword: k.keyword.trim(), family: k.family }));
}
