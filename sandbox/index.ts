/** The QuickJS sandbox for environment modules: pool, checks, ids and types. */
export * from './types';
export { environmentId, normaliseSource } from './env-id';
export { SandboxPool, sharedPool } from './pool';
export { MAX_CACHED_ENVS } from './runner';
export {
  CHECK_NAMES,
  CHECK_RULES,
  checkEnvironment,
  checkFeedback,
  type CheckExample,
  type CheckName,
  type CheckReport,
  type CheckResult,
} from './checks';
