/**
 * The registry: environments, their synthesis history, LLM spend and difficulty calibration.
 * One interface, two back ends chosen by configuration (registry/open.ts): an embedded SQLite
 * file (the default) and PostgreSQL (RESYN_REGISTRY_URL, shared by workers on many machines).
 * Both run the same SQL (registry/sql-registry.ts), so they behave the same. Every write is
 * idempotent, keyed by content hash or deterministic workflow id: retries never duplicate.
 * Knows nothing of Temporal. New tables come as a new migration (registry/migrations).
 */
import type {
  Attempt,
  CalibrationVerdict,
  EnvStatus,
  EnvironmentFilter,
  EnvironmentRecord,
  FamilyCount,
  GrowRunRow,
  LevelStat,
  LlmCallRow,
  NewEnvironment,
  Registration,
  Rollout,
  RoundRow,
  SpendTotals,
  StageTimingRow,
  StageUsage,
  SynthesisRunRow,
} from './records';

export type * from './records';

export type Backend = 'sqlite' | 'postgres';

export interface Registry {
  readonly backend: Backend;
  /** The file path, or the PostgreSQL URL without its password (for messages). */
  readonly location: string;

  // --- environments
  /**
   * Inserts the record unless its id exists; an existing row changes only where the new record
   * is "further along" (accepted beats rejected), so a replayed write changes nothing.
   */
  upsertEnvironment(rec: NewEnvironment, extra?: { behaviorFp?: string | null }): Promise<EnvironmentRecord>;
  /**
   * Registers a synthesized environment unless the same task is already accepted (same id from
   * another run, or a near-duplicate by code or behaviour). Check and write are one step,
   * serialised across every worker of this registry, so two near-duplicates never both land.
   */
  registerEnvironment(rec: NewEnvironment, extra: { behaviorFp: string | null }): Promise<Registration>;
  /** By id, else by name (the accepted one first, then the newest), else by a unique id prefix. */
  getEnvironment(idOrName: string): Promise<EnvironmentRecord | undefined>;
  /** Sets one environment's status (e.g. quarantined by an audit); false when there is no such id. The row is kept. */
  setEnvironmentStatus(id: string, status: EnvStatus): Promise<boolean>;
  /** Sorted by name, then id. */
  listEnvironments(filter?: EnvironmentFilter): Promise<EnvironmentRecord[]>;
  /** An accepted environment with the same code fingerprint or behaviour fingerprint. */
  findDuplicate(fp: { codeFp: string; behaviorFp?: string | null }, excludeId?: string): Promise<EnvironmentRecord | undefined>;
  /** Accepted and rejected environments per family ('unknown' for none), sorted by family. */
  libraryByFamily(): Promise<FamilyCount[]>;

  // --- synthesis history
  recordRound(r: RoundRow): Promise<void>;
  recordSynthesisRun(r: SynthesisRunRow): Promise<void>;
  roundsOf(workflowId: string): Promise<RoundRow[]>;
  synthesisRuns(filter?: { keyword?: string; parentWorkflowId?: string }): Promise<SynthesisRunRow[]>;
  synthesisRunOf(workflowId: string): Promise<SynthesisRunRow | undefined>;
  /** The synthesis runs a grow run started, with their environment's name and family, by keyword. */
  growRunRows(growWorkflowId: string): Promise<GrowRunRow[]>;
  /** Reasons of the most recent non-accepted synthesis runs, newest first. */
  recentRejectionReasons(limit: number): Promise<string[]>;
  /** Every round of the synthesis runs a grow run started (the stage funnel), by workflow id and round. */
  growRounds(growWorkflowId: string): Promise<RoundRow[]>;
  /** Keywords with any synthesis run or environment already in the registry. */
  triedKeywords(): Promise<Set<string>>;

  // --- LLM usage
  /** First write of a key wins: replaying the same attempt's write changes nothing. */
  recordLlmCall(row: LlmCallRow): Promise<void>;
  /** Every call ever recorded. */
  usageTotals(): Promise<SpendTotals>;
  /**
   * The spend of one run: calls made by the workflow itself, by any workflow whose id starts
   * with `<id>/` (children, grandchildren: the child-id rule), and by any synthesis run recorded
   * with it as parent. Literal prefix (no LIKE wildcards): `grow-1` never counts `grow-10/..`.
   */
  runSpend(workflowId: string): Promise<SpendTotals>;
  /** The calls whose key starts with `prefix` (literally): e.g. every attempt of one activity. */
  spendByKeyPrefix(prefix: string): Promise<SpendTotals>;
  /** First write of a key wins (one key per execution of a stage activity). */
  recordStageTiming(row: StageTimingRow): Promise<void>;
  /** Tokens, calls, cost and wall time per stage, in pipeline order: of one run (as runSpend counts it), or of everything. */
  stageUsage(runWorkflowId?: string): Promise<StageUsage[]>;
  /** The same per stage and per workflow of the run (one synthesis workflow = one environment). */
  stageUsageByWorkflow(runWorkflowId: string): Promise<(StageUsage & { workflowId: string | null })[]>;

  // --- difficulty calibration
  calibrationAttempt(envId: string, seed: number, difficulty: number, model: string): Promise<Attempt | undefined>;
  /** First write wins: a retried activity keeps the attempt already paid for. */
  putCalibrationAttempt(envId: string, seed: number, difficulty: number, model: string, a: Attempt): Promise<void>;
  recordCalibration(v: Omit<CalibrationVerdict, 'updatedAt'>): Promise<CalibrationVerdict>;
  calibrationLevels(envId: string, model: string): Promise<LevelStat[]>;
  calibrationVerdict(envId: string, model: string): Promise<CalibrationVerdict | undefined>;

  // --- per-instance pass rates (k rollouts of the policy model per instance)
  /** The rollouts recorded for these seeds of one environment and model. */
  rollouts(envId: string, model: string, seeds: number[]): Promise<Rollout[]>;
  /** First write wins (a retried activity keeps what it paid for). */
  putRollout(envId: string, model: string, r: Rollout & Attempt): Promise<void>;

  /** Applied schema versions, oldest first. */
  schemaVersions(): Promise<number[]>;
  /** Closes the connection(s); the next openRegistry of this location opens a new handle. */
  close(): Promise<void>;
}
