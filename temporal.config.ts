/**
 * resyn's one typed configuration. Every value has a default that works locally; environment
 * variables override (names in ENV_OVERRIDES). A bad value fails at start naming the variable.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CHECK_CONFIG } from './sandbox/checks/config';

const role = z.object({
  model: z.string().min(1),
  baseURL: z.string().url().optional(),
  apiKey: z.string().optional(),
});
export type LlmRole = z.infer<typeof role>;

export const configSchema = z.object({
  /** Registry, datasets and the dev server's database live here. */
  dataDir: z.string().min(1),
  temporal: z.object({
    /** host:port of an existing cluster; when unset resyn starts the embedded dev server. */
    address: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'expected host:port')
      .optional(),
    namespace: z.string().min(1),
    taskQueue: z.string().min(1),
    /** Embedded dev server: gRPC port, Web UI port, bind address. */
    devServerPort: z.number().int().min(1).max(65535),
    devServerUiPort: z.number().int().min(1).max(65535),
    devServerIp: z.string().min(1),
    /** Explicit path to a `temporal` binary (else PATH, else the machine cache, else a Go build). */
    cliPath: z.string().optional(),
    /** Machine-level cache for the Temporal CLI built from the Go module proxy. */
    cliCacheDir: z.string().min(1),
    cliVersion: z.string().regex(/^v\d+\.\d+\.\d+$/),
  }),
  llm: z.object({
    generator: role,
    judge: role,
    reviser: role,
    policy: role,
    /** Per-request timeout; retries are Temporal's (activity retry policy), not the client's. */
    requestTimeoutMs: z.number().int().positive(),
    /** Dollars per 1M tokens, for the cost budget; 0 for self-hosted endpoints. */
    inputCostPerMTok: z.number().nonnegative(),
    outputCostPerMTok: z.number().nonnegative(),
  }),
  sandbox: z.object({
    /** Capped WebAssembly memory per QuickJS module. */
    memoryMb: z.number().int().min(4).max(2048),
    /** QuickJS stack limit. */
    stackKb: z.number().int().min(32).max(8192),
    /** Deadline per guest call (interrupt handler) and the watchdog's hard limit on top of it. */
    callTimeoutMs: z.number().int().positive(),
    /** Worker threads in the sandbox pool. */
    workers: z.number().int().min(1).max(64),
    /** Longest prompt an environment may render (characters). */
    maxPromptChars: z.number().int().min(100),
    /** Largest result of one call (a state + prompt, or a solution) as JSON characters. */
    maxOutputBytes: z.number().int().min(1000),
    /** Longest answer handed to verify (characters); longer ones fail with output-too-large. */
    maxAnswerChars: z.number().int().min(100),
  }),
  /** The automatic checks (sandbox/checks/config.ts says what each setting means). */
  checks: z.object({
    budgetMs: z.number().int().min(100),
    instancesPerDifficulty: z.number().int().min(8).max(200),
    solvedPerDifficulty: z.number().int().min(4).max(200),
    maxGuessRate: z.number().min(0).max(1),
    tailSeeds: z.number().int().min(1).max(1000),
    tailFraction: z.number().positive().max(1),
    adversarialCallMs: z.number().int().positive(),
    maxNameChars: z.number().int().min(8),
    maxDescriptionChars: z.number().int().min(20),
    maxTags: z.number().int().min(1),
    maxTagChars: z.number().int().min(4),
  }),
  synthesis: z.object({
    /** Revision rounds after the first draft (the paper used 1). */
    maxRevisions: z.number().int().min(0).max(20),
    /** Task proposals per keyword (the paper: 8). */
    proposalsPerKeyword: z.number().int().min(1).max(32),
    /** Ordered gate stages a candidate passes (activity names). */
    gates: z.array(z.string().min(1)).min(1),
  }),
  grow: z.object({
    /** Child workflows in flight at once; bounded for the dev server's single SQLite connection. */
    concurrency: z.number().int().min(1).max(500),
  }),
  /** Prometheus scrape port of the worker's SDK metrics; 0 disables. */
  metricsPort: z.number().int().min(0).max(65535),
  rewards: z.object({ port: z.number().int().min(0).max(65535), host: z.string().min(1) }),
});
export type ResynConfig = z.infer<typeof configSchema>;

export function defaultConfig(): ResynConfig {
  const dataDir = path.resolve('.resyn');
  return {
    dataDir,
    temporal: {
      namespace: 'default',
      taskQueue: 'resyn',
      devServerPort: 7233,
      devServerUiPort: 8233,
      devServerIp: '127.0.0.1',
      cliCacheDir: path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'resyn', 'bin'),
      cliVersion: 'v1.5.1',
    },
    llm: {
      generator: { model: 'gpt-4o-mini' },
      judge: { model: 'gpt-4o-mini' },
      reviser: { model: 'gpt-4o-mini' },
      policy: { model: 'gpt-4o-mini' },
      requestTimeoutMs: 120_000,
      inputCostPerMTok: 0,
      outputCostPerMTok: 0,
    },
    sandbox: {
      memoryMb: 64,
      stackKb: 256,
      callTimeoutMs: 2_000,
      workers: Math.max(1, Math.min(2, os.cpus().length)),
      maxPromptChars: 16_000,
      maxOutputBytes: 1_000_000,
      maxAnswerChars: 100_000,
    },
    checks: { ...DEFAULT_CHECK_CONFIG },
    synthesis: { maxRevisions: 1, proposalsPerKeyword: 8, gates: ['automaticChecks', 'codeJudge', 'questionJudge'] },
    grow: { concurrency: 16 },
    metricsPort: 9464,
    rewards: { port: 8765, host: '127.0.0.1' },
  };
}

type Parse = 'string' | 'int' | 'number' | 'list';
interface Override {
  env: string;
  path: string[];
  parse: Parse;
}

const ROLES = ['generator', 'judge', 'reviser', 'policy'] as const;

/** Environment variables and the setting each overrides. */
export const ENV_OVERRIDES: Override[] = [
  { env: 'RESYN_DATA_DIR', path: ['dataDir'], parse: 'string' },
  { env: 'TEMPORAL_ADDRESS', path: ['temporal', 'address'], parse: 'string' },
  { env: 'TEMPORAL_NAMESPACE', path: ['temporal', 'namespace'], parse: 'string' },
  { env: 'RESYN_TASK_QUEUE', path: ['temporal', 'taskQueue'], parse: 'string' },
  { env: 'RESYN_DEV_SERVER_PORT', path: ['temporal', 'devServerPort'], parse: 'int' },
  { env: 'RESYN_DEV_SERVER_UI_PORT', path: ['temporal', 'devServerUiPort'], parse: 'int' },
  { env: 'RESYN_DEV_SERVER_IP', path: ['temporal', 'devServerIp'], parse: 'string' },
  { env: 'TEMPORAL_CLI_PATH', path: ['temporal', 'cliPath'], parse: 'string' },
  { env: 'RESYN_TEMPORAL_CACHE_DIR', path: ['temporal', 'cliCacheDir'], parse: 'string' },
  { env: 'RESYN_LLM_TIMEOUT_MS', path: ['llm', 'requestTimeoutMs'], parse: 'int' },
  { env: 'RESYN_LLM_INPUT_COST_PER_MTOK', path: ['llm', 'inputCostPerMTok'], parse: 'number' },
  { env: 'RESYN_LLM_OUTPUT_COST_PER_MTOK', path: ['llm', 'outputCostPerMTok'], parse: 'number' },
  { env: 'RESYN_SANDBOX_MEMORY_MB', path: ['sandbox', 'memoryMb'], parse: 'int' },
  { env: 'RESYN_SANDBOX_STACK_KB', path: ['sandbox', 'stackKb'], parse: 'int' },
  { env: 'RESYN_SANDBOX_CALL_TIMEOUT_MS', path: ['sandbox', 'callTimeoutMs'], parse: 'int' },
  { env: 'RESYN_SANDBOX_WORKERS', path: ['sandbox', 'workers'], parse: 'int' },
  { env: 'RESYN_SANDBOX_MAX_PROMPT_CHARS', path: ['sandbox', 'maxPromptChars'], parse: 'int' },
  { env: 'RESYN_SANDBOX_MAX_OUTPUT_BYTES', path: ['sandbox', 'maxOutputBytes'], parse: 'int' },
  { env: 'RESYN_SANDBOX_MAX_ANSWER_CHARS', path: ['sandbox', 'maxAnswerChars'], parse: 'int' },
  { env: 'RESYN_CHECK_BUDGET_MS', path: ['checks', 'budgetMs'], parse: 'int' },
  { env: 'RESYN_CHECK_MAX_GUESS_RATE', path: ['checks', 'maxGuessRate'], parse: 'number' },
  { env: 'RESYN_MAX_REVISIONS', path: ['synthesis', 'maxRevisions'], parse: 'int' },
  { env: 'RESYN_PROPOSALS_PER_KEYWORD', path: ['synthesis', 'proposalsPerKeyword'], parse: 'int' },
  { env: 'RESYN_GATES', path: ['synthesis', 'gates'], parse: 'list' },
  { env: 'RESYN_GROW_CONCURRENCY', path: ['grow', 'concurrency'], parse: 'int' },
  { env: 'RESYN_METRICS_PORT', path: ['metricsPort'], parse: 'int' },
  { env: 'RESYN_REWARDS_PORT', path: ['rewards', 'port'], parse: 'int' },
  { env: 'RESYN_REWARDS_HOST', path: ['rewards', 'host'], parse: 'string' },
  ...ROLES.flatMap((r): Override[] => [
    { env: `RESYN_${r.toUpperCase()}_MODEL`, path: ['llm', r, 'model'], parse: 'string' },
    { env: `RESYN_${r.toUpperCase()}_BASE_URL`, path: ['llm', r, 'baseURL'], parse: 'string' },
    { env: `RESYN_${r.toUpperCase()}_API_KEY`, path: ['llm', r, 'apiKey'], parse: 'string' },
  ]),
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseValue(o: Override, raw: string): unknown {
  if (o.parse === 'string') return raw;
  if (o.parse === 'list')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (o.parse === 'int' && !Number.isInteger(n))) {
    throw new ConfigError(`${o.env}=${JSON.stringify(raw)}: expected ${o.parse === 'int' ? 'an integer' : 'a number'}`);
  }
  return n;
}

function setPath(obj: Record<string, any>, p: string[], value: unknown): void {
  let cur = obj;
  for (const k of p.slice(0, -1)) cur = cur[k];
  cur[p[p.length - 1]!] = value;
}

/**
 * The configuration for this process: defaults, then OPENAI_BASE_URL / OPENAI_API_KEY as every
 * role's default endpoint, then the RESYN_* / TEMPORAL_* variables. Throws ConfigError naming
 * the variable (or setting) and what is expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, base: ResynConfig = defaultConfig()): ResynConfig {
  const cfg: ResynConfig = structuredClone(base);
  for (const r of ROLES) {
    if (env.OPENAI_BASE_URL) cfg.llm[r].baseURL = env.OPENAI_BASE_URL;
    if (env.OPENAI_API_KEY) cfg.llm[r].apiKey = env.OPENAI_API_KEY;
  }
  // The reviser defaults to the generator unless it is configured on its own.
  const reviserSet = ['MODEL', 'BASE_URL', 'API_KEY'].some((k) => env[`RESYN_REVISER_${k}`] !== undefined);
  const origin = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    const raw = env[o.env];
    if (raw === undefined || raw === '') continue;
    setPath(cfg as any, o.path, parseValue(o, raw));
    origin.set(o.path.join('.'), o.env);
  }
  if (!reviserSet) cfg.llm.reviser = { ...cfg.llm.generator };
  if (cfg.dataDir) cfg.dataDir = path.resolve(cfg.dataDir);
  const parsed = configSchema.safeParse(cfg);
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      const from = origin.get(key);
      return from ? `${from}: ${i.message}` : `setting ${key}: ${i.message}`;
    });
    throw new ConfigError(`invalid resyn configuration: ${msgs.join('; ')}`);
  }
  return parsed.data;
}

/** Files under the data folder. */
export const dataPaths = (cfg: ResynConfig) => ({
  registry: path.join(cfg.dataDir, 'registry.sqlite'),
  temporalDb: path.join(cfg.dataDir, 'temporal.sqlite'),
  datasets: path.join(cfg.dataDir, 'datasets'),
  reports: path.join(cfg.dataDir, 'reports'),
  llmCache: path.join(cfg.dataDir, 'llm-cache.sqlite'),
});
