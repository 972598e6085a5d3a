/**
 * Code that runs INSIDE QuickJS before an environment module: the seeded rng, the realm
 * hardening and the batch driver.
 *
 * Why in the guest: a batch (sample N instances, verify N answers) crosses the host/guest
 * boundary once as a JSON string each way; per item the guest only calls the host's `tick(x)`
 * (which restarts the per-item deadline and feeds the watchdog's heartbeat).
 *
 * Tamper-proof by construction (issue 13):
 * - the driver only uses intrinsics captured (and uncurried) before environment code runs, and
 *   builds every result record itself from primitives (a reward is a checked number, a state or
 *   a solution is the text JSON.stringify returned), so nothing an environment overrides can
 *   rewrite a record;
 * - before any environment code runs the realm is hardened: Math.random, WeakRef and
 *   FinalizationRegistry are removed (entropy and GC-observing channels) and every intrinsic
 *   reachable from globalThis (plus the hidden iterator/generator prototypes) and globalThis
 *   itself are frozen. A few properties that ordinary code assigns on its own objects
 *   (`err.name = ...`, `obj.toString = ...`: the "override mistake") become accessors that
 *   define an own property on the receiver instead;
 * - isolation per call: the module body is compiled once into a factory and evaluated afresh
 *   for EVERY call (generate, prompt, verify, solve), and a state is re-parsed from its JSON
 *   text for every call, so a call sees no closure, counter or object an earlier call touched.
 *
 * rng: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit version as in PractRand), its four
 * words seeded by splitmix32 from the seed, first 15 outputs discarded. See docs/sandbox.md.
 *
 * tick(x): x = item index (integer) when an item starts verify/prompt/solve, index + 0.5 when it
 * starts generating its instance's state (so a failure there is charged to the whole instance).
 */
import { ENV_NAME_MAX, ENV_NAME_PATTERN } from './types';

export const GUEST_PRELUDE = String.raw`(function (tick, limitsJson) {
  'use strict';
  const ObjectC = Object, FunctionProto = Function.prototype;
  const uncurry = FunctionProto.bind.bind(FunctionProto.call);
  const LIMITS = JSON.parse(limitsJson);
  const JSONparse = JSON.parse, JSONstringify = JSON.stringify;
  const getProto = ObjectC.getPrototypeOf, ObjectProto = ObjectC.prototype, keysOf = ObjectC.keys, freeze = ObjectC.freeze;
  const isFrozen = ObjectC.isFrozen, defineProperty = ObjectC.defineProperty, getOwnDesc = ObjectC.getOwnPropertyDescriptor;
  const ownKeys = Reflect.ownKeys, applyFn = Reflect.apply;
  const isArray = Array.isArray, arrayFrom = Array.from;
  const push = uncurry(Array.prototype.push), join = uncurry(Array.prototype.join), aslice = uncurry(Array.prototype.slice);
  const sslice = uncurry(String.prototype.slice), indexOf = uncurry(String.prototype.indexOf), split = uncurry(String.prototype.split);
  const trim = uncurry(String.prototype.trim), reTest = uncurry(RegExp.prototype.test);
  const isFinite_ = Number.isFinite, floor = Math.floor, ceil = Math.ceil, imul = Math.imul;
  const StringC = String, FunctionC = Function, InternalErrorC = typeof InternalError === 'function' ? InternalError : null;
  const RangeErrorC = RangeError, TypeErrorC = TypeError, PromiseC = Promise;
  const SetC = Set, setHas = uncurry(Set.prototype.has), setAdd = uncurry(Set.prototype.add);
  const KEBAB = /${ENV_NAME_PATTERN}/, OOM = /out of memory/, STACK = /stack overflow/, INTERRUPTED = /interrupted/, CALLSTACK = /call stack/i;

  // One rng object for the whole context, re-seeded per instance: building fresh closures and a
  // frozen object per instance cost ~10 µs in QuickJS, more than many generate() calls.
  let a = 0, b = 0, c = 0, d = 0;
  function next() {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }
  const float = function () { return next() / 4294967296; };
  const int = function (lo, hi) {
    // Fast path for 32-bit integer bounds (almost every call): pure bytecode, no builtin calls, and the
    // same value as below (x >>> 0 = floor(x) for 0 <= x < 2^32, and hi - lo + 1 <= 2^32).
    if ((lo | 0) === lo && (hi | 0) === hi && lo <= hi) return lo + ((next() / 4294967296 * (hi - lo + 1)) >>> 0);
    if (typeof lo !== 'number' || typeof hi !== 'number' || !isFinite_(lo) || !isFinite_(hi)) throw new TypeErrorC('rng.int(lo, hi) expects two finite numbers, got ' + lo + ', ' + hi);
    lo = ceil(lo); hi = floor(hi);
    if (hi < lo) throw new RangeErrorC('rng.int(lo, hi) needs lo <= hi, got ' + lo + ', ' + hi);
    return lo + floor(float() * (hi - lo + 1));
  };
  const RNG = freeze({
    float: float,
    int: int,
    bool: function (p) { return float() < (p === undefined ? 0.5 : p); },
    pick: function (arr) {
      if (arr == null || typeof arr.length !== 'number' || arr.length < 1) throw new RangeErrorC('rng.pick(array) needs a non-empty array');
      return arr[int(0, arr.length - 1)];
    },
    shuffle: function (arr) {
      const out = arrayFrom(arr);
      for (let i = out.length - 1; i > 0; i--) { const j = int(0, i); const t = out[i]; out[i] = out[j]; out[j] = t; }
      return out;
    },
  });
  /** Seeds sfc32 from splitmix32 (see docs/sandbox.md) and returns the shared rng. */
  function makeRng(seed) {
    const lo = (seed % 4294967296) >>> 0, hi = floor(seed / 4294967296) >>> 0;
    let s = (lo ^ imul(hi, 0x85ebca6b)) | 0, t = 0;
    // splitmix32 four times (a, b, c, d), then 15 sfc32 outputs discarded; written out inline because
    // a function call per step is most of the cost of seeding in QuickJS.
    s = (s + 0x9e3779b9) | 0; t = s ^ (s >>> 16); t = imul(t, 0x21f0aaad); t = t ^ (t >>> 15); t = imul(t, 0x735a2d97); a = t ^ (t >>> 15);
    s = (s + 0x9e3779b9) | 0; t = s ^ (s >>> 16); t = imul(t, 0x21f0aaad); t = t ^ (t >>> 15); t = imul(t, 0x735a2d97); b = t ^ (t >>> 15);
    s = (s + 0x9e3779b9) | 0; t = s ^ (s >>> 16); t = imul(t, 0x21f0aaad); t = t ^ (t >>> 15); t = imul(t, 0x735a2d97); c = t ^ (t >>> 15);
    s = (s + 0x9e3779b9) | 0; t = s ^ (s >>> 16); t = imul(t, 0x21f0aaad); t = t ^ (t >>> 15); t = imul(t, 0x735a2d97); d = t ^ (t >>> 15);
    for (let i = 0; i < 15; i++) {
      t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
    }
    return RNG;
  }

  // ---- hardening (runs once, before any environment code) ----
  delete Math.random;
  delete globalThis.WeakRef;
  delete globalThis.FinalizationRegistry;
  const noop = function () {};
  globalThis.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop };
  /** Data properties code commonly assigns on its own objects; frozen as data they would throw there. */
  function enableOverride(obj, key) {
    const desc = getOwnDesc(obj, key);
    if (!desc || !('value' in desc)) return;
    const value = desc.value;
    defineProperty(obj, key, {
      get: function () { return value; },
      set: function (v) {
        if (this === obj) throw new TypeErrorC('Cannot assign to ' + StringC(key) + ': the sandbox freezes built-in objects');
        defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable, configurable: false,
    });
  }
  ['constructor', 'toString', 'valueOf', 'toLocaleString'].forEach(function (k) { enableOverride(ObjectProto, k); });
  ['constructor', 'name', 'message', 'toString'].forEach(function (k) { enableOverride(Error.prototype, k); });
  ['constructor', 'toString'].forEach(function (k) { enableOverride(FunctionProto, k); });
  ['constructor', 'toString'].forEach(function (k) { enableOverride(Array.prototype, k); });
  const hidden = [
    function* () {}, async function () {}, async function* () {}, [][Symbol.iterator](), new Map()[Symbol.iterator](),
    new Set()[Symbol.iterator](), ''[Symbol.iterator](), /a/[Symbol.matchAll](''),
    getProto(Int8Array), (function () { return arguments; })(),
  ];
  const seen = new SetC();
  const stack = [globalThis, hidden];
  while (stack.length) {
    const o = stack.pop();
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || setHas(seen, o)) continue;
    setAdd(seen, o);
    const ks = ownKeys(o);
    for (let i = 0; i < ks.length; i++) {
      const dsc = getOwnDesc(o, ks[i]);
      if (!dsc) continue;
      if ('value' in dsc) push(stack, dsc.value); else { push(stack, dsc.get); push(stack, dsc.set); }
    }
    push(stack, getProto(o));
  }
  seen.forEach(function (o) { if (!isFrozen(o)) freeze(o); });

  // ---- results ----
  function Fail(kind, message) { this.kind = kind; this.message = message; }
  function nonJson(msg) { return new Fail('non-json', msg); }
  function checkJson(v, what, depth) {
    if (depth > 100) throw nonJson(what + ' nests deeper than 100 levels (or is cyclic)');
    switch (typeof v) {
      case 'string': case 'boolean': return;
      case 'number': if (!isFinite_(v)) throw nonJson(what + ' contains ' + v + ', which is not JSON'); return;
      case 'object': {
        if (v === null) return;
        if (isArray(v)) { for (let i = 0; i < v.length; i++) checkJson(v[i], what, depth + 1); return; }
        const p = getProto(v);
        if (p !== ObjectProto && p !== null) {
          let n = 'non-plain object'; try { n = 'a ' + StringC(p.constructor && p.constructor.name) + ' object'; } catch (e) {}
          throw nonJson(what + ' contains ' + n + '; only plain objects, arrays, strings, finite numbers, booleans and null cross the sandbox');
        }
        const ks = keysOf(v);
        for (let i = 0; i < ks.length; i++) checkJson(v[ks[i]], what, depth + 1);
        return;
      }
      default: throw nonJson(what + ' contains a value of type ' + typeof v + ', which is not JSON');
    }
  }
  /**
   * A function that returns a fresh copy of the value of a JSON text, as an object literal; null
   * where a literal could mean something else than JSON.parse: a "__proto__" key (a literal sets
   * the prototype), backslash-u escapes (one could spell __proto__), U+2028/U+2029, and texts
   * over LITERAL_MAX_CHARS (compiling costs memory). Only called on text JSON.parse accepted, so
   * the body is one JSON value and nothing else.
   */
  const LITERAL_MIN = 6, LITERAL_MAX_CHARS = 65536;
  function literalMaker(text) {
    if (text.length > LITERAL_MAX_CHARS || indexOf(text, '__proto__') >= 0 || indexOf(text, '\\u') >= 0 || indexOf(text, '\u2028') >= 0 || indexOf(text, '\u2029') >= 0) return null;
    try { return FunctionC('return (' + text + '\n);'); } catch (e) { return null; }
  }
  function clip(s, n) { s = StringC(s); return s.length > n ? sslice(s, 0, n) + '...' : s; }
  /** A failure record: kind is one of ours, message a string, both escaped by the captured stringify. */
  function rec(kind, message) { return '{"e":' + JSONstringify(kind) + ',"m":' + JSONstringify(StringC(message)) + '}'; }
  function errRec(e) {
    if (e instanceof Fail) return rec(e.kind, e.message);
    let msg = '';
    try {
      if (e !== null && typeof e === 'object') {
        const name = StringC(e.name === undefined ? 'Error' : e.name);
        msg = name + ': ' + StringC(e.message);
        if (InternalErrorC && e instanceof InternalErrorC) {
          if (reTest(OOM, msg)) return rec('out-of-memory', 'ran out of memory (the sandbox memory cap is ' + LIMITS.memoryMb + ' MiB)');
          if (reTest(STACK, msg)) return rec('stack-overflow', 'stack overflow: recursion too deep (the sandbox stack is ' + LIMITS.stackKb + ' KiB)');
          if (reTest(INTERRUPTED, msg)) return rec('timeout', 'ran past its deadline');
        }
        if (e instanceof RangeErrorC && reTest(CALLSTACK, msg)) return rec('stack-overflow', 'stack overflow: recursion too deep (the sandbox stack is ' + LIMITS.stackKb + ' KiB)');
        const st = e.stack;
        if (typeof st === 'string' && st) {
          const lines = split(st, '\n'), keep = [];
          for (let i = 0; i < lines.length; i++) if (indexOf(lines[i], 'environment.js') >= 0) push(keep, lines[i]);
          if (keep.length) msg += '\n' + clip(join(keep, '\n'), 300);
        }
      } else {
        msg = 'threw ' + clip(typeof e === 'string' ? JSONstringify(e) : StringC(e), 200);
      }
    } catch (e2) { msg = 'threw a value that cannot be described'; }
    return rec('guest-error', clip(msg, 800));
  }

  return freeze({ errInfo: function (e) { return errRec(e); }, bind: function bind(factory) {
    /** A fresh evaluation of the module: its default export (one per batch only when measuring the isolation cost). */
    let shared = null;
    function fresh() {
      if (LIMITS.isolation === 'batch' && shared !== null) return shared;
      const env = factory();
      shared = env;
      if (env === null || typeof env !== 'object') throw new Fail('invalid-module', 'the module has no default export object: write export default { name, description, tags, generate, prompt, verify, solve }');
      return env;
    }
    /** Calls env[name] on a fresh module evaluation. */
    function call(name, x, y) {
      const env = fresh();
      const f = env[name];
      if (typeof f !== 'function') throw new Fail('invalid-module', 'the default export has no ' + name + '() function');
      return applyFn(f, env, [x, y]);
    }
    function instance(seed, difficulty) {
      const state = call('generate', makeRng(seed), difficulty);
      if (state === undefined) throw nonJson('generate() returned undefined; it must return a JSON-serialisable state');
      checkJson(state, 'the state returned by generate()', 0);
      const json = JSONstringify(state);
      if (typeof json !== 'string') throw nonJson('the state returned by generate() does not serialise to JSON');
      if (json.length > LIMITS.maxOutputBytes) throw new Fail('output-too-large', 'the state is ' + json.length + ' characters of JSON, over the limit of ' + LIMITS.maxOutputBytes);
      return json;
    }
    function reward(r) {
      if (r === true) return 1;
      if (r === false) return 0;
      if (typeof r === 'number' && r >= 0 && r <= 1) return r;
      throw nonJson('verify() returned ' + clip(typeof r === 'string' ? JSONstringify(r) : StringC(r), 60) + ' (' + typeof r + '); it must return true/false or a number in [0, 1]');
    }
    /** Per batch: the items, results so far and, for verify, the instances with their state text. */
    let op = '', items = [], preset = {}, parts = [], bytes = 0, insts = [], instOf = [], ansOf = [], stateText = [], stateFail = [], makers = [], newStates = [], phase = 0, cur = -1;
    function ensureState(k, i) {
      if (stateText[k] !== undefined || stateFail[k] !== undefined) return;
      const it = insts[k];
      if (typeof it.state === 'string') { stateText[k] = it.state; return; }
      phase = 1; tick(i + 0.5);
      try { stateText[k] = instance(it.seed, it.difficulty); push(newStates, k); } catch (e) { stateFail[k] = errRec(e); }
      phase = 0; tick(i);
    }
    /**
     * A fresh copy of instance k's state for one call (per-call isolation: no call sees an object
     * another call touched), made from its JSON text: by JSON.parse, or when the instance has at
     * least LITERAL_MIN answers by an object literal compiled once per instance (QuickJS builds a
     * literal 4-7x faster than JSON.parse reads the same text; compiling costs ~2-3 parses).
     */
    function stateOf(k) {
      const it = insts[k];
      const mk = makers[k];
      if (mk === undefined) {
        const v = JSONparse(stateText[k]); // this call's copy, and the proof that the text is JSON
        makers[k] = it.answers.length >= LITERAL_MIN ? literalMaker(stateText[k]) : null;
        return v;
      }
      return mk !== null ? mk() : JSONparse(stateText[k]);
    }
    const ops = {
      describe: function () {
        const problems = [];
        const env = fresh();
        const name = env.name, description = env.description, tags = env.tags;
        if (typeof name !== 'string' || !reTest(KEBAB, name) || name.length > ${ENV_NAME_MAX}) push(problems, 'name must be a kebab-case string such as "grid-lights-out" (got ' + clip(JSONstringify(name) || StringC(name), 60) + ')');
        if (typeof description !== 'string' || !trim(description)) push(problems, 'description must be a non-empty string');
        let tagList = [];
        if (!isArray(tags)) push(problems, 'tags must be an array of non-empty strings');
        else { tagList = aslice(tags); for (let i = 0; i < tagList.length; i++) if (typeof tagList[i] !== 'string' || !tagList[i]) { push(problems, 'tags must be an array of non-empty strings'); break; } }
        const fs = ['generate', 'prompt', 'verify', 'solve'];
        for (let i = 0; i < fs.length; i++) if (typeof env[fs[i]] !== 'function') push(problems, fs[i] + ' must be a function');
        if (problems.length) throw new Fail('invalid-module', 'the default export does not match the environment contract: ' + join(problems, '; '));
        return '{"v":{"name":' + JSONstringify(name) + ',"description":' + JSONstringify(clip(description, 2000)) + ',"tags":' + JSONstringify(tagList) + '}}';
      },
      sample: function (it, i) {
        phase = 1; tick(i + 0.5);
        const json = instance(it.seed, it.difficulty);
        phase = 0; tick(i);
        const prompt = call('prompt', JSONparse(json));
        if (typeof prompt !== 'string') throw nonJson('prompt() returned ' + typeof prompt + '; it must return the question text as a string');
        if (prompt.length > LIMITS.maxPromptChars) throw new Fail('output-too-large', 'the prompt has ' + prompt.length + ' characters, over the limit of ' + LIMITS.maxPromptChars);
        return '{"v":{"state":' + json + ',"prompt":' + JSONstringify(prompt) + '}}';
      },
      solve: function (state) {
        let s = call('solve', state);
        if (typeof s === 'number' && isFinite_(s)) s = StringC(s);
        if (typeof s !== 'string') throw nonJson('solve() returned ' + (s === null ? 'null' : typeof s) + '; it must return the answer text as a string');
        if (s.length > LIMITS.maxOutputBytes) throw new Fail('output-too-large', 'the solution has ' + s.length + ' characters, over the limit of ' + LIMITS.maxOutputBytes);
        return '{"v":' + JSONstringify(s) + '}';
      },
      verify: function (answer, i) {
        const k = instOf[i];
        ensureState(k, i);
        if (stateFail[k] !== undefined) return stateFail[k];
        if (typeof answer !== 'string') throw new TypeErrorC('answer must be a string');
        if (answer.length > LIMITS.maxAnswerChars) throw new Fail('output-too-large', 'the answer has ' + answer.length + ' characters, over the limit of ' + LIMITS.maxAnswerChars);
        return '{"v":' + reward(call('verify', stateOf(k), answer)) + '}';
      },
    };
    return freeze({
      /** Reads a batch: for verify, items are instances {seed, difficulty, state?: JSON text, answers}. Returns the item count. */
      begin: function (o, json, presetJson) {
        op = o; preset = JSONparse(presetJson); parts = []; bytes = 0; newStates = []; phase = 0; cur = -1; shared = null;
        const input = JSONparse(json);
        if (op === 'verify') {
          insts = input; items = []; instOf = []; ansOf = []; stateText = []; stateFail = []; makers = [];
          for (let k = 0; k < insts.length; k++) { const as = insts[k].answers; for (let j = 0; j < as.length; j++) { push(items, as[j]); push(instOf, k); } }
        } else items = input;
        return items.length;
      },
      /** Runs items from..; returns the next index (items.length when done, earlier when output is big). */
      run: function (from) {
        const f = ops[op];
        for (let i = from; i < items.length; i++) {
          let s = preset[i];
          if (s === undefined) {
            cur = i; tick(i);
            try { s = f(items[i], i); } catch (e) { s = errRec(e); }
          }
          push(parts, s); bytes += s.length;
          if (bytes > 4000000) return i + 1;
        }
        return items.length;
      },
      /** Records a failure the host saw (an uncatchable interrupt) for the current item; in generate, for its whole instance. */
      fail: function (kind, message) {
        const r = rec(kind, message);
        if (op === 'verify' && phase === 1 && cur >= 0) stateFail[instOf[cur]] = r;
        phase = 0;
        push(parts, r);
      },
      /** The results gathered since the last take, as a JSON array. */
      take: function () { const s = '[' + join(parts, ',') + ']'; parts = []; bytes = 0; return s; },
      /** States generated in this batch as [[instance index, JSON text], ...] (the host caches them). */
      states: function () {
        const out = [];
        for (let i = 0; i < newStates.length; i++) push(out, '[' + newStates[i] + ',' + JSONstringify(stateText[newStates[i]]) + ']');
        newStates = [];
        return '[' + join(out, ',') + ']';
      },
    });
  } });
})`;

/**
 * The module body as a factory: `export default X` becomes an assignment to a local that the
 * factory returns; other `export` keywords before declarations are dropped. The source is first
 * evaluated as a real module (that gives syntax errors and the ES module rules), so a valid
 * module cannot close the wrapper early: the wrapper only changes the export keywords.
 */
export function factorySource(source: string): string {
  const body = source
    .replace(/\bexport\s+default\b/g, '__resynExport =')
    .replace(/\bexport\s+(?=(?:const|let|var|function|class|async)\b)/g, '');
  return `(function () { 'use strict'; let __resynExport;\n${body}\n;return __resynExport; })`;
}
