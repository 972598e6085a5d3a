/** Parsing of flag values, with errors that name the flag and what it expects (exit code 2). */
import { CliError } from './output';

/** An integer in [min, max]. */
export function intFlag(flag: string, raw: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
    throw new CliError(`${flag} ${JSON.stringify(raw)}: expected an integer ${range}`);
  }
  return n;
}

/** A finite number, at least min. */
export function numberFlag(flag: string, raw: string, min = -Infinity): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new CliError(`${flag} ${JSON.stringify(raw)}: expected a number${min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return n;
}

/** The same for an optional flag: undefined stays undefined. */
export const optional =
  <T>(parse: (flag: string, raw: string, min?: number) => T) =>
  (flag: string, raw: string | undefined, min?: number): T | undefined =>
    raw === undefined ? undefined : parse(flag, raw, min);

/** A comma-separated list, trimmed, empty items dropped. */
export const listFlag = (raw: string): string[] =>
  raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A finite number > 0 (budgets, rates). */
export function positiveNumberFlag(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliError(`${flag} ${JSON.stringify(raw)}: expected a positive number`);
  return n;
}
