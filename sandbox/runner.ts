/**
 * Runs batches of environment calls in QuickJS on the current thread. Knows nothing of worker
 * threads: sandbox/worker.ts wraps it (the pool's watchdog is what stops builtins that overrun
 * the deadline; here only the interrupt handler, polled between bytecodes, enforces it).
 *
 * Isolation (issue 13; docs/sandbox.md "Isolation"):
 * - one WASM module, with its own capped WebAssembly.Memory, per loaded environment: an
 *   environment's allocations, leaks and fragmentation never reach another environment;
 * - inside it the realm is hardened and every call gets a fresh evaluation of the module body
 *   (sandbox/guest.ts), so no state survives between calls;
 * - out-of-memory is detected at the source (the memory-grow hook of the Emscripten glue fails),
 *   even when the environment catches the error: the item fails `out-of-memory`, the guest is
 *   interrupted (uncatchable) and the whole module is dropped. A module that saw any host-level
 *   exception (a WASM trap) is dropped too. Dropped modules are never reused.
 *
 * Measured pitfalls of quickjs-emscripten 0.32 this handles (see docs/sandbox.md):
 * - memory: setMemoryLimit does not cap the WASM build, hence the capped WebAssembly.Memory;
 * - disposing a context with a live handle aborts the module: every handle is disposed on every path;
 * - data crosses as JSON strings both ways (dump() runs guest getters and loses data).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DefaultIntrinsics,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { factorySource, GUEST_PRELUDE } from './guest';
import type { ResolvedLimits, SandboxErrorKind, SandboxOp, WireResult } from './types';

/** One instance of a verify job as it reaches the worker. */
export interface JobInstance {
  /** "seed:difficulty" when the state is generated (the worker caches it); absent when given. */
  key?: string;
  seed?: number;
  difficulty?: number;
  /** The state as JSON text, when given. */
  state?: string;
  answers: string[];
}

/** The unit of isolation: 'call' (always, in production); 'batch' only for bench/sandbox.ts. */
export type Isolation = 'call' | 'batch';

export interface Job {
  op: SandboxOp;
  envId: string;
  source: string;
  /** describe/sample/solve: JSON array of the items (the guest parses it once). */
  itemsJson?: string;
  /** verify: the instances; items are their answers, in order. */
  instances?: JobInstance[];
  count: number;
  /** Results already known (e.g. an item the watchdog stopped); the guest skips these items. */
  preset: Record<number, WireResult>;
  callTimeoutMs: number;
  /** Epoch ms when the batch's budget runs out (none: no budget). */
  budgetEndAt?: number;
  /** Module rebuilds (out-of-memory, traps) allowed in this job before its remaining items are not run. */
  maxRebuilds: number;
}

interface Driver {
  begin: QuickJSHandle;
  run: QuickJSHandle;
  fail: QuickJSHandle;
  take: QuickJSHandle;
  states: QuickJSHandle;
}
/** Set by the memory-grow hook when the module's memory cap refused an allocation. */
interface OomFlag {
  hit: boolean;
  /** The item that was running when it happened (-1: loading, or the driver between items). */
  at: number;
}
interface LoadedEnv {
  /** The module's own capped memory (its size counts against MAX_CACHED_MEMORY_BYTES). */
  memory: { buffer: ArrayBuffer };
  rt: QuickJSRuntime;
  ctx: QuickJSContext;
  driver: Driver;
  errInfo: QuickJSHandle;
  oom: OomFlag;
}
type Loaded = { ok: true; env: LoadedEnv } | { ok: false; error: { e: SandboxErrorKind; m: string } };

/**
 * Environments kept loaded per thread (LRU by environment id), each in its own WASM module, and
 * the most memory their modules may hold together (each starts at 16 MiB, virtual until touched;
 * one that grew counts as much as it grew). Why this many: loading an environment (a module, the
 * realm hardening, evaluating it) costs 5-50 ms, as much as scoring thousands of answers, and a
 * reward service or a check pool sees dozens of environments; the memory bound keeps leaky or
 * memory-hungry environments from holding gigabytes.
 */
export const MAX_CACHED_ENVS = 64;
const MAX_CACHED_MEMORY_BYTES = 1024 * 1024 * 1024;
/**
 * Deadline of loading an environment (the prelude hardening the realm, evaluating the module
 * and compiling its factory): its own, not the per-item one, which can be much shorter.
 */
export const LOAD_TIMEOUT_MS = 5000;
/** Host-level failures (a module that cannot even be built) tolerated per job. */
const MAX_HOST_FAILURES = 3;

/** Node's WebAssembly global (the project's tsconfig has no DOM lib, which is where its types live). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const WASM = (globalThis as any).WebAssembly;
type WasmModule = object;

let compiled: Promise<WasmModule> | undefined;
/** The QuickJS WASM binary, compiled once per thread; each module instance is cheap after that. */
function compiledWasm(): Promise<WasmModule> {
  compiled ??= (async () => {
    const dir = path.dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync'));
    return WASM.compile(await fs.promises.readFile(path.join(dir, 'emscripten-module.wasm')));
  })();
  return compiled;
}

/**
 * Wraps the Emscripten glue's heap-resize import (the only place the WASM code asks for more
 * memory) so a refused grow sets `flag`. Found by its body (it calls `.grow(`): the names are
 * minified. Returns false when it is not there (then only the guest's error message tells).
 */
function hookResize(imports: Record<string, Record<string, unknown>>, flag: OomFlag, currentItem: () => number): boolean {
  for (const ns of Object.values(imports)) {
    for (const [name, fn] of Object.entries(ns)) {
      if (typeof fn === 'function' && /\.grow\(/.test(Function.prototype.toString.call(fn))) {
        ns[name] = (...args: unknown[]) => {
          const ok = (fn as (...a: unknown[]) => unknown)(...args);
          if (!ok && !flag.hit) {
            flag.hit = true;
            flag.at = currentItem();
          }
          return ok;
        };
        return true;
      }
    }
  }
  return false;
}

class HostFailure extends Error {}

/**
 * Why: the guest calls tick(x) once per item, and quickjs-emscripten's generic host-call path
 * (a Scope, a WeakLifetime per argument, a generator for maybe-async) costs ~5 µs a call, more
 * than a small verify. This routes calls of `fn` straight to `direct(number arg 0)` through two
 * FFI reads, ~0.5 µs. It uses internals of the pinned quickjs-emscripten 0.32
 * (QuickJSContext.cToHostCallbacks / getFunction / ffi); if they are not there, the generic path
 * stays in place (correct, only slower).
 */
function fastHostCall(ctx: QuickJSContext, fn: unknown, direct: (arg0: number) => void): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const c = ctx as any;
  const cb = c.cToHostCallbacks;
  const ffi = c.ffi;
  if (
    !cb ||
    typeof cb.callFunction !== 'function' ||
    typeof c.getFunction !== 'function' ||
    typeof ffi?.QTS_GetFloat64 !== 'function' ||
    typeof ffi?.QTS_ArgvGetJSValueConstPointer !== 'function'
  )
    return;
  const generic = cb.callFunction;
  cb.callFunction = (ctxPtr: number, thisPtr: number, argc: number, argv: number, fnId: number) => {
    if (argc >= 1 && c.getFunction(fnId) === fn) {
      // tick() does not throw (Date.now, Atomics); if it did, quickjs-emscripten's callback wrapper logs it and returns undefined.
      direct(ffi.QTS_GetFloat64(ctxPtr, ffi.QTS_ArgvGetJSValueConstPointer(argv, 0)));
      return 0; // undefined
    }
    return generic(ctxPtr, thisPtr, argc, argv, fnId);
  };
}

/** Generated states (JSON text) by "envId:seed:difficulty", bounded by bytes (LRU). */
export class StateCache {
  private map = new Map<string, string>();
  bytes = 0;
  constructor(readonly maxBytes: number) {}
  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, json: string): void {
    const size = 2 * (json.length + key.length);
    if (size > this.maxBytes / 4 || this.map.has(key)) return;
    this.map.set(key, json);
    this.bytes += size;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= 2 * (v.length + k.length);
    }
  }
  get size(): number {
    return this.map.size;
  }
}

export class QuickJsRunner {
  private envs = new Map<string, Loaded>();
  private deadline = 0;
  private budgetEndAt = Infinity;
  private callTimeoutMs: number;
  private lastTick = -1;
  readonly states: StateCache;
  /** Modules built so far (tests and the bench read it). */
  modulesBuilt = 0;

  constructor(
    readonly limits: ResolvedLimits,
    private readonly onTick: (index: number, generating: boolean) => void = () => {},
    /** 'batch' (bench only, to measure the cost of isolation): one module evaluation per batch, so state survives within it. */
    private readonly isolation: Isolation = 'call',
  ) {
    this.callTimeoutMs = limits.callTimeoutMs;
    this.states = new StateCache(limits.stateCacheMb * 1024 * 1024);
  }

  /** Compiles the WASM binary ahead of the first job. */
  async warm(): Promise<void> {
    await compiledWasm();
  }

  /** A fresh WASM module with its own capped memory and out-of-memory flag. */
  private async newModule(oom: OomFlag): Promise<{ module: QuickJSWASMModule; memory: { buffer: ArrayBuffer } }> {
    const pages = Math.ceil((this.limits.memoryMb * 1024 * 1024) / 65536);
    const wasmMemory = new WASM.Memory({ initial: Math.min(256, pages), maximum: pages });
    const wasmModule = await compiledWasm();
    const variant = newVariant(RELEASE_SYNC, {
      wasmMemory,
      emscriptenModule: {
        instantiateWasm: (imports: Record<string, Record<string, unknown>>, onSuccess: (instance: unknown, module: unknown) => void) => {
          hookResize(imports, oom, () => this.lastTick);
          onSuccess(new WASM.Instance(wasmModule, imports), wasmModule);
          return {};
        },
      } as never,
    });
    const module = await newQuickJSWASMModuleFromVariant(variant);
    this.modulesBuilt++;
    return { module, memory: wasmMemory };
  }

  private arm(ms = this.callTimeoutMs): void {
    this.deadline = Math.min(Date.now() + ms, this.budgetEndAt);
  }

  private tick(x: number): void {
    const i = Math.floor(x);
    this.deadline = Math.min(Date.now() + this.callTimeoutMs, this.budgetEndAt);
    this.lastTick = i;
    this.onTick(i, x !== i);
  }

  private dispose(env: LoadedEnv): void {
    // A module that ran out of memory is dropped whole (never touched again): the GC frees it.
    if (env.oom.hit) return;
    try {
      const d = env.driver;
      for (const h of [d.begin, d.run, d.fail, d.take, d.states, env.errInfo]) if (h.alive) h.dispose();
      env.ctx.dispose();
      env.rt.dispose();
    } catch {
      /* the module is corrupt; it is unreachable now */
    }
  }

  /** Unloads an environment; `poisoned` (out of memory, a trap) drops its module without touching it. */
  private forget(envId: string, poisoned = false): void {
    const l = this.envs.get(envId);
    this.envs.delete(envId);
    if (l?.ok && !poisoned) this.dispose(l.env);
  }

  /** Describes a guest exception via the prelude's errInfo (JSON), never via dump(). */
  private describeError(ctx: QuickJSContext, errInfo: QuickJSHandle, err: QuickJSHandle): { e: SandboxErrorKind; m: string } {
    try {
      this.arm();
      const r = ctx.callFunction(errInfo, ctx.undefined, err);
      if (r.error) {
        r.error.dispose();
        return { e: 'guest-error', m: 'the environment threw a value that cannot be described' };
      }
      const s = ctx.getString(r.value);
      r.value.dispose();
      return JSON.parse(s);
    } finally {
      err.dispose();
    }
  }

  private async load(envId: string, source: string): Promise<Loaded> {
    const hit = this.envs.get(envId);
    if (hit) {
      this.envs.delete(envId);
      this.envs.set(envId, hit);
      return hit;
    }
    const oom: OomFlag = { hit: false, at: -1 };
    const { module, memory } = await this.newModule(oom);
    this.lastTick = -1;
    this.onTick(-1, false);
    const rt = module.newRuntime();
    rt.setMaxStackSize(this.limits.stackKb * 1024);
    rt.setInterruptHandler(() => oom.hit || Date.now() > this.deadline);
    const ctx = rt.newContext({ intrinsics: { ...DefaultIntrinsics, Date: false } });
    const owned: QuickJSHandle[] = [];
    let loaded: Loaded;
    try {
      this.arm(LOAD_TIMEOUT_MS);
      const prelude = ctx.unwrapResult(ctx.evalCode(GUEST_PRELUDE, 'resyn-prelude.js', { type: 'global', strict: true }));
      owned.push(prelude);
      const tickFn = (h: QuickJSHandle) => this.tick(ctx.getNumber(h));
      const tick = ctx.newFunction('tick', tickFn);
      owned.push(tick);
      fastHostCall(ctx, tickFn, (x) => this.tick(x));
      const limitsJson = ctx.newString(JSON.stringify({ ...this.limits, isolation: this.isolation }));
      owned.push(limitsJson);
      this.arm(LOAD_TIMEOUT_MS);
      const api = ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, tick, limitsJson));
      owned.push(api);
      const errInfo = ctx.getProp(api, 'errInfo');
      const bind = ctx.getProp(api, 'bind');
      owned.push(bind);
      loaded = this.bindModule(memory, rt, ctx, oom, source, errInfo, bind, owned);
      if (!loaded.ok) errInfo.dispose();
      if (oom.hit)
        loaded = {
          ok: false,
          error: { e: 'out-of-memory', m: `loading the module ran out of memory (the sandbox memory cap is ${this.limits.memoryMb} MiB)` },
        };
    } catch (e) {
      throw new HostFailure(`loading the environment failed in the host: ${(e as Error).message}`);
    } finally {
      if (!oom.hit) for (const h of owned) if (h.alive) h.dispose();
    }
    if (!loaded.ok && !oom.hit) {
      try {
        ctx.dispose();
        rt.dispose();
      } catch {
        /* dropped with its module */
      }
    }
    // A load that ran out of memory is not cached: the next job tries again in a fresh module.
    if (!oom.hit) this.envs.set(envId, loaded);
    this.evict();
    return loaded;
  }

  /** Unloads the least recently used environments while there are too many or their memory is too large (never the newest). */
  private evict(): void {
    let bytes = 0;
    for (const l of this.envs.values()) if (l.ok) bytes += l.env.memory.buffer.byteLength;
    while (this.envs.size > 1 && (this.envs.size > MAX_CACHED_ENVS || bytes > MAX_CACHED_MEMORY_BYTES)) {
      const [id, l] = this.envs.entries().next().value!;
      if (l.ok) bytes -= l.env.memory.buffer.byteLength;
      this.forget(id);
    }
  }

  /**
   * Evaluates the source as a module (for its errors and the ES module rules), then compiles
   * the same body as a factory the driver evaluates afresh for every call.
   */
  private bindModule(
    memory: { buffer: ArrayBuffer },
    rt: QuickJSRuntime,
    ctx: QuickJSContext,
    oom: OomFlag,
    source: string,
    errInfo: QuickJSHandle,
    bind: QuickJSHandle,
    owned: QuickJSHandle[],
  ): Loaded {
    this.arm(LOAD_TIMEOUT_MS);
    const mod = ctx.evalCode(source, 'environment.js', { type: 'module' });
    if (mod.error) {
      const err = this.describeError(ctx, errInfo, mod.error);
      return { ok: false, error: err.e === 'guest-error' ? { e: 'invalid-module', m: `the module does not evaluate: ${err.m}` } : err };
    }
    const isPromise = ctx.typeof(mod.value) === 'object' && ctx.getProp(mod.value, 'then').consume((t) => ctx.typeof(t) === 'function');
    mod.value.dispose();
    if (isPromise)
      return { ok: false, error: { e: 'invalid-module', m: 'top-level await is not supported: the module must evaluate synchronously' } };
    this.arm(LOAD_TIMEOUT_MS);
    const fac = ctx.evalCode(factorySource(source), 'environment.js', { type: 'global', strict: true });
    if (fac.error) {
      const err = this.describeError(ctx, errInfo, fac.error);
      return {
        ok: false,
        error: {
          e: 'invalid-module',
          m: `the module uses a form of export the sandbox does not support (write export default { ... }): ${err.m}`,
        },
      };
    }
    owned.push(fac.value);
    this.arm();
    const d = ctx.callFunction(bind, ctx.undefined, fac.value);
    if (d.error) return { ok: false, error: this.describeError(ctx, errInfo, d.error) };
    const driver: Driver = {
      begin: ctx.getProp(d.value, 'begin'),
      run: ctx.getProp(d.value, 'run'),
      fail: ctx.getProp(d.value, 'fail'),
      take: ctx.getProp(d.value, 'take'),
      states: ctx.getProp(d.value, 'states'),
    };
    d.value.dispose();
    return { ok: true, env: { memory, rt, ctx, driver, errInfo, oom } };
  }

  /** Calls a driver function with string/number args; returns its string or number result, or the guest error handle. */
  private call(
    env: LoadedEnv,
    fn: QuickJSHandle,
    args: (string | number)[],
  ): { ok: true; value: string | number } | { ok: false; error: QuickJSHandle } {
    const { ctx } = env;
    const hs = args.map((a) => (typeof a === 'string' ? ctx.newString(a) : ctx.newNumber(a)));
    try {
      this.arm();
      const r = ctx.callFunction(fn, ctx.undefined, ...hs);
      if (r.error) return { ok: false, error: r.error };
      const t = ctx.typeof(r.value);
      const value = t === 'string' ? ctx.getString(r.value) : ctx.getNumber(r.value);
      r.value.dispose();
      return { ok: true, value };
    } finally {
      if (!env.oom.hit) for (const h of hs) h.dispose();
    }
  }

  /** The batch as the guest reads it; verify instances get their cached state when there is one. */
  private itemsJson(job: Job): string {
    if (job.op !== 'verify') return job.itemsJson!;
    const parts: string[] = [];
    for (const it of job.instances!) {
      const state = it.state ?? (it.key !== undefined ? this.states.get(`${job.envId}:${it.key}`) : undefined);
      parts.push(
        state !== undefined
          ? `{"state":${JSON.stringify(state)},"answers":${JSON.stringify(it.answers)}}`
          : `{"seed":${it.seed},"difficulty":${it.difficulty},"answers":${JSON.stringify(it.answers)}}`,
      );
    }
    return `[${parts.join(',')}]`;
  }

  /** Runs one job; every item gets a result (value or typed error). Never throws for guest behaviour. */
  async runJob(job: Job): Promise<WireResult[]> {
    this.callTimeoutMs = job.callTimeoutMs;
    this.budgetEndAt = job.budgetEndAt ?? Infinity;
    try {
      return await this.runItems(job);
    } finally {
      this.callTimeoutMs = this.limits.callTimeoutMs;
      this.budgetEndAt = Infinity;
    }
  }

  private budgetGone(): boolean {
    return Date.now() >= this.budgetEndAt;
  }

  private budgetMessage(): string {
    return 'not run: the batch ran out of its time budget';
  }

  private async runItems(job: Job): Promise<WireResult[]> {
    const results: WireResult[] = [];
    const preset = new Map<number, WireResult>(Object.entries(job.preset).map(([k, v]) => [Number(k), v]));
    let hostFailures = 0;
    let rebuilds = 0;
    const fillRest = (err: WireResult) => {
      for (let i = results.length; i < job.count; i++) results.push(preset.get(i) ?? err);
    };
    const itemsJson = this.itemsJson(job);
    while (results.length < job.count) {
      if (this.budgetGone()) {
        fillRest({ e: 'timeout', m: this.budgetMessage() });
        break;
      }
      let loaded: Loaded;
      try {
        loaded = await this.load(job.envId, job.source);
      } catch (e) {
        if (++hostFailures > MAX_HOST_FAILURES) fillRest({ e: 'host-crash', m: (e as Error).message });
        continue;
      }
      if (!loaded.ok) {
        fillRest(loaded.error);
        break;
      }
      const env = loaded.env;
      const presetJson = JSON.stringify(Object.fromEntries([...preset].map(([k, v]) => [k, JSON.stringify(v)])));
      try {
        const b = this.call(env, env.driver.begin, [job.op, itemsJson, presetJson]);
        if (env.oom.hit || !b.ok) {
          const err = env.oom.hit
            ? { e: 'out-of-memory' as const, m: 'ran out of memory' }
            : this.describeError(env.ctx, env.errInfo, (b as { error: QuickJSHandle }).error);
          this.forget(job.envId, env.oom.hit);
          fillRest({ e: err.e, m: `the batch input could not be read in the sandbox: ${err.m}` });
          break;
        }
        let from = results.length;
        while (from < job.count) {
          this.lastTick = -1;
          const r = this.call(env, env.driver.run, [from]);
          if (env.oom.hit) {
            // Out of memory, perhaps caught by the environment: the item that asked fails, this run's
            // untaken results are dropped (they re-run in a fresh module) and the module is discarded.
            // (An error handle in r lives in the dropped module: it is not disposed.)
            const idx = env.oom.at;
            this.forget(job.envId, true);
            if (idx >= from)
              preset.set(idx, { e: 'out-of-memory', m: `ran out of memory (the sandbox memory cap is ${this.limits.memoryMb} MiB)` });
            else fillRest({ e: 'out-of-memory', m: 'the sandbox ran out of memory between items' });
            if (++rebuilds >= job.maxRebuilds) this.notRun(results, preset, job, rebuilds, 'out-of-memory');
            break;
          }
          if (r.ok) {
            from = r.value as number;
            this.takeInto(env, job, results);
            continue;
          }
          const idx = this.lastTick;
          const err = this.describeError(env.ctx, env.errInfo, r.error);
          if (idx < from) {
            // Not inside an item (the driver itself failed): the batch cannot go on.
            this.forget(job.envId);
            fillRest({ e: err.e, m: err.m });
            break;
          }
          if (err.e === 'timeout') {
            // An interrupt: the context survives it; record the item and go on in the same context.
            const overBudget = this.budgetGone();
            const msg = overBudget ? 'ran past the time budget of its batch' : `ran past the ${this.callTimeoutMs} ms deadline`;
            const f = this.call(env, env.driver.fail, ['timeout', msg]);
            if (!f.ok) {
              f.error.dispose();
              this.forget(job.envId);
              preset.set(idx, { e: 'timeout', m: msg });
              break;
            }
            from = idx + 1;
            if (overBudget || from >= job.count) this.takeInto(env, job, results);
            if (overBudget) fillRest({ e: 'timeout', m: this.budgetMessage() });
            continue;
          }
          // Any other uncatchable failure: the item fails, the module is rebuilt for the rest.
          preset.set(idx, err);
          this.forget(job.envId, true);
          if (++rebuilds >= job.maxRebuilds) this.notRun(results, preset, job, rebuilds, err.e);
          break;
        }
      } catch (e) {
        // A host-level exception (a WASM trap, a host stack overflow): drop the module.
        const msg = (e as Error)?.message ?? String(e);
        const kind: SandboxErrorKind = /call stack/i.test(msg) ? 'stack-overflow' : env.oom.hit ? 'out-of-memory' : 'host-crash';
        this.forget(job.envId, true);
        hostFailures++;
        const what =
          kind === 'stack-overflow' ? 'recursion too deep' : kind === 'out-of-memory' ? 'ran out of memory' : 'the sandbox failed';
        if (this.lastTick >= results.length && hostFailures <= MAX_HOST_FAILURES) {
          preset.set(this.lastTick, { e: kind, m: `${what}: ${msg}` });
          if (++rebuilds >= job.maxRebuilds) this.notRun(results, preset, job, rebuilds, kind);
        } else {
          fillRest({ e: kind, m: `${what}: ${msg}` });
          break;
        }
      }
    }
    return results;
  }

  /** After too many module rebuilds in one job: the items not yet run fail with `kind`, "not run". */
  private notRun(results: WireResult[], preset: Map<number, WireResult>, job: Job, rebuilds: number, kind: SandboxErrorKind): void {
    for (let i = results.length; i < job.count; i++)
      if (!preset.has(i))
        preset.set(i, { e: kind, m: `not run: the environment's module was rebuilt ${rebuilds} times in this batch (last: ${kind})` });
  }

  private takeInto(env: LoadedEnv, job: Job, results: WireResult[]): void {
    const t = this.call(env, env.driver.take, []);
    if (!t.ok) {
      t.error.dispose();
      throw new HostFailure('the sandbox could not return its results');
    }
    this.onTick(this.lastTick, false); // results in hand: progress, not a stall
    for (const r of JSON.parse(t.value as string) as WireResult[]) results.push(r);
    if (job.op !== 'verify') return;
    const s = this.call(env, env.driver.states, []);
    if (!s.ok) {
      s.error.dispose();
      return;
    }
    for (const [k, json] of JSON.parse(s.value as string) as [number, string][]) {
      const key = job.instances![k]?.key;
      if (key !== undefined) this.states.set(`${job.envId}:${key}`, json);
    }
  }

  /** Disposes every cached environment. */
  close(): void {
    for (const id of [...this.envs.keys()]) this.forget(id);
  }
}
