/**
 * The reward service's own metrics: request latency as a histogram (Prometheus buckets) plus a
 * window of recent latencies for exact p50/p90/p99, requests by status, items by outcome.
 * Served as Prometheus text (GET /metrics) and JSON (GET /v1/stats). The metric definitions are in
 * lib/metrics.ts (one set per service).
 */
import { createRewardMetrics, type RewardMetrics } from '../lib/metrics';
import type { SchedulerStats } from './scheduler';

const WINDOW = 4096;

export class ServiceStats {
  private recent = new Float64Array(WINDOW);
  private n = 0;
  private byStatus = new Map<number, number>();
  items = { scored: 0, correct: 0, errors: 0 };
  readonly startedAt = Date.now();
  readonly metrics: RewardMetrics = createRewardMetrics();

  /** One answered request on a scoring route. */
  request(status: number, ms: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.metrics.requests.inc({ status: String(status) });
    if (status !== 200) return;
    this.metrics.requestDuration.observe(ms / 1000);
    this.recent[this.n++ % WINDOW] = ms;
  }

  rewards(rs: { reward: number; reason: string }[]): void {
    for (const r of rs) {
      this.items.scored++;
      const outcome = r.reward >= 1 ? 'correct' : r.reason !== 'incorrect' && r.reason !== 'partially correct' ? 'error' : 'other';
      if (outcome === 'correct') this.items.correct++;
      else if (outcome === 'error') this.items.errors++;
      this.metrics.items.inc({ outcome });
    }
  }

  /** p-quantiles (0..1) of the last WINDOW successful requests' latencies, in ms. */
  quantiles(ps: number[]): number[] {
    const k = Math.min(this.n, WINDOW);
    if (k === 0) return ps.map(() => 0);
    const xs = Array.from(this.recent.subarray(0, k)).sort((a, b) => a - b);
    return ps.map((p) => xs[Math.min(k - 1, Math.floor(p * k))]!);
  }

  async json(sched: SchedulerStats): Promise<unknown> {
    const [p50, p90, p99, max] = this.quantiles([0.5, 0.9, 0.99, 1]);
    const buckets = (await this.metrics.requestDuration.get()).values.filter(
      (v) => v.metricName === 'resyn_rewards_request_duration_seconds_bucket' && v.labels.le !== '+Inf',
    );
    return {
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      requests: Object.fromEntries(this.byStatus),
      latency_ms: { window: Math.min(this.n, WINDOW), p50, p90, p99, max },
      histogram_ms: Object.fromEntries(buckets.map((v) => [`le_${Math.round(Number(v.labels.le) * 1000)}`, v.value])),
      items: this.items,
      scheduler: sched,
    };
  }

  async prometheus(sched: SchedulerStats): Promise<string> {
    this.metrics.queuedItems.set(sched.queuedItems);
    this.metrics.runningChunks.set(sched.running);
    this.metrics.sandboxSlots.set(sched.slots);
    return this.metrics.register.metrics();
  }
}
