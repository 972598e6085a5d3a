/**
 * Runs batches of environment calls in QuickJS on the current thread. Knows nothing of worker
 * threads: sandbox/worker.ts wraps it (the pool's watchdog is what stops builtins that overrun
 * the deadline; here only the interrupt handler, polled between bytecodes, enforces it).
 *
 * Measured pitfalls of quickjs-emscripten 0.32 this handles (see docs/sandbox.md):
 * - memory: setMemoryLimit does not cap the WASM build, so each module gets its own capped
 *   WebAssembly.Memory; out-of-memory then fails cleanly inside QuickJS. After it, or after any
 *   host-level exception, the whole module is dropped (garbage-collected) and rebuilt.
 * - disposing a context with a live handle aborts the module: every handle is disposed on every path.
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
import { GUEST_PRELUDE } from './guest';
import type { ResolvedLimits, SandboxErrorKind, SandboxOp, WireResult } from './types';

export interface Job {
  op: SandboxOp;
  envId: string;
  source: string;
  /** JSON array of the items (the guest parses it once). */
  itemsJson: string;
  count: number;
  /** Results already known (e.g. an item the watchdog stopped); the guest skips these items. */
  preset: Record<number, WireResult>;
}

interface Driver {
  begin: QuickJSHandle;
  run: QuickJSHandle;
  fail: QuickJSHandle;
  take: QuickJSHandle;
}
interface LoadedEnv {
  rt: QuickJSRuntime;
  ctx: QuickJSContext;
  driver: Driver;
  errInfo: QuickJSHandle;
}
type Loaded = { ok: true; env: LoadedEnv } | { ok: false; error: { e: SandboxErrorKind; m: string } };

/** Environments kept loaded per thread (LRU by environment id). */
const MAX_CACHED_ENVS = 16;
/** After this many timeouts / rebuilds in one job, the job's remaining items are not run. */
const MAX_FAILURES_PER_JOB = 3;

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

class HostFailure extends Error {}

/**
 * Why: the guest calls tick(i) once per item, and quickjs-emscripten's generic host-call path
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

export class QuickJsRunner {
  private module: QuickJSWASMModule | undefined;
  private envs = new Map<string, Loaded>();
  private deadline = 0;
  private lastTick = -1;
  /** Modules built so far (tests and the bench read it). */
  modulesBuilt = 0;

  constructor(
    readonly limits: ResolvedLimits,
    private readonly onTick: (index: number) => void = () => {},
  ) {}

  /** Builds the WASM module ahead of the first job. */
  async warm(): Promise<void> {
    await this.ensureModule();
  }

  private async ensureModule(): Promise<QuickJSWASMModule> {
    if (this.module) return this.module;
    const pages = Math.ceil((this.limits.memoryMb * 1024 * 1024) / 65536);
    const wasmMemory = new WASM.Memory({ initial: Math.min(256, pages), maximum: pages });
    const variant = newVariant(RELEASE_SYNC, { wasmModule: (await compiledWasm()) as never, wasmMemory });
    this.module = await newQuickJSWASMModuleFromVariant(variant);
    this.modulesBuilt++;
    return this.module;
  }

  /** Drops the module and every context in it without touching them (it may be corrupt). */
  private discardModule(): void {
    this.module = undefined;
    this.envs.clear();
  }

  private arm(): void {
    this.deadline = Date.now() + this.limits.callTimeoutMs;
  }

  private tick(i: number): void {
    this.deadline = Date.now() + this.limits.callTimeoutMs;
    this.lastTick = i;
    this.onTick(i);
  }

  private dispose(env: LoadedEnv): void {
    try {
      for (const h of [env.driver.begin, env.driver.run, env.driver.fail, env.driver.take, env.errInfo]) if (h.alive) h.dispose();
      env.ctx.dispose();
      env.rt.dispose();
    } catch {
      this.discardModule();
    }
  }

  private forget(envId: string): void {
    const l = this.envs.get(envId);
    this.envs.delete(envId);
    if (l?.ok) this.dispose(l.env);
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
    const module = await this.ensureModule();
    this.lastTick = -1;
    this.onTick(-1);
    const rt = module.newRuntime();
    rt.setMaxStackSize(this.limits.stackKb * 1024);
    rt.setInterruptHandler(() => Date.now() > this.deadline);
    const ctx = rt.newContext({ intrinsics: { ...DefaultIntrinsics, Date: false } });
    const owned: QuickJSHandle[] = [];
    let loaded: Loaded;
    try {
      this.arm();
      const factory = ctx.unwrapResult(ctx.evalCode(GUEST_PRELUDE, 'resyn-prelude.js', { type: 'global', strict: true }));
      owned.push(factory);
      const tickFn = (h: QuickJSHandle) => this.tick(ctx.getNumber(h));
      const tick = ctx.newFunction('tick', tickFn);
      owned.push(tick);
      fastHostCall(ctx, tickFn, (i) => this.tick(i));
      const limitsJson = ctx.newString(JSON.stringify(this.limits));
      owned.push(limitsJson);
      const api = ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, tick, limitsJson));
      owned.push(api);
      const errInfo = ctx.getProp(api, 'errInfo');
      const bind = ctx.getProp(api, 'bind');
      owned.push(bind);
      this.arm();
      const mod = ctx.evalCode(source, 'environment.js', { type: 'module' });
      if (mod.error) {
        const err = this.describeError(ctx, errInfo, mod.error);
        errInfo.dispose();
        loaded = { ok: false, error: err.e === 'guest-error' ? { e: 'invalid-module', m: `the module does not evaluate: ${err.m}` } : err };
      } else {
        this.arm();
        const d = ctx.callFunction(bind, ctx.undefined, mod.value);
        mod.value.dispose();
        if (d.error) {
          loaded = { ok: false, error: this.describeError(ctx, errInfo, d.error) };
          errInfo.dispose();
        } else {
          const driver: Driver = {
            begin: ctx.getProp(d.value, 'begin'),
            run: ctx.getProp(d.value, 'run'),
            fail: ctx.getProp(d.value, 'fail'),
            take: ctx.getProp(d.value, 'take'),
          };
          d.value.dispose();
          loaded = { ok: true, env: { rt, ctx, driver, errInfo } };
        }
      }
    } catch (e) {
      this.discardModule();
      throw new HostFailure(`loading the environment failed in the host: ${(e as Error).message}`);
    } finally {
      for (const h of owned) if (h.alive) h.dispose();
    }
    if (!loaded.ok) {
      try {
        ctx.dispose();
        rt.dispose();
      } catch {
        this.discardModule();
      }
    }
    this.envs.set(envId, loaded);
    while (this.envs.size > MAX_CACHED_ENVS) this.forget(this.envs.keys().next().value!);
    return loaded;
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
      for (const h of hs) h.dispose();
    }
  }

  /** Runs one job; every item gets a result (value or typed error). Never throws for guest behaviour. */
  async runJob(job: Job): Promise<WireResult[]> {
    const results: WireResult[] = [];
    const preset = new Map<number, WireResult>(Object.entries(job.preset).map(([k, v]) => [Number(k), v]));
    let failures = 0;
    const fillRest = (err: WireResult) => {
      for (let i = results.length; i < job.count; i++) results.push(preset.get(i) ?? err);
    };
    while (results.length < job.count) {
      let loaded: Loaded;
      try {
        loaded = await this.load(job.envId, job.source);
      } catch (e) {
        if (++failures > MAX_FAILURES_PER_JOB) {
          fillRest({ e: 'host-crash', m: (e as Error).message });
          break;
        }
        continue;
      }
      if (!loaded.ok) {
        fillRest(loaded.error);
        break;
      }
      const env = loaded.env;
      const presetJson = JSON.stringify(Object.fromEntries([...preset].map(([k, v]) => [k, JSON.stringify(v)])));
      let rebuild = false;
      try {
        const b = this.call(env, env.driver.begin, [job.op, job.itemsJson, presetJson]);
        if (!b.ok) {
          const err = this.describeError(env.ctx, env.errInfo, b.error);
          this.forget(job.envId);
          if (err.e === 'out-of-memory') this.discardModule();
          fillRest({ e: err.e, m: `the batch input could not be read in the sandbox: ${err.m}` });
          break;
        }
        let from = results.length;
        while (from < job.count) {
          this.lastTick = -1;
          const r = this.call(env, env.driver.run, [from]);
          if (r.ok) {
            from = r.value as number;
            this.takeInto(env, results);
            continue;
          }
          const idx = this.lastTick;
          const err = this.describeError(env.ctx, env.errInfo, r.error);
          if (idx < from) {
            // Not inside an item (e.g. the driver itself ran out of memory): the batch cannot go on.
            this.forget(job.envId);
            this.discardModule();
            fillRest({ e: err.e, m: err.m });
            break;
          }
          preset.set(idx, err);
          failures++;
          if (err.e === 'timeout') {
            // The context survives an interrupt: record the item and go on in the same context.
            const f = this.call(env, env.driver.fail, [idx, err.e, err.m]);
            if (!f.ok) {
              f.error.dispose();
              rebuild = true;
              break;
            }
            from = idx + 1;
            if (failures > MAX_FAILURES_PER_JOB) {
              this.takeInto(env, results);
              fillRest({ e: 'timeout', m: `not run: the environment ran past the deadline ${failures} times in this batch` });
              break;
            }
            continue;
          }
          rebuild = true;
          break;
        }
      } catch (e) {
        // A host-level exception (e.g. a WASM trap or a host stack overflow): drop the module.
        const msg = (e as Error)?.message ?? String(e);
        const kind: SandboxErrorKind = /call stack/i.test(msg) ? 'stack-overflow' : 'host-crash';
        failures++;
        if (this.lastTick >= results.length && failures <= MAX_FAILURES_PER_JOB)
          preset.set(this.lastTick, { e: kind, m: `${kind === 'stack-overflow' ? 'recursion too deep' : 'the sandbox failed'}: ${msg}` });
        else {
          this.discardModule();
          fillRest({ e: kind, m: msg });
          break;
        }
        this.discardModule();
        continue;
      }
      if (rebuild) {
        // Out of memory or repeated failures: start over in a fresh module; items already
        // taken stay, the rest re-run with the failed items preset.
        this.forget(job.envId);
        this.discardModule();
        if (failures > MAX_FAILURES_PER_JOB) {
          const last = [...preset.values()].pop() as { e: SandboxErrorKind; m: string };
          fillRest({ e: last.e, m: `not run: the environment failed ${failures} times in this batch (last: ${last.m})` });
        }
      }
    }
    if (results.some((r) => 'e' in r && r.e === 'out-of-memory')) {
      this.forget(job.envId);
      this.discardModule();
    }
    return results;
  }

  private takeInto(env: LoadedEnv, results: WireResult[]): void {
    const t = this.call(env, env.driver.take, []);
    if (!t.ok) {
      t.error.dispose();
      throw new HostFailure('the sandbox could not return its results');
    }
    for (const r of JSON.parse(t.value as string) as WireResult[]) results.push(r);
  }

  /** Disposes every cached environment. */
  close(): void {
    for (const id of [...this.envs.keys()]) this.forget(id);
    this.module = undefined;
  }
}
