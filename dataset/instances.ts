/**
 * Which instances a dataset holds: deterministic seeds per (environment, split, position) and the
 * difficulty of each position. Train seeds lie in [0, 2^31), validation seeds in [2^31, 2^32), so
 * the splits never share an instance; within a split an environment's seeds are consecutive
 * (mod 2^31) from an offset hashed from its id, so they never repeat and differ across envs.
 */
import { createHash } from 'node:crypto';
import { sha256 } from '../lib/hash';
import type { Split } from './plan';
import type { LevelWeight } from '../contracts/sample-request';

const HALF = 2 ** 31;

function offset(envId: string, split: Split): number {
  return createHash('sha256').update(`resyn-seed/${envId}/${split}`).digest().readUInt32BE(0) % HALF;
}

export function seedFor(envId: string, split: Split, position: number): number {
  return (split === 'train' ? 0 : HALF) + ((offset(envId, split) + position) % HALF);
}

/** Seeds for positions [from, to) (one hash per call). */
export function seedRange(envId: string, split: Split, from: number, to: number): number[] {
  const off = offset(envId, split);
  const base = split === 'train' ? 0 : HALF;
  const out: number[] = [];
  for (let p = from; p < to; p++) out.push(base + ((off + p) % HALF));
  return out;
}

export function splitOfSeed(seed: number): Split {
  return seed < HALF ? 'train' : 'validation';
}

const PHI = 0.6180339887498949;

/**
 * Difficulty of position p: equal weights cycle through the levels (exact balance); unequal
 * weights follow a golden-ratio low-discrepancy sequence over the cumulative weights, so every
 * prefix of the sequence is close to the requested mix.
 */
export function difficultyFor(levels: LevelWeight[], position: number): number {
  if (levels.every((l) => l.weight === levels[0]!.weight)) return levels[position % levels.length]!.level;
  const total = levels.reduce((a, l) => a + l.weight, 0);
  const u = ((position * PHI) % 1) * total;
  let acc = 0;
  for (const l of levels) {
    acc += l.weight;
    if (u < acc) return l.level;
  }
  return levels[levels.length - 1]!.level;
}

/** An instance's deterministic row id: (environment id, seed, difficulty). */
export function instanceId(envId: string, seed: number, difficulty: number): string {
  return sha256(`${envId}:${seed}:${difficulty}`).slice(0, 32);
}
