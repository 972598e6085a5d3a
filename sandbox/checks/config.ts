/** Settings of the automatic checks (cfg.checks in temporal.config.ts; defaults here, one place). */
export interface CheckConfig {
  /** Total wall-clock budget of ONE check (all its sandbox calls); over it, the check fails. */
  budgetMs: number;
  /**
   * Instances sampled at each difficulty 1..10. 40 makes the guessability estimate mean
   * something: a constant that wins 15% of instances shows >= 3 wins in 40 with probability 0.95,
   * one that wins 1% does so with probability 0.008.
   */
  instancesPerDifficulty: number;
  /**
   * Instances per difficulty that solve() runs on (the first ones): solve-verifies, the
   * difficulty trend, leakage and the guessability candidates use these; guessability scores its
   * constants on all instancesPerDifficulty instances (no solution needed for that).
   */
  solvedPerDifficulty: number;
  /** Highest mean reward any constant answer may get at any difficulty (guessability). */
  maxGuessRate: number;
  /** Seeds at the top difficulty timed one by one for the tail-latency check. */
  tailSeeds: number;
  /** p99 of generate and of solve at the top difficulty must stay under this share of callTimeoutMs. */
  tailFraction: number;
  /** Deadline of one verify call on an adversarial answer (ms); slower fails adversarial-answers. */
  adversarialCallMs: number;
  /** Limits on the metadata copied into every dataset row. */
  maxNameChars: number;
  maxDescriptionChars: number;
  maxTags: number;
  maxTagChars: number;
}

export const DEFAULT_CHECK_CONFIG: CheckConfig = {
  budgetMs: 60_000,
  instancesPerDifficulty: 40,
  solvedPerDifficulty: 16,
  maxGuessRate: 0.05,
  tailSeeds: 50,
  tailFraction: 0.5,
  adversarialCallMs: 1000,
  maxNameChars: 64,
  maxDescriptionChars: 500,
  maxTags: 16,
  maxTagChars: 40,
};
