/**
 * Parsing an instance reference as trainers send it: the row's ground_truth JSON string, the
 * object it encodes, or verl's whole reward_model dict {style, ground_truth}.
 */
export interface InstanceRef {
  env_id: string;
  seed: number;
  difficulty: number;
}

export type Parsed = { ok: true; value: InstanceRef } | { ok: false; reason: string };

export function parseInstance(gt: unknown): Parsed {
  let v: unknown = gt;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return { ok: false, reason: 'malformed ground_truth: not a JSON string {"env_id","seed","difficulty"}' };
    }
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && 'ground_truth' in v && !('env_id' in v))
    return parseInstance((v as any).ground_truth);
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return { ok: false, reason: 'malformed ground_truth: expected {"env_id","seed","difficulty"}' };
  const o = v as Record<string, unknown>;
  if (typeof o.env_id !== 'string' || !/^[0-9a-f]{6,64}$/.test(o.env_id))
    return { ok: false, reason: 'malformed ground_truth: env_id must be an environment id (hex)' };
  if (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < 0 || o.seed >= 2 ** 32)
    return { ok: false, reason: 'malformed ground_truth: seed must be an integer in [0, 2^32)' };
  if (typeof o.difficulty !== 'number' || !Number.isInteger(o.difficulty) || o.difficulty < 1 || o.difficulty > 10)
    return { ok: false, reason: 'malformed ground_truth: difficulty must be an integer 1..10' };
  return { ok: true, value: { env_id: o.env_id, seed: o.seed, difficulty: o.difficulty } };
}
