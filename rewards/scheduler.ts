/**
 * Fair scheduling of scoring work over the sandbox slots (one worker thread each), so one client's
 * slow environment or slow answers cannot starve the others:
 * - work is handed out in chunks, one per free slot, to the client that has used the least sandbox
 *   time lately (decaying with a half-life of USAGE_HALF_LIFE_MS; ties: the one served longest
 *   ago), so a client whose answers make verify slow waits while others have work; within a
 *   client, its requests in arrival order;
 * - chunks are sized by the measured cost per item of that (client, environment): ~TARGET_CHUNK_MS
 *   of work, starting at one instance and growing (slow start), so a slow verifier runs a few items at a
 *   time and a slot frees up often; a client already running a chunk gets the last free slot only
 *   for work measured fast (so a slow client holds one slot, and honest clients find one free);
 * - placement keeps environments warm: a chunk goes to a free slot that ran its environment
 *   recently (a worker keeps a few environments loaded; loading one costs far more than a small
 *   verify), else to the environment's home slot, else to any free slot; a request picks first
 *   the environments the chosen slot has loaded;
 * - each request has a deadline: what has not started by then is not run (reported per item);
 * - admission control: a request that would push the items waiting past `queueItems` is refused
 *   (the server answers 429 with Retry-After), instead of buffering without bound.
 * The scheduler knows nothing of HTTP or of the sandbox: a Job hands out chunks and runs them.
 */
import { MAX_CACHED_ENVS } from '../sandbox';

/** Work of one request. */
export interface Job {
  /** Items not yet handed out. */
  pending(): number;
  /** Environments with items not yet handed out, in the request's order. */
  envs(): Iterable<string>;
  /** Takes up to `max` items of `env` (at least one) and returns the promise of scoring them on sandbox slot `slot`. */
  take(env: string, max: number, slot: number): Promise<void>;
  /** Marks every item not yet handed out as not run, with this reason. */
  expire(reason: string): void;
}

export class Overloaded extends Error {
  constructor(
    readonly retryAfterS: number,
    message: string,
  ) {
    super(message);
  }
}

/** Work per chunk the sizing aims at: short enough that a slot frees up often, long enough to amortise a crossing. */
const TARGET_CHUNK_MS = 25;
const FIRST_CHUNK = 1;
const MAX_CHUNK = 512;
/** Per-item cost above which a chunk counts as slow (it may not take the last free slot). */
const SLOW_ITEM_MS = 5;
const COST_ENTRIES = 10_000;
/** Environments a sandbox worker keeps loaded at most; placement tracks as many per slot. */
const WARM_PER_SLOT = MAX_CACHED_ENVS;
/** Half-life of a client's recent sandbox time, which orders clients. */
const USAGE_HALF_LIFE_MS = 2_000;
/** Idle clients are kept (their recent usage counts) up to this many, then the forgotten ones pruned. */
const MAX_IDLE_CLIENTS = 1_000;

interface Entry {
  job: Job;
  client: string;
  deadline: number;
  budgetMs: number;
  /** Chunks of this request running now. */
  chunks: number;
  done: () => void;
}
interface Client {
  running: number;
  servedAt: number;
  /** Sandbox ms used, decayed to `usedAt`. */
  used: number;
  usedAt: number;
  entries: Entry[];
}

export interface SchedulerStats {
  slots: number;
  running: number;
  queuedItems: number;
  queuedRequests: number;
  clients: number;
  itemsPerS: number;
}

function homeSlot(env: string, slots: number): number {
  let h = 0;
  for (let i = 0; i < Math.min(env.length, 16); i++) h = (h * 31 + env.charCodeAt(i)) >>> 0;
  return h % slots;
}

export class FairScheduler {
  private clients = new Map<string, Client>();
  private running = 0;
  private queued = 0;
  private tick = 0;
  /** ms per item by "client\0env" (EWMA). */
  private cost = new Map<string, number>();
  /** Items per second completed (EWMA), for Retry-After. */
  private rate = 0;
  private busy: boolean[];
  /** Environments each slot ran recently (most recent last). */
  private warm: string[][];

  constructor(
    readonly slots: number,
    readonly queueItems: number,
  ) {
    this.busy = new Array(slots).fill(false);
    this.warm = Array.from({ length: slots }, () => []);
  }

  /** Runs a request's work; resolves when every item has run or expired. Throws Overloaded when it cannot be queued. */
  submit(job: Job, client: string, budgetMs: number): Promise<void> {
    const n = job.pending();
    if (n === 0) return Promise.resolve();
    if (this.queued > 0 && this.queued + n > this.queueItems) {
      const rate = this.rate > 0 ? this.rate : 1000;
      const retry = Math.min(60, Math.max(1, Math.ceil(this.queued / rate)));
      throw new Overloaded(
        retry,
        `the service is at its queue limit (${this.queued} items waiting, limit ${this.queueItems}); retry after ${retry} s`,
      );
    }
    this.queued += n;
    if (this.clients.size > MAX_IDLE_CLIENTS) this.forgetIdle();
    return new Promise<void>((resolve) => {
      let c = this.clients.get(client);
      if (!c) this.clients.set(client, (c = { running: 0, servedAt: 0, used: 0, usedAt: 0, entries: [] }));
      c.entries.push({ job, client, deadline: Date.now() + budgetMs, budgetMs, chunks: 0, done: resolve });
      this.dispatch();
    });
  }

  stats(): SchedulerStats {
    let requests = 0;
    let active = 0;
    for (const c of this.clients.values()) {
      requests += c.entries.length;
      if (c.entries.length > 0 || c.running > 0) active++;
    }
    return {
      slots: this.slots,
      running: this.running,
      queuedItems: this.queued,
      queuedRequests: requests,
      clients: active,
      itemsPerS: Math.round(this.rate),
    };
  }

  /** Work not measured yet, or measured slow. */
  private maySlow(key: string): boolean {
    const ms = this.cost.get(key);
    return ms === undefined || ms > SLOW_ITEM_MS;
  }

  private chunkSize(key: string): number {
    const ms = this.cost.get(key);
    if (ms === undefined) return FIRST_CHUNK;
    return Math.max(1, Math.min(MAX_CHUNK, Math.floor(TARGET_CHUNK_MS / Math.max(ms, 1e-3))));
  }

  /** Where a request's next chunk runs, and of which environment: a warm free slot first. */
  private place(job: Job): { slot: number; env: string } | undefined {
    const free: number[] = [];
    for (let i = 0; i < this.slots; i++) if (!this.busy[i]) free.push(i);
    if (free.length === 0) return undefined;
    let first: string | undefined;
    for (const env of job.envs()) {
      first ??= env;
      for (const s of free) if (this.warm[s]!.includes(env)) return { slot: s, env };
    }
    if (first === undefined) return undefined;
    const home = homeSlot(first, this.slots);
    return { slot: free.includes(home) ? home : free[0]!, env: first };
  }

  /** Drops idle clients whose recent usage has decayed away (their history no longer orders anything). */
  private forgetIdle(): void {
    const now = performance.now();
    for (const [k, c] of this.clients) if (c.entries.length === 0 && c.running === 0 && this.usage(c, now) < 1) this.clients.delete(k);
  }

  /** A client's recent sandbox time (ms), decayed to now. */
  private usage(c: Client, now: number): number {
    return c.used * 0.5 ** ((now - c.usedAt) / USAGE_HALF_LIFE_MS);
  }

  /** The client to serve next: least recent sandbox time, then served longest ago. */
  private pick(): Client | undefined {
    const now = performance.now();
    let best: Client | undefined;
    let bestUse = Infinity;
    for (const c of this.clients.values()) {
      if (c.entries.length === 0) continue;
      const u = this.usage(c, now);
      if (!best || u < bestUse || (u === bestUse && c.servedAt < best.servedAt)) {
        best = c;
        bestUse = u;
      }
    }
    return best;
  }

  private dispatch(): void {
    while (this.running < this.slots) {
      const c = this.pick();
      if (!c) return;
      const e = c.entries[0]!;
      if (Date.now() > e.deadline) {
        const left = e.job.pending();
        e.job.expire(
          `not scored: the request's time budget of ${e.budgetMs} ms ran out before this item reached a sandbox (the service is busy or the environment is slow); retry it`,
        );
        this.queued -= left;
        this.settleEntry(c, e);
        continue;
      }
      const at = this.place(e.job)!;
      // A client already running something gets the last free slot only for work measured fast:
      // it stays free for other clients (a slow client holds one slot, not all of them).
      if (c.running > 0 && this.maySlow(`${e.client}\u0000${at.env}`) && this.slots > 1 && this.running >= this.slots - 1) {
        if (!this.serveOther(c)) return;
        continue;
      }
      this.runChunk(c, e, at);
    }
  }

  /** Gives the last free slot to the first client (other than `slowClient`) with nothing running or fast work next. */
  private serveOther(slowClient: Client): boolean {
    for (const c of this.clients.values()) {
      if (c === slowClient || c.entries.length === 0) continue;
      const e = c.entries[0]!;
      const at = this.place(e.job)!;
      if (c.running === 0 || !this.maySlow(`${e.client}\u0000${at.env}`)) {
        this.runChunk(c, e, at);
        return true;
      }
    }
    return false;
  }

  private runChunk(c: Client, e: Entry, at: { slot: number; env: string }): void {
    const { slot, env } = at;
    const key = `${e.client}\u0000${env}`;
    const before = e.job.pending();
    this.busy[slot] = true;
    const warm = this.warm[slot]!;
    const w = warm.indexOf(env);
    if (w >= 0) warm.splice(w, 1);
    warm.push(env);
    if (warm.length > WARM_PER_SLOT) warm.shift();
    const started = performance.now();
    const p = e.job.take(env, this.chunkSize(key), slot);
    const n = before - e.job.pending();
    this.queued -= n;
    this.running++;
    c.running++;
    e.chunks++;
    c.servedAt = ++this.tick;
    if (e.job.pending() === 0) c.entries.shift();
    const settle = () => {
      const ms = performance.now() - started;
      if (n > 0) {
        const per = ms / n;
        const old = this.cost.get(key);
        if (old === undefined && this.cost.size >= COST_ENTRIES) this.cost.clear();
        // A chunk slower than the estimate counts at once (a hostile turn); faster ones pull it down gently.
        this.cost.set(key, old === undefined || per > old ? per : old * 0.7 + per * 0.3);
        const r = (n / Math.max(ms, 0.01)) * 1000 * this.running;
        this.rate = this.rate === 0 ? r : this.rate * 0.9 + r * 0.1;
      }
      const t = performance.now();
      c.used = this.usage(c, t) + ms;
      c.usedAt = t;
      this.running--;
      this.busy[slot] = false;
      c.running--;
      e.chunks--;
      this.settleEntry(c, e);
      this.dispatch();
    };
    p.then(settle, settle);
  }

  /** Removes an entry with nothing left to hand out; resolves it when its last chunk has settled. */
  private settleEntry(c: Client, e: Entry): void {
    if (e.job.pending() > 0) return;
    const i = c.entries.indexOf(e);
    if (i >= 0) c.entries.splice(i, 1);
    if (e.chunks === 0) e.done();
  }
}
