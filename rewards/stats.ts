/**
 * The reward service's own metrics: request latency as a histogram (Prometheus buckets) plus a
 * window of recent latencies for exact p50/p90/p99, requests by status, items by outcome.
 * Served as Prometheus text (GET /metrics) and JSON (GET /v1/stats).
 */
import type { SchedulerStats } from './scheduler';

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
const WINDOW = 4096;

export class ServiceStats {
  private counts = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  private sumMs = 0;
  private recent = new Float64Array(WINDOW);
  private n = 0;
  private byStatus = new Map<number, number>();
  items = { scored: 0, correct: 0, errors: 0 };
  readonly startedAt = Date.now();

  /** One answered request on a scoring route. */
  request(status: number, ms: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status !== 200) return;
    let b = BUCKETS_MS.findIndex((x) => ms <= x);
    if (b < 0) b = BUCKETS_MS.length;
    this.counts[b]!++;
    this.sumMs += ms;
    this.recent[this.n++ % WINDOW] = ms;
  }

  rewards(rs: { reward: number; reason: string }[]): void {
    for (const r of rs) {
      this.items.scored++;
      if (r.reward >= 1) this.items.correct++;
      else if (r.reason !== 'incorrect' && r.reason !== 'partially correct') this.items.errors++;
    }
  }

  /** p-quantiles (0..1) of the last WINDOW successful requests' latencies, in ms. */
  quantiles(ps: number[]): number[] {
    const k = Math.min(this.n, WINDOW);
    if (k === 0) return ps.map(() => 0);
    const xs = Array.from(this.recent.subarray(0, k)).sort((a, b) => a - b);
    return ps.map((p) => xs[Math.min(k - 1, Math.floor(p * k))]!);
  }

  json(sched: SchedulerStats): unknown {
    const [p50, p90, p99, max] = this.quantiles([0.5, 0.9, 0.99, 1]);
    return {
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      requests: Object.fromEntries(this.byStatus),
      latency_ms: { window: Math.min(this.n, WINDOW), p50, p90, p99, max },
      histogram_ms: Object.fromEntries(BUCKETS_MS.map((b, i) => [`le_${b}`, this.counts.slice(0, i + 1).reduce((s, x) => s + x, 0)])),
      items: this.items,
      scheduler: sched,
    };
  }

  prometheus(sched: SchedulerStats): string {
    const lines: string[] = [
      '# HELP resyn_rewards_request_duration_seconds Latency of answered scoring requests (HTTP 200).',
      '# TYPE resyn_rewards_request_duration_seconds histogram',
    ];
    let cum = 0;
    BUCKETS_MS.forEach((b, i) => {
      cum += this.counts[i]!;
      lines.push(`resyn_rewards_request_duration_seconds_bucket{le="${b / 1000}"} ${cum}`);
    });
    cum += this.counts[BUCKETS_MS.length]!;
    lines.push(`resyn_rewards_request_duration_seconds_bucket{le="+Inf"} ${cum}`);
    lines.push(`resyn_rewards_request_duration_seconds_sum ${this.sumMs / 1000}`);
    lines.push(`resyn_rewards_request_duration_seconds_count ${cum}`);
    lines.push('# HELP resyn_rewards_requests_total Scoring requests by HTTP status.', '# TYPE resyn_rewards_requests_total counter');
    for (const [s, c] of this.byStatus) lines.push(`resyn_rewards_requests_total{status="${s}"} ${c}`);
    lines.push('# HELP resyn_rewards_items_total Items answered, by outcome.', '# TYPE resyn_rewards_items_total counter');
    lines.push(`resyn_rewards_items_total{outcome="correct"} ${this.items.correct}`);
    lines.push(`resyn_rewards_items_total{outcome="error"} ${this.items.errors}`);
    lines.push(`resyn_rewards_items_total{outcome="other"} ${this.items.scored - this.items.correct - this.items.errors}`);
    const gauge = (name: string, help: string, v: number) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${v}`);
    gauge('resyn_rewards_queued_items', 'Items waiting for a sandbox slot.', sched.queuedItems);
    gauge('resyn_rewards_running_chunks', 'Chunks running in sandbox slots.', sched.running);
    gauge('resyn_rewards_sandbox_slots', 'Sandbox worker threads.', sched.slots);
    return `${lines.join('\n')}\n`;
  }
}
