/** The QuickJS sandbox for environment modules: pool, checks, ids and types. */
export * from './types';
export { environmentId, normaliseSource } from './env-id';
export { SandboxPool, sharedPool } from './pool';
export {
  checkEnvironment,
  checkFeedback,
  CHECK_NAMES,
  DEFAULT_CHECK_CONFIG,
  type CheckConfig,
  type CheckResult,
  type CheckReport,
} from './checks';
