/**
 * Code that runs INSIDE QuickJS before an environment module: the seeded rng and the batch driver.
 *
 * Why in the guest: a batch (sample N instances, score N answers) crosses the host/guest
 * boundary once as a JSON string each way; per item the guest only calls the host's `tick(i)`
 * (which restarts the per-item deadline and feeds the watchdog's heartbeat).
 *
 * The prelude captures the builtins it needs before environment code runs, so an environment
 * that reassigns JSON or Array methods cannot break the driver. It removes Math.random (Date is
 * disabled as an intrinsic) and installs a no-op `console` (LLM-written code often logs).
 *
 * rng: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit version as in PractRand), its four
 * words seeded by splitmix32 from the seed, first 15 outputs discarded. See docs/sandbox.md.
 */
import { ENV_NAME_MAX, ENV_NAME_PATTERN } from './types';

export const GUEST_PRELUDE = String.raw`(function (tick, limitsJson) {
  'use strict';
  const LIMITS = JSON.parse(limitsJson);
  const JSONparse = JSON.parse, JSONstringify = JSON.stringify;
  const getProto = Object.getPrototypeOf, ObjectProto = Object.prototype, keysOf = Object.keys;
  const isArray = Array.isArray, arrayFrom = Array.from, freeze = Object.freeze;
  const isFinite_ = Number.isFinite, isInteger = Number.isInteger, floor = Math.floor, ceil = Math.ceil, imul = Math.imul;
  const StringC = String, InternalErrorC = typeof InternalError === 'function' ? InternalError : null;
  const RangeErrorC = RangeError, TypeErrorC = TypeError, PromiseC = Promise;

  delete Math.random;
  const noop = function () {};
  globalThis.console = freeze({ log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop });

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
  function clip(s, n) { s = StringC(s); return s.length > n ? s.slice(0, n) + '...' : s; }
  function errInfo(e) {
    if (e instanceof Fail) return { e: e.kind, m: e.message };
    let msg = '';
    try {
      if (e !== null && typeof e === 'object') {
        const name = StringC(e.name === undefined ? 'Error' : e.name);
        msg = name + ': ' + StringC(e.message);
        if (InternalErrorC && e instanceof InternalErrorC) {
          if (/out of memory/.test(msg)) return { e: 'out-of-memory', m: 'ran out of memory (the sandbox memory cap is ' + LIMITS.memoryMb + ' MiB)' };
          if (/stack overflow/.test(msg)) return { e: 'stack-overflow', m: 'stack overflow: recursion too deep (the sandbox stack is ' + LIMITS.stackKb + ' KiB)' };
          if (/interrupted/.test(msg)) return { e: 'timeout', m: 'ran past the ' + LIMITS.callTimeoutMs + ' ms deadline' };
        }
        if (e instanceof RangeErrorC && /call stack/i.test(msg)) return { e: 'stack-overflow', m: 'stack overflow: recursion too deep (the sandbox stack is ' + LIMITS.stackKb + ' KiB)' };
        if (typeof e.stack === 'string' && e.stack) { const st = e.stack.split('\n').filter(function (l) { return l.indexOf('environment.js') >= 0; }).join('\n'); if (st) msg += '\n' + clip(st, 300); }
      } else {
        msg = 'threw ' + clip(typeof e === 'string' ? JSONstringify(e) : StringC(e), 200);
      }
    } catch (e2) { msg = 'threw a value that cannot be described'; }
    return { e: 'guest-error', m: clip(msg, 800) };
  }

  return freeze({ errInfo: function (e) { return JSONstringify(errInfo(e)); }, bind: function bind(ns) {
    if (ns instanceof PromiseC) throw new Fail('invalid-module', 'top-level await is not supported: the module must evaluate synchronously');
    const env = ns ? ns['default'] : undefined;
    function need(name) {
      if (env === null || typeof env !== 'object') throw new Fail('invalid-module', 'the module has no default export object: write export default { name, description, tags, generate, prompt, verify, solve }');
      const f = env[name];
      if (typeof f !== 'function') throw new Fail('invalid-module', 'the default export has no ' + name + '() function');
      return f;
    }
    function instance(seed, difficulty) {
      const state = need('generate').call(env, makeRng(seed), difficulty);
      if (state === undefined) throw nonJson('generate() returned undefined; it must return a JSON-serialisable state');
      checkJson(state, 'the state returned by generate()', 0);
      const json = JSONstringify(state);
      if (json.length > LIMITS.maxOutputBytes) throw new Fail('output-too-large', 'the state is ' + json.length + ' characters of JSON, over the limit of ' + LIMITS.maxOutputBytes);
      return json;
    }
    function reward(r) {
      if (r === true) return 1;
      if (r === false) return 0;
      if (typeof r === 'number' && r >= 0 && r <= 1) return r;
      throw nonJson('verify() returned ' + clip(typeof r === 'string' ? JSONstringify(r) : StringC(r), 60) + ' (' + typeof r + '); it must return true/false or a number in [0, 1]');
    }
    function verify(state, answer) {
      if (typeof answer !== 'string') throw new TypeErrorC('answer must be a string');
      if (answer.length > LIMITS.maxAnswerChars) throw new Fail('output-too-large', 'the answer has ' + answer.length + ' characters, over the limit of ' + LIMITS.maxAnswerChars);
      return reward(need('verify').call(env, state, answer));
    }
    let op = '', items = [], preset = {}, parts = [], bytes = 0, states = {}, ooms = 0;
    const ops = {
      describe: function () {
        const problems = [];
        if (env === null || typeof env !== 'object') throw new Fail('invalid-module', 'the module has no default export object: write export default { name, description, tags, generate, prompt, verify, solve }');
        const name = env.name, description = env.description, tags = env.tags;
        if (typeof name !== 'string' || !/${ENV_NAME_PATTERN}/.test(name) || name.length > ${ENV_NAME_MAX}) problems.push('name must be a kebab-case string such as "grid-lights-out" (got ' + clip(JSONstringify(name) || StringC(name), 60) + ')');
        if (typeof description !== 'string' || !description.trim()) problems.push('description must be a non-empty string');
        if (!isArray(tags) || tags.some(function (t) { return typeof t !== 'string' || !t; })) problems.push('tags must be an array of non-empty strings');
        ['generate', 'prompt', 'verify', 'solve'].forEach(function (f) { if (typeof env[f] !== 'function') problems.push(f + ' must be a function'); });
        if (problems.length) throw new Fail('invalid-module', 'the default export does not match the environment contract: ' + problems.join('; '));
        return '{"v":' + JSONstringify({ name: name, description: clip(description, 2000), tags: arrayFrom(tags) }) + '}';
      },
      sample: function (it) {
        const json = instance(it.seed, it.difficulty);
        const prompt = need('prompt').call(env, JSONparse(json));
        if (typeof prompt !== 'string') throw nonJson('prompt() returned ' + typeof prompt + '; it must return the question text as a string');
        if (prompt.length > LIMITS.maxPromptChars) throw new Fail('output-too-large', 'the prompt has ' + prompt.length + ' characters, over the limit of ' + LIMITS.maxPromptChars);
        return '{"v":{"state":' + json + ',"prompt":' + JSONstringify(prompt) + '}}';
      },
      solve: function (state) {
        let a = need('solve').call(env, state);
        if (typeof a === 'number' && isFinite_(a)) a = StringC(a);
        if (typeof a !== 'string') throw nonJson('solve() returned ' + (a === null ? 'null' : typeof a) + '; it must return the answer text as a string');
        if (a.length > LIMITS.maxOutputBytes) throw new Fail('output-too-large', 'the solution has ' + a.length + ' characters, over the limit of ' + LIMITS.maxOutputBytes);
        return '{"v":' + JSONstringify(a) + '}';
      },
      score: function (it) { return '{"v":' + verify(it.state, it.answer) + '}'; },
      scoreInstances: function (it) {
        const key = it.seed + ':' + it.difficulty;
        let json = states[key];
        if (json === undefined) { json = instance(it.seed, it.difficulty); states[key] = json; }
        return '{"v":' + verify(JSONparse(json), it.answer) + '}';
      },
    };
    return freeze({
      begin: function (o, json, presetJson) {
        op = o; items = JSONparse(json); preset = JSONparse(presetJson); parts = []; bytes = 0; states = {}; ooms = 0;
        return items.length;
      },
      /** Runs items from..; returns the next index (items.length when done, earlier when output is big). */
      run: function (from) {
        const f = ops[op];
        for (let i = from; i < items.length; i++) {
          let s = preset[i];
          if (s === undefined) {
            if (ooms > 3) s = JSONstringify({ e: 'out-of-memory', m: 'not run: the environment ran out of memory ' + ooms + ' times in this batch' });
            else {
              tick(i);
              try { s = f(items[i]); } catch (e) { const info = errInfo(e); if (info.e === 'out-of-memory') ooms++; s = JSONstringify(info); }
            }
          }
          parts.push(s); bytes += s.length;
          if (bytes > 4000000) return i + 1;
        }
        return items.length;
      },
      /** Records a failure the host saw (an uncatchable interrupt) for item i. */
      fail: function (i, kind, message) { parts.push(JSONstringify({ e: kind, m: message })); },
      /** The results gathered since the last take, as a JSON array. */
      take: function () { const s = '[' + parts.join(',') + ']'; parts = []; bytes = 0; return s; },
    });
  } });
})`;
