/**
 * Loads an ES-module-only package from this commonjs build. tsc would turn `import()` into
 * `require()`, which Node < 20.19 refuses for ES modules; a real dynamic import works everywhere.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

const cache = new Map<string, Promise<any>>();
export function importEsm<T = any>(specifier: string): Promise<T> {
  let p = cache.get(specifier);
  if (!p) {
    p = dynamicImport(specifier);
    cache.set(specifier, p);
  }
  return p;
}
