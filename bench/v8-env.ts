/** An environment module run in plain V8 (node:vm), for the "physical limit" column of the benches. */
import * as vm from 'node:vm';

/** verify in plain V8: the same module text run in a node:vm context. */
export function v8Verifier(source: string): (state: unknown, answer: string) => unknown {
  const ctx = vm.createContext({});
  vm.runInContext(source.replace(/export\s+default/, 'globalThis.__env ='), ctx);
  const env = (ctx as { __env: { verify(s: unknown, a: string): unknown } }).__env;
  return (s, a) => env.verify(s, a);
}
