/**
 * Registry activities: the synthesis history (rounds, outcomes), registering an environment with
 * near-duplicate detection, and the keyword lookup growLibrary draws from. All idempotent.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { stageOf } from '../contracts/stages';
import { resynMetrics } from '../lib/metrics';
import { loadKeywords, SEED_FAMILIES } from '../lib/seeds';
import { keywordFamily } from '../llm/prompts';
import { BEHAVIOR_PROBES, behaviorFingerprint } from '../registry/fingerprint';
import { openRegistry } from '../registry/open';
import type { RoundRow, SynthesisOutcome } from '../registry/synthesis-log';
import { environmentId, sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { Failure } from '../contracts/failures';
import type { Proposal } from '../contracts/proposal';

export interface RegisterInput {
  keyword: string;
  proposal: Proposal;
  /** The last round's source (null when the model never produced code). */
  source: string | null;
  status: 'accepted' | 'rejected';
  rounds: number;
  /** The previous round's environment id (lineage). */
  parentId: string | null;
  scores: Record<string, number>;
  reason: string;
  /** The grow run that started this synthesis, if any. */
  parentWorkflowId: string | null;
  /** The final round's history row, written in the same activity. */
  round?: Omit<RoundRow, 'workflowId' | 'envId'>;
}

export interface RegisterResult {
  outcome: SynthesisOutcome;
  envId: string | null;
  name: string;
  duplicateOf?: { id: string; name: string };
}

function familyOf(keyword: string, tags: string[]): string | null {
  return keywordFamily(keyword) ?? tags.find((t) => (SEED_FAMILIES as readonly string[]).includes(t)) ?? null;
}

export function registryActivities(cfg: ResynConfig) {
  return {
    /** Keeps one round's code, check report, verdicts and feedback (idempotent by workflow id + round). */
    async recordSynthesisRound(row: Omit<RoundRow, 'workflowId' | 'envId'>): Promise<string | null> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'standalone';
      const envId = row.source ? environmentId(row.source) : null;
      await (await openRegistry(cfg)).recordRound({ ...row, workflowId, envId });
      return envId;
    },

    /**
     * Registers the outcome: an accepted environment unless it is a near-duplicate of one already
     * accepted (then outcome 'duplicate', nothing registered), or the rejection with its last code.
     */
    async registerEnvironment(input: RegisterInput): Promise<RegisterResult> {
      const reg = await openRegistry(cfg);
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'standalone';
      const pool = sharedPool(cfg.sandbox);
      let name = input.proposal.name,
        description = input.proposal.description,
        tags: string[] = [];
      let behaviorFp: string | null = null;
      const envId = input.source ? environmentId(input.source) : null;
      const parentId = input.parentId === envId ? null : input.parentId;
      if (input.round)
        await reg.recordRound({ ...input.round, workflowId, envId: input.round.source ? environmentId(input.round.source) : null });
      if (input.source) {
        const d = await pool.describe(input.source);
        if (d.ok) ({ name, description, tags } = d.value);
        if (input.status === 'accepted') {
          const samples = await pool.sample(input.source, BEHAVIOR_PROBES);
          if (samples.every((s) => s.ok))
            behaviorFp = behaviorFingerprint(
              samples.map((s) => (s as { ok: true; value: { prompt: string } }).value.prompt),
              name,
            );
        }
      }
      const result = await (async (): Promise<RegisterResult> => {
        if (!input.source || !envId) return { outcome: 'rejected', envId: null, name };
        const r = await reg.registerEnvironment(
          {
            id: envId,
            name,
            description,
            tags,
            family: familyOf(input.keyword, tags),
            keyword: input.keyword,
            source: input.source,
            status: input.status,
            origin: 'synthesized',
            rounds: input.rounds,
            runId: workflowId,
            parentId,
            scores: input.scores,
          },
          { behaviorFp },
        );
        if (r.duplicateOf) return { outcome: 'duplicate', envId, name, duplicateOf: { id: r.duplicateOf.id, name: r.duplicateOf.name } };
        const rec = r.record;
        return { outcome: rec.status === 'accepted' && input.status === 'accepted' ? 'accepted' : 'rejected', envId, name: rec.name };
      })();
      const reason =
        result.outcome === 'duplicate'
          ? `near-duplicate of ${result.duplicateOf!.name} (${result.duplicateOf!.id.slice(0, 12)})`
          : input.reason;
      await reg.recordSynthesisRun({
        workflowId,
        parentWorkflowId: input.parentWorkflowId,
        keyword: input.keyword,
        proposal: input.proposal,
        outcome: result.outcome,
        envId: result.envId,
        rounds: input.rounds,
        reason,
      });
      // The stage that decided a rejection: the first gate of the last round that did not pass.
      const decided = result.outcome === 'rejected' ? input.round?.gates.find((g) => g.verdict !== 'pass')?.gate : undefined;
      resynMetrics().environments.inc({ outcome: result.outcome, gate: decided ? stageOf(decided) : 'none' });
      return result;
    },

    /**
     * The keywords a grow run works on. Explicit keywords: minus those this same grow run (same
     * workflow id, e.g. restarted after a failure) already finished. A count: that many seed
     * keywords never tried in this registry, in keywords.json order.
     */
    async keywordsToDo(input: { keywords?: string[]; count?: number; growId: string }): Promise<string[]> {
      const reg = await openRegistry(cfg);
      if (input.keywords) {
        const doneHere = new Set((await reg.synthesisRuns({ parentWorkflowId: input.growId })).map((r) => r.keyword));
        return input.keywords.filter((k) => !doneHere.has(k));
      }
      const tried = await reg.triedKeywords();
      let all: ReturnType<typeof loadKeywords>;
      try {
        all = loadKeywords();
      } catch (err) {
        // A missing or invalid keywords file will not fix itself on retry.
        throw ApplicationFailure.nonRetryable(`cannot draw seed keywords: ${(err as Error).message}`, Failure.SeedKeywordsUnreadable);
      }
      return all
        .map((k) => k.keyword)
        .filter((k) => !tried.has(k))
        .slice(0, input.count ?? 0);
    },

    /** The recorded outcome of a synthesis run (by its workflow id), or null if it never finished. */
    async synthesisOutcome(input: { workflowId: string }): Promise<SynthesisOutcome | null> {
      return (await (await openRegistry(cfg)).synthesisRunOf(input.workflowId))?.outcome ?? null;
    },
  };
}
