/**
 * Parsing an instance reference as trainers send it: the row's ground_truth JSON string, the
 * object it encodes, or verl's whole reward_model dict {style, ground_truth} (one level only: a
 * client controls the nesting, so nothing here recurses on its input).
 */
export interface InstanceRef {
  env_id: string;
  seed: number;
  difficulty: number;
}

export type Parsed = { ok: true; value: InstanceRef } | { ok: false; reason: string };

/** A real ground_truth is ~110 characters; anything far longer is not one (and is not worth parsing or caching). */
export const MAX_GROUND_TRUTH_CHARS = 1024;

function parseJson(s: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (s.length > MAX_GROUND_TRUTH_CHARS)
    return {
      ok: false,
      reason: `malformed ground_truth: ${s.length} characters (an instance reference is under ${MAX_GROUND_TRUTH_CHARS})`,
    };
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false, reason: 'malformed ground_truth: not a JSON string {"env_id","seed","difficulty"}' };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function parseInstance(gt: unknown): Parsed {
  let v: unknown = gt;
  if (typeof v === 'string') {
    const j = parseJson(v);
    if (!j.ok) return j;
    v = j.value;
  }
  // verl's reward_model dict: {style, ground_truth: "<the string>"} (one level, no recursion).
  if (isRecord(v) && 'ground_truth' in v && !('env_id' in v)) {
    v = v.ground_truth;
    if (typeof v === 'string') {
      const j = parseJson(v);
      if (!j.ok) return j;
      v = j.value;
    }
  }
  if (!isRecord(v)) return { ok: false, reason: 'malformed ground_truth: expected {"env_id","seed","difficulty"}' };
  const o = v;
  if (typeof o.env_id !== 'string' || !/^[0-9a-f]{6,64}$/.test(o.env_id))
    return { ok: false, reason: 'malformed ground_truth: env_id must be an environment id (hex)' };
  if (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < 0 || o.seed >= 2 ** 32)
    return { ok: false, reason: 'malformed ground_truth: seed must be an integer in [0, 2^32)' };
  if (typeof o.difficulty !== 'number' || !Number.isInteger(o.difficulty) || o.difficulty < 1 || o.difficulty > 10)
    return { ok: false, reason: 'malformed ground_truth: difficulty must be an integer 1..10' };
  return { ok: true, value: { env_id: o.env_id, seed: o.seed, difficulty: o.difficulty } };
}
