/**
 * The automatic checks, in the order they run and are reported. Earlier checks establish the
 * facts later ones need (exports-and-types → env, deterministic → instances, solve-verifies →
 * solutions); summaries that read what every check saw (within-limits) come last.
 */
import { adversarialAnswersCheck } from './adversarial-answers';
import { answerLeakage } from './answer-leakage';
import { deterministic } from './deterministic';
import { distinctStates } from './distinct-states';
import { exportsAndTypes } from './exports-and-types';
import { guessability } from './guessability';
import { jsonRoundTrip } from './json-round-trip';
import { monotoneDifficulty } from './monotone-difficulty';
import { partialCredit } from './partial-credit';
import { promptBounded } from './prompt-bounded';
import { rejectsWrong } from './rejects-wrong';
import { solveVerifies } from './solve-verifies';
import { statefulness } from './statefulness';
import { tailLatency } from './tail-latency';
import type { Check } from './types';
import { withinLimits } from './within-limits';
import { wrappedAnswers } from './wrapped-answers';

export const CHECKS: readonly Check[] = [
  exportsAndTypes,
  deterministic,
  jsonRoundTrip,
  distinctStates,
  promptBounded,
  solveVerifies,
  wrappedAnswers,
  rejectsWrong,
  partialCredit,
  answerLeakage,
  guessability,
  monotoneDifficulty,
  adversarialAnswersCheck,
  tailLatency,
  statefulness,
  withinLimits,
];

/** The check names in order, as a literal type for the shapes that name them. */
export const CHECK_NAMES = [
  'exports-and-types',
  'deterministic',
  'json-round-trip',
  'distinct-states',
  'prompt-bounded',
  'solve-verifies',
  'wrapped-answers',
  'rejects-wrong',
  'partial-credit',
  'answer-leakage',
  'guessability',
  'monotone-difficulty',
  'adversarial-answers',
  'tail-latency',
  'statefulness',
  'within-limits',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
if (CHECKS.map((c) => c.name).join() !== CHECK_NAMES.join())
  throw new Error('sandbox/checks/registry.ts: CHECK_NAMES must list CHECKS in order');

/** What each check demands, in one line (the generator's and reviser's prompts list them). */
export const CHECK_RULES = Object.fromEntries(CHECKS.map((c) => [c.name, c.rule])) as Record<CheckName, string>;
