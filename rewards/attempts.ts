/**
 * The policy model at work on instances: render each instance's prompt in the sandbox, ask the
 * model (bounded parallelism), extract the final answer and score it with the verifier. Shared
 * by difficulty calibration (one attempt per instance) and per-instance pass rates (k each).
 */
import { userContent } from '../dataset/rows';
import { extractAnswer } from '../lib/answer';
import type { SandboxPool } from '../sandbox';
import type { Attempt } from '../registry/records';

export interface AttemptJob {
  seed: number;
  difficulty: number;
  /** Which of an instance's attempts (0 for calibration). */
  attempt: number;
}

export interface AttemptDeps {
  pool: SandboxPool;
  /** Asks the policy model; returns the reply text. */
  ask(prompt: string): Promise<string>;
  /** LLM calls in flight at once. */
  parallel: number;
  heartbeat?(detail: unknown): void;
}

/**
 * Runs the jobs and hands each result to `record` as it arrives (so a crash loses at most the
 * calls in flight). An instance the environment itself fails on scores 0 without an LLM call.
 * Returns the number of LLM calls made.
 */
export async function runAttempts(
  source: string,
  jobs: AttemptJob[],
  deps: AttemptDeps,
  record: (job: AttemptJob, a: Attempt) => Promise<void>,
): Promise<number> {
  if (jobs.length === 0) return 0;
  const keys = [...new Map(jobs.map((j) => [`${j.seed}:${j.difficulty}`, j])).values()];
  const sampled = await deps.pool.sample(
    source,
    keys.map((j) => ({ seed: j.seed, difficulty: j.difficulty })),
  );
  const byKey = new Map(keys.map((j, i) => [`${j.seed}:${j.difficulty}`, sampled[i]!]));
  let next = 0;
  let calls = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const s = byKey.get(`${job.seed}:${job.difficulty}`)!;
      if (!s.ok) {
        await record(job, { response: '', answer: null, reward: 0 });
        continue;
      }
      const response = await deps.ask(userContent(s.value.prompt));
      calls++;
      const answer = extractAnswer(response);
      let reward = 0;
      if (answer !== null) {
        const [r] = await deps.pool.score(source, [{ state: s.value.state, answer }]);
        reward = r?.ok ? r.value : 0;
      }
      await record(job, { response, answer, reward });
      deps.heartbeat?.({ done: calls, of: jobs.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.parallel, jobs.length)) }, worker));
  return calls;
}
