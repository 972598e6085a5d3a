/**
 * SandboxPool: a pool of worker threads, each running QuickJS (sandbox/runner.ts), with a
 * watchdog. Batches are cut into chunks (bounded item count and JSON size, and spread over the
 * workers), each chunk crosses into a worker and into the guest once.
 *
 * Why a watchdog: QuickJS polls its interrupt handler between bytecodes only, so one builtin
 * call (Array.prototype.fill over a million slots, JSON.parse of a huge string) can overrun the
 * deadline by minutes. The watchdog terminate()s a worker whose heartbeat stalls past the
 * deadline plus a grace period, marks the item it was on as a timeout, respawns the worker and
 * re-runs the rest of the chunk. Workers run with a 64 MiB thread stack so deep recursion ends
 * as a guest stack-overflow, not a host RangeError.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { environmentId } from './env-id';
import { type Isolation, LOAD_TIMEOUT_MS, MAX_CACHED_ENVS, type Job, type JobInstance } from './runner';
import {
  resolveLimits,
  type CallOptions,
  type VerifyInstance,
  toResult,
  type EnvInfo,
  type ResolvedLimits,
  type Result,
  type SandboxErrorKind,
  type SandboxLimits,
  type SandboxOp,
  type WireResult,
} from './types';
import type { JobMessage, WorkerReply } from './worker';

/** Most items per chunk, and the JSON size at which a chunk is cut. */
const CHUNK_ITEMS = 512;
const CHUNK_BYTES = 2_000_000;
/** Fewest items worth a chunk of their own when spreading a batch over the workers. */
const MIN_SPLIT = 32;
/** Default CallOptions.maxRebuilds. */
const DEFAULT_MAX_REBUILDS = 3;

interface Chunk {
  job: Job;
  kills: number;
  resolve(results: WireResult[]): void;
}

interface Slot {
  worker: Worker;
  hb: Int32Array;
  ready: boolean;
  busy?: Chunk;
  busyId: number;
  seenBeat: number;
  seenAt: number;
  envs: string[];
  gone: boolean;
}

function validSeed(seed: unknown, i: number): void {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`item ${i}: seed must be a non-negative safe integer, got ${String(seed)}`);
}
function validDifficulty(d: unknown, i: number): void {
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 10)
    throw new RangeError(`item ${i}: difficulty must be an integer 1..10, got ${String(d)}`);
}
function validAnswer(a: unknown, i: number): void {
  if (typeof a !== 'string') throw new TypeError(`item ${i}: answer must be a string`);
}
function validOptions(o: CallOptions): void {
  for (const k of ['callTimeoutMs', 'budgetMs', 'maxRebuilds'] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v) || (!Number.isFinite(v) && k !== 'maxRebuilds') || v <= 0))
      throw new RangeError(`${k} must be a positive number, got ${String(v)}`);
  }
}
function stateJson(state: unknown, i: number): string {
  const s = JSON.stringify(state);
  if (s === undefined) throw new TypeError(`instance ${i}: state is not JSON-serialisable`);
  return s;
}

export class SandboxPool {
  readonly limits: ResolvedLimits;
  private slots: Slot[] = [];
  private queue: Chunk[] = [];
  private nextId = 1;
  private pending = new Map<number, Chunk>();
  private timer: NodeJS.Timeout | undefined;
  private lastWatch = 0;
  private closed = false;
  private bootFailures = 0;
  /** Workers stopped by the watchdog, and workers that crashed (tests and the bench read these). */
  stats = { kills: 0, crashes: 0, spawned: 0 };

  /** `isolation: 'batch'` is for bench/sandbox.ts only (it measures what per-call isolation costs). */
  constructor(
    limits: SandboxLimits,
    private readonly internal: { isolation?: Isolation } = {},
  ) {
    this.limits = resolveLimits(limits);
  }

  /** Hard limit the watchdog allows one item (with this per-item deadline) before terminating its worker. */
  hardLimitFor(callTimeoutMs: number): number {
    return callTimeoutMs + Math.max(250, callTimeoutMs / 2);
  }
  get hardLimitMs(): number {
    return this.hardLimitFor(this.limits.callTimeoutMs);
  }

  async describe(source: string, opts: CallOptions = {}): Promise<Result<EnvInfo>> {
    const [r] = await this.run<Omit<EnvInfo, 'id'>>('describe', source, [0], opts);
    return r!.ok ? { ok: true, value: { id: environmentId(source), ...r!.value } } : r!;
  }

  /**
   * Generates and renders instances: one guest call per chunk of seeds. `difficulty` is one
   * level for every seed or one per seed.
   */
  sampleBatch(
    source: string,
    seeds: number[],
    difficulty: number | number[],
    opts: CallOptions = {},
  ): Promise<Result<{ state: unknown; prompt: string }>[]> {
    if (Array.isArray(difficulty) && difficulty.length !== seeds.length) throw new RangeError('difficulty: one level, or one per seed');
    return this.sample(
      source,
      seeds.map((seed, i) => ({ seed, difficulty: Array.isArray(difficulty) ? difficulty[i]! : difficulty })),
      opts,
    );
  }

  sample(
    source: string,
    items: { seed: number; difficulty: number }[],
    opts: CallOptions = {},
  ): Promise<Result<{ state: unknown; prompt: string }>[]> {
    items.forEach((it, i) => {
      validSeed(it.seed, i);
      validDifficulty(it.difficulty, i);
    });
    return this.run(
      'sample',
      source,
      items.map((it) => ({ seed: it.seed, difficulty: it.difficulty })),
      opts,
    );
  }

  solve(source: string, states: unknown[], opts: CallOptions = {}): Promise<Result<string>[]> {
    return this.run('solve', source, states, opts);
  }

  /**
   * Verifies many answers per instance: one result per answer, grouped like the input. Each
   * instance's state is given or generated once (and cached in the worker); each answer is
   * still its own call with its own limits.
   */
  async verifyBatch(source: string, instances: VerifyInstance[], opts: CallOptions = {}): Promise<Result<number>[][]> {
    const insts: JobInstance[] = instances.map((it, i) => {
      if (!it || typeof it !== 'object' || !Array.isArray(it.answers))
        throw new TypeError(`instance ${i}: expected {seed, difficulty, state?, answers: string[]}`);
      it.answers.forEach((a, j) => validAnswer(a, j));
      if (it.state !== undefined) return { state: stateJson(it.state, i), answers: it.answers };
      validSeed(it.seed, i);
      validDifficulty(it.difficulty, i);
      return { key: `${it.seed}:${it.difficulty}`, seed: it.seed, difficulty: it.difficulty, answers: it.answers };
    });
    const flat = await this.runVerify(source, insts, opts);
    let k = 0;
    return instances.map((it) => it.answers.map(() => flat[k++]!));
  }

  /** One answer per state (states passed by the same object share one instance). */
  async score(source: string, items: { state: unknown; answer: string }[], opts: CallOptions = {}): Promise<Result<number>[]> {
    items.forEach((it, i) => validAnswer(it.answer, i));
    const byState = new Map<unknown, { inst: VerifyInstance; at: number[] }>();
    const groups: { inst: VerifyInstance; at: number[] }[] = [];
    items.forEach((it, i) => {
      const shareable = it.state !== null && typeof it.state === 'object';
      let g = shareable ? byState.get(it.state) : undefined;
      if (!g) {
        g = { inst: { state: it.state === undefined ? null : it.state, answers: [] }, at: [] };
        groups.push(g);
        if (shareable) byState.set(it.state, g);
      }
      g.inst.answers.push(it.answer);
      g.at.push(i);
    });
    return this.regroup(source, groups, items.length, opts);
  }

  /** One answer per (seed, difficulty); answers to the same instance share its generated state. */
  async scoreInstances(
    source: string,
    items: { seed: number; difficulty: number; answer: string }[],
    opts: CallOptions = {},
  ): Promise<Result<number>[]> {
    const byKey = new Map<string, { inst: VerifyInstance; at: number[] }>();
    items.forEach((it, i) => {
      validSeed(it.seed, i);
      validDifficulty(it.difficulty, i);
      validAnswer(it.answer, i);
      const key = `${it.seed}:${it.difficulty}`;
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = { inst: { seed: it.seed, difficulty: it.difficulty, answers: [] }, at: [] }));
      g.inst.answers.push(it.answer);
      g.at.push(i);
    });
    return this.regroup(source, [...byKey.values()], items.length, opts);
  }

  private async regroup(
    source: string,
    groups: { inst: VerifyInstance; at: number[] }[],
    n: number,
    opts: CallOptions,
  ): Promise<Result<number>[]> {
    const nested = await this.verifyBatch(
      source,
      groups.map((g) => g.inst),
      opts,
    );
    const out: Result<number>[] = new Array(n);
    groups.forEach((g, k) => g.at.forEach((i, j) => (out[i] = nested[k]![j]!)));
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const c of [...this.queue, ...this.slots.flatMap((s) => (s.busy ? [s.busy] : []))]) {
      c.resolve(Array.from({ length: c.job.count }, () => ({ e: 'host-crash' as const, m: 'the sandbox pool was closed' })));
    }
    this.queue = [];
    const slots = this.slots;
    this.slots = [];
    await Promise.all(
      slots.map((s) => {
        s.gone = true;
        return s.worker.terminate();
      }),
    );
  }

  /** The limits of one call, as a job carries them. */
  private timing(opts: CallOptions): { callTimeoutMs: number; budgetEndAt?: number; maxRebuilds: number } {
    validOptions(opts);
    return {
      callTimeoutMs: opts.callTimeoutMs ?? this.limits.callTimeoutMs,
      maxRebuilds: opts.maxRebuilds ?? DEFAULT_MAX_REBUILDS,
      ...(opts.budgetMs !== undefined ? { budgetEndAt: Date.now() + opts.budgetMs } : {}),
    };
  }

  private checkOpen(source: string): string {
    if (this.closed) throw new Error('the sandbox pool is closed');
    if (typeof source !== 'string') throw new TypeError('source must be a string');
    return environmentId(source);
  }

  /** Items per chunk: the batch spread over the workers, bounded. */
  private chunkTarget(n: number): number {
    return Math.min(CHUNK_ITEMS, Math.max(MIN_SPLIT, Math.ceil(n / this.limits.workers)));
  }

  private async run<T>(op: SandboxOp, source: string, items: unknown[], opts: CallOptions): Promise<Result<T>[]> {
    const envId = this.checkOpen(source);
    const timing = this.timing(opts);
    if (items.length === 0) return [];
    const jsons = items.map((it, i) => {
      const s = JSON.stringify(it);
      if (s === undefined) throw new TypeError(`item ${i} is not JSON-serialisable`);
      return s;
    });
    const target = this.chunkTarget(items.length);
    const chunks: Promise<WireResult[]>[] = [];
    let start = 0;
    while (start < jsons.length) {
      let end = start;
      let bytes = 0;
      while (end < jsons.length && end - start < target && (end === start || bytes + jsons[end]!.length <= CHUNK_BYTES))
        bytes += jsons[end++]!.length + 1;
      const job: Job = {
        op,
        envId,
        source,
        itemsJson: `[${jsons.slice(start, end).join(',')}]`,
        count: end - start,
        preset: {},
        ...timing,
      };
      chunks.push(this.submit(job));
      start = end;
    }
    const parts = await Promise.all(chunks);
    return parts.flat().map((w) => toResult<T>(w));
  }

  /** Verify chunks cut at instance boundaries (an instance with very many answers is split). */
  private async runVerify(source: string, insts: JobInstance[], opts: CallOptions): Promise<Result<number>[]> {
    const envId = this.checkOpen(source);
    const timing = this.timing(opts);
    const total = insts.reduce((n, it) => n + it.answers.length, 0);
    if (total === 0) return [];
    const target = this.chunkTarget(total);
    const pieces: JobInstance[] = [];
    for (const it of insts)
      for (let j = 0; j < it.answers.length; j += CHUNK_ITEMS) pieces.push({ ...it, answers: it.answers.slice(j, j + CHUNK_ITEMS) });
    const chunks: Promise<WireResult[]>[] = [];
    let cur: JobInstance[] = [];
    let count = 0;
    let bytes = 0;
    const flush = () => {
      if (cur.length === 0) return;
      chunks.push(this.submit({ op: 'verify', envId, source, instances: cur, count, preset: {}, ...timing }));
      cur = [];
      count = 0;
      bytes = 0;
    };
    for (const p of pieces) {
      const size = (p.state?.length ?? 0) + p.answers.reduce((n, a) => n + a.length + 3, 0);
      if (cur.length > 0 && (count + p.answers.length > target || bytes + size > CHUNK_BYTES)) flush();
      cur.push(p);
      count += p.answers.length;
      bytes += size;
    }
    flush();
    const parts = await Promise.all(chunks);
    return parts.flat().map((w) => toResult<number>(w));
  }

  private submit(job: Job): Promise<WireResult[]> {
    return new Promise<WireResult[]>((resolve) => {
      this.queue.push({ job, kills: 0, resolve });
      this.dispatch();
    });
  }

  /**
   * The router: an idle worker that has the chunk's environment loaded takes it (its context
   * and state cache are warm); otherwise the idle worker with the fewest environments loaded.
   */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const idle = this.slots.filter((s) => s.ready && !s.busy && !s.gone);
      if (idle.length === 0) {
        if (this.slots.length < this.limits.workers) this.spawn();
        return;
      }
      let qi = -1;
      let slot = idle[0]!;
      find: for (let i = 0; i < this.queue.length; i++) {
        for (const s of idle) {
          if (s.envs.includes(this.queue[i]!.job.envId)) {
            qi = i;
            slot = s;
            break find;
          }
        }
      }
      if (qi < 0) {
        qi = 0;
        slot = idle.reduce((a, b) => (b.envs.length < a.envs.length ? b : a));
      }
      const chunk = this.queue.splice(qi, 1)[0]!;
      if (idle.length === 1 && this.slots.length < this.limits.workers && this.queue.length > 0) this.spawn();
      this.start(slot, chunk);
    }
  }

  private start(slot: Slot, chunk: Chunk): void {
    const id = this.nextId++;
    slot.busy = chunk;
    slot.busyId = id;
    slot.seenBeat = Atomics.load(slot.hb, 0);
    slot.seenAt = Date.now();
    slot.envs = [chunk.job.envId, ...slot.envs.filter((e) => e !== chunk.job.envId)].slice(0, MAX_CACHED_ENVS);
    slot.worker.ref();
    this.pending.set(id, chunk);
    slot.worker.postMessage({ id, job: chunk.job } satisfies JobMessage);
    this.ensureWatchdog();
  }

  private spawn(): void {
    const hbBuf = new SharedArrayBuffer(16);
    const worker = new Worker(path.join(__dirname, 'worker.js'), {
      workerData: { limits: this.limits, heartbeat: hbBuf, isolation: this.internal.isolation ?? 'call' },
      resourceLimits: { stackSizeMb: 64, maxOldGenerationSizeMb: 512 },
    });
    this.stats.spawned++;
    const slot: Slot = { worker, hb: new Int32Array(hbBuf), ready: false, busyId: 0, seenBeat: 0, seenAt: 0, envs: [], gone: false };
    this.slots.push(slot);
    let lastError = '';
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.bootFailures = 0;
      } else {
        const chunk = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (slot.busyId === m.id) slot.busy = undefined;
        if (chunk) {
          chunk.resolve(
            m.type === 'done' ? m.results : Array.from({ length: chunk.job.count }, () => ({ e: 'host-crash' as const, m: m.message })),
          );
        }
      }
      if (!slot.busy) slot.worker.unref();
      this.dispatch();
    });
    worker.on('error', (e) => {
      lastError = e?.message ?? String(e);
    });
    worker.on('exit', () => {
      if (slot.gone) return;
      this.stats.crashes++;
      if (!slot.ready && ++this.bootFailures >= 3) {
        // The worker cannot even start (e.g. the WASM file is missing): fail what is queued.
        const why = `the sandbox worker does not start${lastError ? `: ${lastError}` : ''}`;
        for (const c of this.queue.splice(0)) c.resolve(Array.from({ length: c.job.count }, () => ({ e: 'host-crash' as const, m: why })));
      }
      this.retire(slot, 'host-crash', `the sandbox worker crashed${lastError ? `: ${lastError}` : ''}`);
    });
  }

  /** Answers [from, to) of the verify instance holding answer `idx` (just idx for other ops). */
  private instanceRange(job: Job, idx: number): [number, number] {
    if (job.op !== 'verify') return [idx, idx + 1];
    let at = 0;
    for (const it of job.instances!) {
      if (idx < at + it.answers.length) return [at, at + it.answers.length];
      at += it.answers.length;
    }
    return [idx, idx + 1];
  }

  /** Removes a worker (dead or killed) and re-queues its chunk with the culprit item(s) preset. */
  private retire(slot: Slot, kind: SandboxErrorKind, message: string): void {
    slot.gone = true;
    this.slots = this.slots.filter((s) => s !== slot);
    const chunk = slot.busy;
    slot.busy = undefined;
    if (chunk) {
      this.pending.delete(slot.busyId);
      const { job } = chunk;
      const idx = Atomics.load(slot.hb, 1);
      const err: WireResult = { e: kind, m: message };
      chunk.kills++;
      const overBudget = job.budgetEndAt !== undefined && Date.now() >= job.budgetEndAt;
      if (idx < 0 || idx >= job.count || chunk.kills > job.count + 2) {
        // While loading the module (or again and again): nothing in this chunk can run.
        chunk.resolve(Array.from({ length: job.count }, (_, i) => job.preset[i] ?? err));
      } else {
        const preset = { ...job.preset };
        // A failure while generating an instance's state is that instance's, for all its answers.
        const [from, to] = Atomics.load(slot.hb, 2) === 1 ? this.instanceRange(job, idx) : [idx, idx + 1];
        for (let i = from; i < to; i++) preset[i] ??= err;
        if (chunk.kills >= job.maxRebuilds)
          for (let i = idx + 1; i < job.count; i++)
            preset[i] ??= { e: kind, m: `not run: the environment was stopped ${chunk.kills} times in this batch (last: ${message})` };
        if (overBudget)
          for (let i = idx + 1; i < job.count; i++) preset[i] ??= { e: 'timeout', m: 'not run: the batch ran out of its time budget' };
        chunk.job = { ...job, preset };
        this.queue.unshift(chunk);
      }
    }
    if (!this.closed) this.dispatch();
  }

  private ensureWatchdog(): void {
    if (this.timer) return;
    const every = Math.max(10, Math.min(200, Math.floor(this.limits.callTimeoutMs / 4)));
    this.lastWatch = Date.now();
    this.timer = setInterval(() => this.watch(every), every);
    this.timer.unref();
  }

  /**
   * Progress, not starts: a worker is stalled when its heartbeat has not moved for longer than
   * the hard limit of its chunk's per-item deadline (or past its batch budget). A worker that
   * has sent its results is never stalled, and when this thread itself was too busy to watch
   * (the timer fired late), nobody is blamed for that time.
   */
  private watch(every: number): void {
    const now = Date.now();
    const late = now - this.lastWatch > 3 * every + 50;
    this.lastWatch = now;
    let busy = 0;
    for (const slot of [...this.slots]) {
      if (!slot.busy) continue;
      busy++;
      const beat = Atomics.load(slot.hb, 0);
      if (beat !== slot.seenBeat || late || Atomics.load(slot.hb, 3) === slot.busyId) {
        slot.seenBeat = beat;
        slot.seenAt = now;
        continue;
      }
      const job = slot.busy.job;
      const loading = Atomics.load(slot.hb, 1) < 0;
      const limit = Math.min(
        this.hardLimitFor(loading ? Math.max(LOAD_TIMEOUT_MS, job.callTimeoutMs) : job.callTimeoutMs),
        job.budgetEndAt !== undefined ? Math.max(0, job.budgetEndAt - slot.seenAt) + 250 : Infinity,
      );
      if (now - slot.seenAt > limit) {
        this.stats.kills++;
        slot.gone = true;
        const idx = Atomics.load(slot.hb, 1);
        void slot.worker.terminate();
        this.retire(
          slot,
          'timeout',
          idx < 0
            ? `loading the module ran past the ${Math.max(LOAD_TIMEOUT_MS, job.callTimeoutMs)} ms deadline; the watchdog stopped it after ${now - slot.seenAt} ms`
            : `ran past the ${job.callTimeoutMs} ms deadline inside a builtin; the watchdog stopped it after ${now - slot.seenAt} ms`,
        );
      }
    }
    if (busy === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

const shared = new Map<string, SandboxPool>();

/** One pool per process (per distinct limits): activities, the CLI and the reward service share it. */
export function sharedPool(limits: SandboxLimits): SandboxPool {
  const key = JSON.stringify(resolveLimits(limits));
  let p = shared.get(key);
  if (!p || (p as unknown as { closed: boolean }).closed) {
    p = new SandboxPool(limits);
    shared.set(key, p);
  }
  return p;
}
