/**
 * Renders the prompt templates of seeds/prompts/ (system above `=== user ===`, user below) with
 * `{{name}}` placeholders, and picks few-shot seed environments for the generator. The limits,
 * the checks, the judges' criteria and thresholds are rendered from the config and the code that
 * enforces them, never copied into the templates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANSWER_WRAPPERS } from '../lib/answer';
import { seedsDir } from '../lib/paths';
import { listSeedEnvironments, loadKeywords, type SeedEnvironment } from '../lib/seeds';
import { CHECK_RULES } from '../sandbox/checks';
import { ENV_NAME_MAX, ENV_NAME_PATTERN } from '../sandbox/types';
import type { ResynConfig } from '../temporal.config';
import type { ChatMessage } from './client';
import { JUDGE_CRITERIA, type JudgeName, thresholdOf } from './judging';

export const promptsDir = path.join(seedsDir, 'prompts');
export type TemplateName = 'propose' | 'generate' | 'revise' | 'code-judge' | 'question-judge' | 'red-team';

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

/** The answer forms models write and how verify accepts them (the framework strips the wrappers first). */
const ANSWER_FORMS = [
  '`\\frac{1}{2}`, `1/2`, `0.5`: parse fractions (`\\frac{a}{b}`, `a/b`, decimals) and compare values exactly, not strings.',
  '`18 + 20 = 38` for "which numbers sum to 38": read the terms before "=" (and check the total if one is given).',
  '`1: 1, 2: 1, 3: 2` for a colouring or assignment: accept "key: value" pairs as well as the bare list in key order.',
  '`fill jug B` for the move `fill B`: ignore filler words ("jug", "the", "move"), case and punctuation around the tokens you need.',
  `\`x = 1/2\`, \`The answer is 1/2\`, \`**1/2**\`, \`$1/2$\`: the framework strips these wrappers before verify sees the answer (${ANSWER_WRAPPERS.map((w) => w.name).join(', ')}); verify still trims whitespace.`,
];

/** The answer forms of ANSWER_FORMS, as the red team is told to try them. */
const ANSWER_EXAMPLES = ['\\frac{1}{2}', '$1/2$', '**1/2**', 'x = 1/2', 'The answer is 1/2', '18 + 20 = 38', '1: 1, 2: 1', 'fill jug B'];

/** Values every template may use: the module contract and the real limits, checks and answer forms. */
export function commonVars(cfg: ResynConfig): Record<string, string | number> {
  const l = cfg.sandbox;
  const vars = {
    call_timeout_ms: l.callTimeoutMs,
    memory_mb: l.memoryMb,
    stack_kb: l.stackKb,
    max_prompt_chars: l.maxPromptChars,
    max_output_bytes: l.maxOutputBytes,
    max_answer_chars: l.maxAnswerChars,
    name_pattern: ENV_NAME_PATTERN,
    name_max: ENV_NAME_MAX,
    checks: Object.entries(CHECK_RULES)
      .map(([name, rule]) => `- ${name}: ${rule}`)
      .join('\n'),
    answer_forms: ANSWER_FORMS.map((f) => `  - ${f}`).join('\n'),
    answer_examples: ANSWER_EXAMPLES.map((a) => `\`${a}\``).join(', '),
  };
  return { ...vars, contract: fill(read('environment-contract').trim(), vars) };
}

/** A judge's criteria with what a 5 means, its thresholds and the reply's JSON shape, from the code that enforces them. */
export function judgeVars(judge: JudgeName, cfg: ResynConfig): Record<string, string> {
  const t = cfg.synthesis.judge;
  const names = Object.keys(JUDGE_CRITERIA[judge]);
  return {
    criteria: Object.entries(JUDGE_CRITERIA[judge])
      .map(([c, d]) => `- ${c} (accept needs at least ${thresholdOf(t, c)}): ${d}`)
      .join('\n'),
    reply_shape: JSON.stringify({
      verdict: 'accept | revise | reject',
      scores: Object.fromEntries(names.map((c) => [c, 'n'])),
      feedback: 'concrete changes',
    }),
  };
}

export function renderPrompt(name: TemplateName, vars: Record<string, string | number>, cfg: ResynConfig): ChatMessage[] {
  const all = { ...commonVars(cfg), ...vars };
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
