/** The QuickJS sandbox for environment modules: pool, checks, ids and types. */
export * from './types';
export { environmentId, normaliseSource } from './env-id';
export { SandboxPool, sharedPool } from './pool';
export { checkEnvironment, checkFeedback, type CheckResult, type CheckReport } from './checks';
