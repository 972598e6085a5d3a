/**
 * The automatic checks of DESIGN.md, run in the sandbox before any LLM judge looks. Each check
 * is named and its `detail` says what to change, so a reviser model can act on it.
 *
 * Plan (a handful of batches, so a cold check of a small environment stays well under a second):
 * sample SEEDS seeds at every difficulty 1..10 twice (determinism), solve each state, then score
 * one batch of answers: the solution, the padded solution, garbage, perturbed solutions, another
 * instance's solution, and adversarial answers on a few instances (the long ones on the hardest).
 */
import { adversarialAnswers, GARBAGE_ANSWERS, perturbations } from './probes';
import type { SandboxPool } from './pool';
import type { EnvInfo, Result, SandboxError } from './types';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** Failing cases (up to MAX_EXAMPLES) with the state and the answer, so a reviser sees what failed. */
  examples?: CheckExample[];
}
/** One concrete failing case of a check: the instance, and the answer verify got (if any) with its result. */
export interface CheckExample {
  seed: number;
  difficulty: number;
  /** The state as JSON, clipped to MAX_EXAMPLE_CHARS. */
  state: string;
  answer?: string;
  reward?: number;
  error?: string;
}
export interface CheckReport {
  ok: boolean;
  checks: CheckResult[];
  env?: EnvInfo;
  durationMs: number;
}

export const CHECK_NAMES = [
  'exports-and-types',
  'deterministic',
  'distinct-states',
  'prompt-bounded',
  'solve-verifies',
  'rejects-wrong',
  'difficulty-scales',
  'adversarial-answers',
  'within-limits',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** What each check demands, in one line (the generator's and reviser's prompts list them). */
export const CHECK_RULES: Record<CheckName, string> = {
  'exports-and-types':
    'the module evaluates and its default export has name, description, tags, generate, prompt, verify, solve with the right result types',
  deterministic: 'the same seed and difficulty give the same state and prompt, also on a second call in the same context',
  'distinct-states': 'different seeds give different states at every difficulty (at least 60% distinct)',
  'prompt-bounded': 'prompt(state) is non-empty and within the prompt size limit at every difficulty',
  'solve-verifies': 'verify(state, solve(state)) is 1 for every sampled instance at difficulties 1..10, also with surrounding whitespace',
  'rejects-wrong':
    "empty and garbage answers score 0; perturbed solutions and other instances' solutions mostly score 0; verify is not constant",
  'difficulty-scales': 'something measurable about the instance grows from difficulty 1-2 to 9-10',
  'adversarial-answers': 'verify stays within the limits and returns a valid reward on long, repetitive, near-miss and odd-unicode answers',
  'within-limits': 'every call stays within the time, memory, stack and output limits',
};

const DIFFICULTIES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const SEEDS = 8;
/** Seeds used by the checks (spread out, not 0..n, so nothing is tuned to small seeds). */
const seedFor = (k: number, d: number): number => 1009 * (k + 1) + 17 * d;
/** Wrong answers may be right now and then (several correct answers); more than this share fails. */
const MAX_WRONG_ACCEPTED = 0.5;
/** Adversarial answers longer than this are fed once (on the hardest instance), not per difficulty. */
const LONG_ANSWER = 5000;
const LIMIT_KINDS = new Set(['timeout', 'out-of-memory', 'stack-overflow', 'output-too-large', 'host-crash']);
const MAX_EXAMPLES = 3;
const MAX_EXAMPLE_CHARS = 2000;
/** The check a failed verify call on each kind of probe answer is reported under. */
const EXAMPLE_CHECK = {
  solution: 'solve-verifies',
  padded: 'solve-verifies',
  garbage: 'rejects-wrong',
  wrong: 'exports-and-types',
  adversarial: 'adversarial-answers',
} as const;

interface Instance {
  seed: number;
  difficulty: number;
  state: unknown;
  stateJson: string;
  prompt: string;
  solution?: string;
}

const clip = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n)}…` : s);
const show = (s: string): string => JSON.stringify(clip(s, 80));
const errText = (e: SandboxError): string => `${e.kind}: ${clip(e.message, 300)}`;

class Collector {
  readonly checks = new Map<string, { ok: boolean; detail: string }>();
  readonly examples = new Map<string, CheckExample[]>();
  readonly limitFailures: string[] = [];
  readonly typeFailures: string[] = [];
  set(name: string, ok: boolean, detail: string): void {
    this.checks.set(name, { ok, detail });
  }
  /** Keeps a failing case for a check (the first few). */
  example(name: string, x: Instance, extra: { answer?: string; reward?: number; error?: SandboxError } = {}): void {
    const list = this.examples.get(name) ?? [];
    if (list.length >= MAX_EXAMPLES) return;
    list.push({
      seed: x.seed,
      difficulty: x.difficulty,
      state: clip(x.stateJson, MAX_EXAMPLE_CHARS),
      ...(extra.answer !== undefined ? { answer: clip(extra.answer, MAX_EXAMPLE_CHARS) } : {}),
      ...(extra.reward !== undefined ? { reward: extra.reward } : {}),
      ...(extra.error ? { error: errText(extra.error) } : {}),
    });
    this.examples.set(name, list);
  }
  /** Routes a failed call: limit breaches to within-limits, contract breaches to exports-and-types. */
  failed(where: string, e: SandboxError, x?: Instance, answer?: string): void {
    const line = `${where}: ${errText(e)}`;
    const limit = LIMIT_KINDS.has(e.kind);
    (limit ? this.limitFailures : this.typeFailures).push(line);
    if (x) this.example(limit ? 'within-limits' : 'exports-and-types', x, { answer, error: e });
  }
}

function listFew(lines: string[], n = 3): string {
  const head = lines.slice(0, n).join('; ');
  return lines.length > n ? `${head}; and ${lines.length - n} more` : head;
}

export async function checkEnvironment(source: string, opts: { pool: SandboxPool }): Promise<CheckReport> {
  const t0 = Date.now();
  const { pool } = opts;
  const c = new Collector();
  const finish = (env?: EnvInfo): CheckReport => {
    const checks: CheckResult[] = CHECK_NAMES.map((name) => {
      const r = c.checks.get(name);
      const examples = r?.ok ? undefined : c.examples.get(name);
      return { name, ok: r?.ok ?? false, detail: r?.detail ?? 'not run: an earlier check failed', ...(examples ? { examples } : {}) };
    });
    return { ok: checks.every((x) => x.ok), checks, ...(env ? { env } : {}), durationMs: Date.now() - t0 };
  };

  // exports-and-types (shape)
  const info = await pool.describe(source);
  if (!info.ok) {
    const e = info.error;
    if (LIMIT_KINDS.has(e.kind)) {
      c.set(
        'within-limits',
        false,
        `loading the module: ${errText(e)}. Top-level code must be quick and small: move work into generate().`,
      );
      c.set('exports-and-types', false, 'the module could not be loaded within the sandbox limits (see within-limits)');
    } else {
      c.set(
        'exports-and-types',
        false,
        `${errText(e)}. The file must be an ES module whose default export is { name, description, tags, generate(rng, difficulty), prompt(state), verify(state, answer), solve(state) }, with no imports and no top-level await.`,
      );
    }
    return finish();
  }
  const env = info.value;

  const plan = DIFFICULTIES.flatMap((d) => Array.from({ length: SEEDS }, (_, k) => ({ seed: seedFor(k, d), difficulty: d })));
  // Each instance twice in a row (same chunk, same context), so state kept between calls shows.
  const twice = await pool.sample(
    source,
    plan.flatMap((p) => [p, p]),
  );
  const sampled = [...plan.map((_, i) => twice[2 * i]!), ...plan.map((_, i) => twice[2 * i + 1]!)];
  const instances: Instance[] = [];
  const nondet: string[] = [];
  const promptProblems: string[] = [];
  plan.forEach((p, i) => {
    const a = sampled[i]!;
    const b = sampled[i + plan.length]!;
    const where = `sample(seed ${p.seed}, difficulty ${p.difficulty})`;
    if (!a.ok) {
      if (a.error.kind === 'output-too-large' && a.error.message.startsWith('the prompt'))
        promptProblems.push(`${where}: ${a.error.message}`);
      else c.failed(where, a.error);
      return;
    }
    const stateJson = JSON.stringify(a.value.state);
    const x: Instance = { ...p, state: a.value.state, stateJson, prompt: a.value.prompt };
    if (!b.ok || JSON.stringify(b.value.state) !== stateJson || b.value.prompt !== a.value.prompt) {
      nondet.push(`seed ${p.seed}, difficulty ${p.difficulty}`);
      c.example('deterministic', x);
    }
    instances.push(x);
  });

  if (instances.length === 0) {
    c.set(
      'exports-and-types',
      c.typeFailures.length === 0 && promptProblems.length === 0,
      c.typeFailures.length
        ? `generate()/prompt() failed on every sampled instance: ${listFew(c.typeFailures)}. generate(rng, difficulty) must return a JSON-serialisable state (plain objects, arrays, strings, finite numbers, booleans, null) and prompt(state) a string.`
        : 'the default export has the right shape, but no instance could be sampled within the limits (see within-limits)',
    );
    if (promptProblems.length)
      c.set(
        'prompt-bounded',
        false,
        `${listFew(promptProblems)}. Keep the question self-contained and under ${pool.limits.maxPromptChars} characters at every difficulty.`,
      );
    finishLimits(c);
    return finish(env);
  }

  c.set(
    'deterministic',
    nondet.length === 0,
    nondet.length === 0
      ? `generate() and prompt() gave identical results on a second run for all ${instances.length} instances`
      : `generate()/prompt() gave different results for the same seed and difficulty (${listFew(nondet)}). Use only the rng argument for randomness and keep no state between calls (no module-level counters or caches that change results).`,
  );

  // distinct-states
  const perD = DIFFICULTIES.map((d) => {
    const xs = instances.filter((x) => x.difficulty === d);
    return { d, n: xs.length, distinct: new Set(xs.map((x) => x.stateJson)).size };
  });
  const distinctAll = new Set(instances.map((x) => x.stateJson)).size;
  const constantAt = perD.filter((x) => x.n > 1 && x.distinct < 2).map((x) => x.d);
  const distinctOk = constantAt.length === 0 && distinctAll >= 0.6 * instances.length;
  c.set(
    'distinct-states',
    distinctOk,
    `${distinctAll} distinct states out of ${instances.length} sampled (${SEEDS} seeds at each difficulty 1..10)` +
      (distinctOk
        ? ''
        : `${constantAt.length ? `; difficulty ${constantAt.join(', ')} gave the same state for every seed` : ''}. generate() must draw the instance from rng so that different seeds give different states (at least 60% distinct).`),
  );

  // prompt-bounded
  const emptyPrompts = instances.filter((x) => x.prompt.trim() === '').map((x) => `seed ${x.seed}, difficulty ${x.difficulty}`);
  const longest = instances.reduce((m, x) => Math.max(m, x.prompt.length), 0);
  const promptOk = emptyPrompts.length === 0 && promptProblems.length === 0;
  c.set(
    'prompt-bounded',
    promptOk,
    promptOk
      ? `prompts are non-empty; the longest has ${longest} characters (limit ${pool.limits.maxPromptChars})`
      : [
          emptyPrompts.length ? `prompt() returned an empty question for ${listFew(emptyPrompts)}` : '',
          promptProblems.length ? listFew(promptProblems) : '',
        ]
          .filter(Boolean)
          .join('; ') +
          `. prompt(state) must return a self-contained, non-empty question under ${pool.limits.maxPromptChars} characters at every difficulty.`,
  );

  // solve-verifies
  const solved = await pool.solve(
    source,
    instances.map((x) => x.state),
  );
  solved.forEach((r, i) => {
    const x = instances[i]!;
    if (r.ok) x.solution = r.value;
    else c.failed(`solve(state of seed ${x.seed}, difficulty ${x.difficulty})`, r.error, x);
  });
  const withSol = instances.filter((x) => x.solution !== undefined);

  // One scoring batch for everything verify is asked.
  type Probe = { x: Instance; answer: string; kind: 'solution' | 'padded' | 'garbage' | 'wrong' | 'adversarial'; label: string };
  const probes: Probe[] = [];
  withSol.forEach((x, i) => {
    const sol = x.solution!;
    probes.push({ x, answer: sol, kind: 'solution', label: 'its own solve() answer' });
    probes.push({ x, answer: `  ${sol}\n`, kind: 'padded', label: 'its solve() answer with surrounding whitespace' });
    for (const g of GARBAGE_ANSWERS) probes.push({ x, answer: g, kind: 'garbage', label: `the garbage answer ${show(g)}` });
    for (const p of perturbations(sol)) probes.push({ x, answer: p, kind: 'wrong', label: `the perturbed solution ${show(p)}` });
    // Another instance's solution at the same difficulty, when it differs.
    const other = withSol.find(
      (y, j) => j !== i && y.difficulty === x.difficulty && y.stateJson !== x.stateJson && y.solution!.trim() !== sol.trim(),
    );
    if (other)
      probes.push({ x, answer: other.solution!, kind: 'wrong', label: `the solution of seed ${other.seed} (${show(other.solution!)})` });
  });
  // Near-miss and odd-unicode answers (built from the solution) at difficulties 1, 5 and 10; the long ones
  // (tens of thousands of characters, which cost most to cross into the sandbox) once, on the hardest
  // instance, where verify does the most work per character.
  const hardest = withSol.reduce<Instance | undefined>((m, y) => (!m || y.difficulty > m.difficulty ? y : m), undefined);
  for (const d of [1, 5, 10]) {
    const x = withSol.find((y) => y.difficulty === d);
    if (x)
      for (const a of adversarialAnswers(x.solution!))
        if (a.answer.length <= LONG_ANSWER) probes.push({ x, answer: a.answer, kind: 'adversarial', label: a.label });
  }
  if (hardest)
    for (const a of adversarialAnswers(hardest.solution!))
      if (a.answer.length > LONG_ANSWER) probes.push({ x: hardest, answer: a.answer, kind: 'adversarial', label: a.label });
  const rewards: Result<number>[] = probes.length
    ? await pool.score(
        source,
        probes.map((p) => ({ state: p.x.state, answer: p.answer })),
      )
    : [];

  const notOne: string[] = [];
  const paddedBad: string[] = [];
  const garbageBad: string[] = [];
  const adversarialBad: string[] = [];
  let wrongTotal = 0;
  let wrongAccepted = 0;
  const wrongAcceptedEx: string[] = [];
  const allRewards: number[] = [];
  probes.forEach((p, i) => {
    const r = rewards[i]!;
    const at = `seed ${p.x.seed}, difficulty ${p.x.difficulty}`;
    if (!r.ok) {
      if (LIMIT_KINDS.has(r.error.kind) && p.kind !== 'adversarial') c.failed(`verify(${at}) on ${p.label}`, r.error, p.x, p.answer);
      if (p.kind === 'solution') notOne.push(`${at}: verify failed on solve()'s answer ${show(p.answer)} (${errText(r.error)})`);
      else if (p.kind === 'padded') paddedBad.push(`${at}: ${errText(r.error)}`);
      else if (p.kind === 'garbage') garbageBad.push(`${p.label} made verify fail (${errText(r.error)}); it must return 0`);
      else if (p.kind === 'adversarial') adversarialBad.push(`${p.label} (${at}): ${errText(r.error)}`);
      else c.typeFailures.push(`verify(${at}) on ${p.label}: ${errText(r.error)}`);
      c.example(EXAMPLE_CHECK[p.kind], p.x, { answer: p.answer, error: r.error });
      return;
    }
    allRewards.push(r.value);
    if (p.kind === 'solution' && r.value !== 1)
      notOne.push(`${at}: verify(state, solve(state)) = ${r.value} for the answer ${show(p.answer)}`);
    if (p.kind === 'padded' && r.value !== 1) paddedBad.push(`${at}: ${r.value}`);
    if ((p.kind === 'solution' || p.kind === 'padded') && r.value !== 1)
      c.example('solve-verifies', p.x, { answer: p.answer, reward: r.value });
    if (p.kind === 'garbage' && r.value !== 0) {
      garbageBad.push(`${p.label} scored ${r.value}`);
      c.example('rejects-wrong', p.x, { answer: p.answer, reward: r.value });
    }
    if (p.kind === 'wrong') {
      wrongTotal++;
      if (r.value >= 1) {
        wrongAccepted++;
        wrongAcceptedEx.push(`${p.label} for ${at}`);
        c.example('rejects-wrong', p.x, { answer: p.answer, reward: r.value });
      }
    }
  });

  const solveOk = withSol.length === instances.length && notOne.length === 0 && paddedBad.length === 0;
  const solveFail =
    withSol.length < instances.length
      ? `solve() failed on ${instances.length - withSol.length} instances (see exports-and-types / within-limits)`
      : '';
  c.set(
    'solve-verifies',
    solveOk,
    solveOk
      ? `verify(state, solve(state)) = 1 for all ${withSol.length} instances at difficulties 1..10, also with surrounding whitespace`
      : [
          solveFail,
          notOne.length
            ? `verify(state, solve(state)) must be 1 but was not for ${notOne.length} of ${withSol.length} instances: ${listFew(notOne)}`
            : '',
          paddedBad.length
            ? `verify must ignore surrounding whitespace, but "  " + solution + "\\n" did not score 1 for ${listFew(paddedBad)}`
            : '',
        ]
          .filter(Boolean)
          .join('; ') +
          '. Make solve() return an answer in exactly the format the prompt asks for, and verify() parse answers tolerantly (trim, ignore case where irrelevant).',
  );

  const share = wrongTotal ? wrongAccepted / wrongTotal : 0;
  const constant = allRewards.length > 0 && allRewards.every((v) => v === allRewards[0]);
  const rejectsOk = garbageBad.length === 0 && wrongTotal > 0 && share <= MAX_WRONG_ACCEPTED && !constant;
  c.set(
    'rejects-wrong',
    rejectsOk,
    rejectsOk
      ? `empty and garbage answers score 0; ${wrongAccepted} of ${wrongTotal} perturbed or other-instance answers got full credit (allowed up to ${MAX_WRONG_ACCEPTED * 100}%, since some tasks have several correct answers)`
      : [
          garbageBad.length ? `empty and garbage answers must score 0: ${listFew(garbageBad)}` : '',
          constant ? `verify returned ${allRewards[0]} for every answer it was given` : '',
          wrongTotal === 0 ? "no wrong answer could be built from solve()'s answers" : '',
          share > MAX_WRONG_ACCEPTED
            ? `${wrongAccepted} of ${wrongTotal} wrong answers (perturbed solutions, other instances' solutions) got full credit, e.g. ${listFew(wrongAcceptedEx, 2)}`
            : '',
        ]
          .filter(Boolean)
          .join('; ') +
          '. verify(state, answer) must check the answer against this state and return 0 for anything that is not a correct answer; never throw.',
  );

  // difficulty-scales: compare the easiest and the hardest instances.
  const lo = instances.filter((x) => x.difficulty <= 2);
  const hi = instances.filter((x) => x.difficulty >= 9);
  const mean = (xs: Instance[], f: (x: Instance) => number) => (xs.length ? xs.reduce((s, x) => s + f(x), 0) / xs.length : 0);
  const maxNum = (x: Instance) => {
    let m = 0;
    JSON.stringify(x.state, (_k, v) => {
      if (typeof v === 'number') m = Math.max(m, Math.abs(v));
      return v;
    });
    return Math.log10(1 + m);
  };
  const metrics = [
    { what: 'state size (JSON characters)', f: (x: Instance) => x.stateJson.length },
    { what: 'prompt length', f: (x: Instance) => x.prompt.length },
    { what: 'solution length', f: (x: Instance) => (x.solution ?? '').length },
    { what: 'magnitude of numbers in the state (log10)', f: maxNum },
  ].map((m) => ({ ...m, lo: mean(lo, m.f), hi: mean(hi, m.f) }));
  const changed = metrics.filter((m) => Math.abs(m.hi - m.lo) >= 0.1 * Math.max(Math.abs(m.lo), 1e-9) && m.hi !== m.lo);
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const scalesOk = lo.length > 0 && hi.length > 0 && changed.length > 0;
  c.set(
    'difficulty-scales',
    scalesOk,
    scalesOk
      ? `from difficulty 1-2 to 9-10: ${changed.map((m) => `${m.what} ${fmt(m.lo)} -> ${fmt(m.hi)}`).join(', ')}`
      : `nothing measurable changes from difficulty 1-2 to 9-10 (${metrics.map((m) => `${m.what} ${fmt(m.lo)} vs ${fmt(m.hi)}`).join(', ')}). Use the difficulty argument (1..10) to grow the instance: more items, a bigger grid, longer chains, larger numbers.`,
  );

  c.set(
    'adversarial-answers',
    adversarialBad.length === 0,
    adversarialBad.length === 0
      ? 'verify stayed within limits and returned a valid reward for long, repetitive, near-miss and odd-unicode answers'
      : `verify failed on adversarial answers: ${listFew(adversarialBad)}. Model answers can be long and malformed: verify must not throw, must not loop or allocate in proportion to a huge answer, and must return true/false or a number in [0, 1] for any string.`,
  );

  c.set(
    'exports-and-types',
    c.typeFailures.length === 0,
    c.typeFailures.length === 0
      ? `default export ${JSON.stringify(env.name)} has name, description, tags, generate, prompt, verify and solve; results have the right types`
      : `calls returned the wrong type or threw: ${listFew(c.typeFailures)}. generate(rng, difficulty) must return a JSON-serialisable state, prompt(state) a string, solve(state) the answer string, verify(state, answer) true/false or a number in [0, 1], and none may throw on valid states.`,
  );
  finishLimits(c);
  return finish(env);
}

function finishLimits(c: Collector): void {
  c.set(
    'within-limits',
    c.limitFailures.length === 0,
    c.limitFailures.length === 0
      ? 'every call stayed within the time, memory, stack and output limits'
      : `calls broke the sandbox limits: ${listFew(c.limitFailures)}. Keep every call small and fast: no unbounded loops or recursion, no huge arrays or strings, generate at most a few thousand elements even at difficulty 10.`,
  );
}

/** The failing checks' reasons, as revision feedback for an LLM. */
export function checkFeedback(report: CheckReport): string {
  const failing = report.checks.filter((x) => !x.ok && !x.detail.startsWith('not run'));
  if (failing.length === 0) return report.ok ? 'All automatic checks passed.' : 'The automatic checks did not pass.';
  return ['The environment failed these automatic checks:', ...failing.map((x) => `- ${x.name}: ${x.detail}`)].join('\n');
}
