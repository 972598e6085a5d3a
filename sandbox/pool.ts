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
import type { Job } from './runner';
import {
  resolveLimits,
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
/** After this many watchdog kills / crashes on one chunk, its unfinished items are failed. */
const MAX_KILLS = 3;

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

export class SandboxPool {
  readonly limits: ResolvedLimits;
  private slots: Slot[] = [];
  private queue: Chunk[] = [];
  private nextId = 1;
  private pending = new Map<number, Chunk>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private bootFailures = 0;
  /** Workers stopped by the watchdog, and workers that crashed (tests and the bench read these). */
  stats = { kills: 0, crashes: 0, spawned: 0 };

  constructor(limits: SandboxLimits) {
    this.limits = resolveLimits(limits);
  }

  /** Hard limit the watchdog allows one item before terminating its worker. */
  get hardLimitMs(): number {
    return this.limits.callTimeoutMs + Math.max(250, this.limits.callTimeoutMs / 2);
  }

  async describe(source: string): Promise<Result<EnvInfo>> {
    const [r] = await this.run<Omit<EnvInfo, 'id'>>('describe', source, [0]);
    return r!.ok ? { ok: true, value: { id: environmentId(source), ...r!.value } } : r!;
  }

  sample(source: string, items: { seed: number; difficulty: number }[]): Promise<Result<{ state: unknown; prompt: string }>[]> {
    items.forEach((it, i) => {
      validSeed(it.seed, i);
      validDifficulty(it.difficulty, i);
    });
    return this.run(
      'sample',
      source,
      items.map((it) => ({ seed: it.seed, difficulty: it.difficulty })),
    );
  }

  solve(source: string, states: unknown[]): Promise<Result<string>[]> {
    return this.run('solve', source, states);
  }

  score(source: string, items: { state: unknown; answer: string }[]): Promise<Result<number>[]> {
    items.forEach((it, i) => validAnswer(it.answer, i));
    return this.run(
      'score',
      source,
      items.map((it) => ({ state: it.state, answer: it.answer })),
    );
  }

  scoreInstances(source: string, items: { seed: number; difficulty: number; answer: string }[]): Promise<Result<number>[]> {
    items.forEach((it, i) => {
      validSeed(it.seed, i);
      validDifficulty(it.difficulty, i);
      validAnswer(it.answer, i);
    });
    return this.run(
      'scoreInstances',
      source,
      items.map((it) => ({ seed: it.seed, difficulty: it.difficulty, answer: it.answer })),
    );
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

  private async run<T>(op: SandboxOp, source: string, items: unknown[]): Promise<Result<T>[]> {
    if (this.closed) throw new Error('the sandbox pool is closed');
    if (typeof source !== 'string') throw new TypeError('source must be a string');
    if (items.length === 0) return [];
    const envId = environmentId(source);
    const jsons = items.map((it, i) => {
      const s = JSON.stringify(it);
      if (s === undefined) throw new TypeError(`item ${i} is not JSON-serialisable`);
      return s;
    });
    // Cut into chunks: spread over the workers, bounded in items and bytes.
    const perWorker = Math.max(MIN_SPLIT, Math.ceil(items.length / this.limits.workers));
    const target = Math.min(CHUNK_ITEMS, perWorker);
    const chunks: Promise<WireResult[]>[] = [];
    let start = 0;
    while (start < jsons.length) {
      let end = start;
      let bytes = 0;
      while (end < jsons.length && end - start < target && (end === start || bytes + jsons[end]!.length <= CHUNK_BYTES))
        bytes += jsons[end++]!.length + 1;
      const job: Job = { op, envId, source, itemsJson: `[${jsons.slice(start, end).join(',')}]`, count: end - start, preset: {} };
      chunks.push(new Promise<WireResult[]>((resolve) => this.enqueue({ job, kills: 0, resolve })));
      start = end;
    }
    const parts = await Promise.all(chunks);
    return parts.flat().map((w) => toResult<T>(w));
  }

  private enqueue(chunk: Chunk): void {
    this.queue.push(chunk);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const idle = this.slots.filter((s) => s.ready && !s.busy && !s.gone);
      if (idle.length === 0) {
        if (this.slots.length < this.limits.workers) this.spawn();
        return;
      }
      // Prefer a worker that has this environment loaded already.
      let qi = 0;
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
      const chunk = this.queue.splice(qi, 1)[0]!;
      if (idle.length === 1 && this.slots.length < this.limits.workers && this.queue.length > 0) this.spawn();
      this.start(slot, chunk);
    }
  }

  private start(slot: Slot, chunk: Chunk): void {
    const id = this.nextId++;
    slot.busy = chunk;
    slot.seenBeat = Atomics.load(slot.hb, 0);
    slot.seenAt = Date.now();
    slot.envs = [chunk.job.envId, ...slot.envs.filter((e) => e !== chunk.job.envId)].slice(0, 16);
    slot.worker.ref();
    this.pending.set(id, chunk);
    (chunk as Chunk & { id?: number }).id = id;
    slot.worker.postMessage({ id, job: chunk.job } satisfies JobMessage);
    this.ensureWatchdog();
  }

  private spawn(): void {
    const hbBuf = new SharedArrayBuffer(8);
    const worker = new Worker(path.join(__dirname, 'worker.js'), {
      workerData: { limits: this.limits, heartbeat: hbBuf },
      resourceLimits: { stackSizeMb: 64, maxOldGenerationSizeMb: 512 },
    });
    this.stats.spawned++;
    const slot: Slot = { worker, hb: new Int32Array(hbBuf), ready: false, seenBeat: 0, seenAt: 0, envs: [], gone: false };
    this.slots.push(slot);
    let lastError = '';
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.bootFailures = 0;
      } else {
        const chunk = this.pending.get(m.id);
        this.pending.delete(m.id);
        slot.busy = undefined;
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

  /** Removes a worker (dead or killed) and re-queues its chunk with the culprit item preset. */
  private retire(slot: Slot, kind: SandboxErrorKind, message: string): void {
    slot.gone = true;
    this.slots = this.slots.filter((s) => s !== slot);
    const chunk = slot.busy;
    slot.busy = undefined;
    if (chunk) {
      for (const [id, c] of this.pending) if (c === chunk) this.pending.delete(id);
      const idx = Atomics.load(slot.hb, 1);
      const err: WireResult = { e: kind, m: message };
      chunk.kills++;
      if (idx < 0 || idx >= chunk.job.count || chunk.kills > MAX_KILLS * 2) {
        // While loading the module (or again and again): nothing in this chunk can run.
        chunk.resolve(Array.from({ length: chunk.job.count }, (_, i) => chunk.job.preset[i] ?? err));
      } else {
        const preset = { ...chunk.job.preset, [idx]: err };
        if (chunk.kills >= MAX_KILLS) {
          for (let i = idx + 1; i < chunk.job.count; i++)
            preset[i] ??= { e: kind, m: `not run: the environment was stopped ${chunk.kills} times in this batch (last: ${message})` };
        }
        chunk.job = { ...chunk.job, preset };
        this.queue.unshift(chunk);
      }
    }
    if (!this.closed) this.dispatch();
  }

  private ensureWatchdog(): void {
    if (this.timer) return;
    const every = Math.max(10, Math.min(200, Math.floor(this.limits.callTimeoutMs / 4)));
    this.timer = setInterval(() => this.watch(), every);
    this.timer.unref();
  }

  private watch(): void {
    const now = Date.now();
    let busy = 0;
    for (const slot of [...this.slots]) {
      if (!slot.busy) continue;
      busy++;
      const beat = Atomics.load(slot.hb, 0);
      if (beat !== slot.seenBeat) {
        slot.seenBeat = beat;
        slot.seenAt = now;
      } else if (now - slot.seenAt > this.hardLimitMs) {
        this.stats.kills++;
        slot.gone = true;
        const idx = Atomics.load(slot.hb, 1);
        void slot.worker.terminate();
        this.retire(
          slot,
          'timeout',
          idx < 0
            ? `loading the module ran past the ${this.limits.callTimeoutMs} ms deadline; the watchdog stopped it after ${now - slot.seenAt} ms`
            : `ran past the ${this.limits.callTimeoutMs} ms deadline inside a builtin; the watchdog stopped it after ${now - slot.seenAt} ms`,
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
