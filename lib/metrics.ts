/**
 * resyn's own Prometheus metrics (prom-client), beside the Temporal SDK's: every definition is
 * here. Two sets, each in a registry of its own:
 *
 * - resynMetrics(): this process's synthesis, LLM and dataset metrics. Activities record into it;
 *   the worker serves it on 127.0.0.1:RESYN_OWN_METRICS_PORT/metrics (worker/metrics-server.ts).
 *   The SDK's exporter owns RESYN_METRICS_PORT and cannot serve other series.
 * - createRewardMetrics(): one reward service's requests, latency and items, served on that
 *   service's own GET /metrics (a fresh set per service, so two services in one process never mix).
 *
 * Counters count what this process did since it started (Prometheus's rate()/increase() handle restarts).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds: from a sandbox check (milliseconds) to a slow LLM call (minutes). */
const STAGE_BUCKETS_S = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
/** Seconds: the reward service's buckets of old (1 ms .. 60 s), kept so dashboards keep working. */
const REWARD_BUCKETS_S = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60];

export function createResynMetrics(register = new Registry()) {
  const registers = [register];
  return {
    register,
    environments: new Counter({
      name: 'resyn_environments_total',
      help: 'Synthesis outcomes registered, by outcome (accepted, rejected, duplicate) and the stage that decided: the first gate that did not pass in the last round, "none" when every gate passed.',
      labelNames: ['outcome', 'gate'] as const,
      registers,
    }),
    gateVerdicts: new Counter({
      name: 'resyn_gate_verdicts_total',
      help: 'Gate verdicts (pass, revise, reject), by gate stage.',
      labelNames: ['gate', 'verdict'] as const,
      registers,
    }),
    llmTokens: new Counter({
      name: 'resyn_llm_tokens_total',
      help: 'LLM tokens the provider reported, by role, stage and kind (prompt, completion).',
      labelNames: ['role', 'stage', 'kind'] as const,
      registers,
    }),
    llmCalls: new Counter({
      name: 'resyn_llm_calls_total',
      help: 'LLM replies received, by role and stage.',
      labelNames: ['role', 'stage'] as const,
      registers,
    }),
    llmCost: new Counter({
      name: 'resyn_llm_cost_usd_total',
      help: 'LLM cost in US dollars at the configured prices, by role and stage.',
      labelNames: ['role', 'stage'] as const,
      registers,
    }),
    llmErrors: new Counter({
      name: 'resyn_llm_errors_total',
      help: 'LLM calls that failed, by role, stage and error kind (rate-limit, server, timeout, auth, unreachable, ...).',
      labelNames: ['role', 'stage', 'kind'] as const,
      registers,
    }),
    stageDuration: new Histogram({
      name: 'resyn_stage_duration_seconds',
      help: 'Wall time of stage activity executions (attempts), by stage and whether it ended ok.',
      labelNames: ['stage', 'ok'] as const,
      buckets: STAGE_BUCKETS_S,
      registers,
    }),
    datasetRows: new Counter({
      name: 'resyn_dataset_rows_total',
      help: 'Dataset rows written to new shards (a shard found already written is not counted again), by split.',
      labelNames: ['split'] as const,
      registers,
    }),
  };
}
export type ResynMetrics = ReturnType<typeof createResynMetrics>;

let processMetrics: ResynMetrics | undefined;
/** This process's resyn metrics. */
export function resynMetrics(): ResynMetrics {
  processMetrics ??= createResynMetrics();
  return processMetrics;
}

export function createRewardMetrics(register = new Registry()) {
  const registers = [register];
  return {
    register,
    requestDuration: new Histogram({
      name: 'resyn_rewards_request_duration_seconds',
      help: 'Latency of answered scoring requests (HTTP 200).',
      buckets: REWARD_BUCKETS_S,
      registers,
    }),
    requests: new Counter({
      name: 'resyn_rewards_requests_total',
      help: 'Scoring requests by HTTP status.',
      labelNames: ['status'] as const,
      registers,
    }),
    items: new Counter({
      name: 'resyn_rewards_items_total',
      help: 'Items answered, by outcome (correct, error, other).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    queuedItems: new Gauge({ name: 'resyn_rewards_queued_items', help: 'Items waiting for a sandbox slot.', registers }),
    runningChunks: new Gauge({ name: 'resyn_rewards_running_chunks', help: 'Chunks running in sandbox slots.', registers }),
    sandboxSlots: new Gauge({ name: 'resyn_rewards_sandbox_slots', help: 'Sandbox worker threads.', registers }),
  };
}
export type RewardMetrics = ReturnType<typeof createRewardMetrics>;
