/**
 * The sampling request (input of the sampleTrainingData workflow and of `resyn sample`), as a zod
 * schema. Pure module: the workflow imports it to validate its input before doing anything.
 */
import { z } from 'zod';

const level = z.number().int().min(1).max(10);

/** A list of levels (repeats weigh more) or a weighted mix {"1": 2, "5": 1}. */
export const difficultiesSchema = z.union([
  z.array(level).min(1, 'give at least one difficulty level'),
  z
    .record(z.string().regex(/^(10|[1-9])$/, 'difficulty levels are integers 1..10'), z.number().positive('weights must be > 0'))
    .refine((m) => Object.keys(m).length > 0, 'give at least one difficulty level'),
]);

export const sampleRequestSchema = z
  .object({
    /** Dataset name: the output folder (<dataDir>/datasets/<name>) and the workflow id. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_", "-" (max 100), starting with a letter or digit'),
    filter: z
      .object({
        status: z.enum(['accepted', 'rejected']).default('accepted'),
        tags: z.array(z.string().min(1)).optional(),
        ids: z.array(z.string().min(1)).optional(),
        /** Drop environments whose difficulty calibration failed (needs a calibration for the policy model). */
        calibratedOnly: z.boolean().default(false),
      })
      .strict()
      .default({ status: 'accepted', calibratedOnly: false }),
    instancesPerEnv: z.number().int().min(1).max(10_000_000).default(100),
    difficulties: difficultiesSchema.default([1, 2, 3, 4, 5]),
    split: z
      .union([
        z.object({ validationFraction: z.number().min(0).max(0.9) }).strict(),
        /** Fixed counts per environment (instancesPerEnv is then ignored). */
        z
          .object({ train: z.number().int().min(0), validation: z.number().int().min(0) })
          .strict()
          .refine((s) => s.train + s.validation > 0, 'train + validation must be > 0'),
      ])
      .default({ validationFraction: 0.1 }),
    shardSize: z.number().int().min(1).max(1_000_000).default(10_000),
    formats: z
      .array(z.enum(['jsonl', 'parquet']))
      .min(1)
      .default(['jsonl', 'parquet']),
    /** Output folder; default <dataDir>/datasets/<name>. */
    outDir: z.string().min(1).optional(),
    caps: z
      .object({
        perEnv: z.number().int().min(1).optional(),
        /** Max instances per tag, shared fairly among the environments carrying it. */
        perTag: z.number().int().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Keep only difficulty levels whose measured solve rate (policy model) lies in [min, max]. */
    passRateBand: z
      .object({
        min: z.number().min(0).max(1),
        max: z.number().min(0).max(1),
        model: z.string().min(1).optional(),
      })
      .strict()
      .refine((b) => b.min <= b.max, 'min must be <= max')
      .optional(),
    /**
     * Per-instance selection: the policy model makes k attempts at every instance and only rows
     * whose pass rate lies in [min, max] are kept (e.g. 0.1..0.9: neither always nor never solved).
     */
    passRateFilter: z
      .object({
        min: z.number().min(0).max(1),
        max: z.number().min(0).max(1),
        k: z.number().int().min(1).max(256).default(8),
        model: z.string().min(1).optional(),
        /** LLM calls in flight per rollout activity. */
        parallel: z.number().int().min(1).max(64).default(4),
      })
      .strict()
      .refine((b) => b.min <= b.max, 'min must be <= max')
      .optional(),
    /** Max prompt length in tokens of the chat-templated prompt (default 512, verl's data.max_prompt_length). */
    maxPromptTokens: z.number().int().min(16).max(10_000_000).optional(),
    /** Rows over maxPromptTokens: kept with a warning in the manifest (default) or dropped. */
    overlongPrompts: z.enum(['warn', 'drop']).optional(),
    /** Leave out environments the contamination report flags (close to a BIG-Bench Hard / BBEH task). */
    excludeContaminated: z.boolean().optional(),
    /** License in the dataset card's header (an SPDX-style id; default mit). */
    license: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$/, 'a license id such as mit, apache-2.0, cc-by-4.0')
      .optional(),
    /** Shard activities in flight at once. */
    concurrency: z.number().int().min(1).max(256).default(4),
    /** Shard activities per workflow run before it continues as new (keeps each history small). */
    shardsPerRun: z.number().int().min(1).max(5_000).default(500),
  })
  .strict();

export type SampleRequest = z.input<typeof sampleRequestSchema>;
export type NormalizedSampleRequest = z.output<typeof sampleRequestSchema>;

export interface LevelWeight {
  level: number;
  weight: number;
}

/** Difficulties as sorted {level, weight}; a list's repeats add weight. */
export function difficultyWeights(d: NormalizedSampleRequest['difficulties']): LevelWeight[] {
  const m = new Map<number, number>();
  if (Array.isArray(d)) for (const l of d) m.set(l, (m.get(l) ?? 0) + 1);
  else for (const [k, w] of Object.entries(d)) m.set(Number(k), (m.get(Number(k)) ?? 0) + w);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([level, weight]) => ({ level, weight }));
}
