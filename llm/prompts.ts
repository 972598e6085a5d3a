/**
 * Renders the prompt templates of seeds/prompts/ (system above `=== user ===`, user below) with
 * `{{name}}` placeholders, and picks few-shot seed environments for the generator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedsDir } from '../lib/paths';
import { listSeedEnvironments, loadKeywords, type SeedEnvironment } from '../lib/seeds';
import type { ChatMessage } from './client';

export const promptsDir = path.join(seedsDir, 'prompts');
export type TemplateName = 'propose' | 'generate' | 'revise' | 'code-judge' | 'question-judge';

const cache = new Map<string, string>();
function read(name: string): string {
  let t = cache.get(name);
  if (t === undefined) {
    t = fs.readFileSync(path.join(promptsDir, `${name}.md`), 'utf8');
    cache.set(name, t);
  }
  return t;
}

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`prompt template placeholder {{${k}}} has no value`);
    return String(vars[k]);
  });
}

export function renderPrompt(name: TemplateName, vars: Record<string, string | number>): ChatMessage[] {
  const all = { contract: read('environment-contract').trim(), ...vars };
  const [system, user] = read(name).split(/^=== user ===\s*$/m);
  if (user === undefined) throw new Error(`prompt template ${name}.md lacks the "=== user ===" line`);
  return [
    { role: 'system', content: fill(system!.trim(), all) },
    { role: 'user', content: fill(user.trim(), all) },
  ];
}

/**
 * Up to `n` seed environments as few-shot examples: the keyword's family first, then others,
 * deterministic for a keyword so a retried activity sends the same prompt.
 */
let seedCache: SeedEnvironment[] | undefined;
let familyCache: Map<string, string> | undefined;

/** The seed family of a keyword from seeds/keywords.json (read once per process), or null. */
export function keywordFamily(keyword: string): string | null {
  if (!familyCache) {
    try {
      familyCache = new Map(loadKeywords().map((k) => [k.keyword, k.family]));
    } catch {
      return null; // unreadable keywords file: no family hint, try again next time
    }
  }
  return familyCache.get(keyword) ?? null;
}

export function fewShotExamples(keyword: string, family: string | null, n = 2): SeedEnvironment[] {
  if (!seedCache) {
    try {
      seedCache = listSeedEnvironments();
    } catch {
      return [];
    }
  }
  const seeds = seedCache;
  const h = [...keyword].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  const rot = <T>(xs: T[]) => (xs.length ? xs.map((_, i) => xs[(i + h) % xs.length]!) : xs);
  const same = rot(seeds.filter((s) => s.family === family));
  const other = rot(seeds.filter((s) => s.family !== family));
  return [...same, ...other].slice(0, n);
}

export function formatExamples(examples: SeedEnvironment[]): string {
  if (!examples.length) return '(no examples available)';
  return examples.map((e) => `Example (${e.family}/${e.name}):\n\`\`\`js\n${e.source.trim()}\n\`\`\``).join('\n\n');
}
