/** An environment's identity: sha256 of its normalised source (see normaliseSource). */
import { createHash } from 'node:crypto';

/**
 * Normalisation, so that cosmetic differences do not change the id: strip a BOM, turn CRLF/CR
 * into LF, drop trailing whitespace on every line and leading/trailing blank lines, end with one LF.
 */
export function normaliseSource(source: string): string {
  return (
    source
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trim() + '\n'
  );
}

const cache = new Map<string, string>();

/** sha256 hex of the normalised source (memoised for the last few sources: hashing runs per batch). */
export function environmentId(source: string): string {
  const hit = cache.get(source);
  if (hit) return hit;
  const id = createHash('sha256').update(normaliseSource(source), 'utf8').digest('hex');
  if (cache.size >= 64) cache.delete(cache.keys().next().value!);
  cache.set(source, id);
  return id;
}
