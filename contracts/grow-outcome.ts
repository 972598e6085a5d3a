/**
 * How a growLibrary run ends, honestly: a run that accepted nothing because its jobs failed has
 * failed (not "completed"), and the message says how many failed and the last reason. Pure:
 * bundled into workflows (growLibrary decides with it) and used by status/report.
 */
import type { GrowState } from './grow-input';
import type { GrowStatus } from './grow-rules';

/** The status a run ends with: `completed` with zero accepted and any failed job becomes `failed`. */
export function honestEndStatus(s: Pick<GrowState, 'accepted' | 'failed'>, status: GrowStatus): GrowStatus {
  return status === 'completed' && s.accepted === 0 && s.failed > 0 ? 'failed' : status;
}

/** The failure message of a run that ends `failed`. */
export function growFailureMessage(
  s: Pick<GrowState, 'accepted' | 'rejected' | 'duplicates' | 'failed' | 'consecutiveFailures' | 'lastError'>,
  maxConsecutiveFailures: number,
): string {
  if (s.consecutiveFailures >= maxConsecutiveFailures)
    return `growLibrary stopped after ${s.consecutiveFailures} failures in a row; last: ${s.lastError}`;
  return (
    `growLibrary accepted no environment: ${s.failed} job(s) failed` +
    ` (rejected ${s.rejected}, duplicates ${s.duplicates}); last failure: ${s.lastError}`
  );
}

/** Exit code of `resyn grow --wait` (and `resyn resume --wait`) for a run's final status. */
export function growExitCode(status: GrowStatus | string): number {
  if (status === 'completed' || status === 'target-reached') return 0;
  if (status === 'budget-exhausted') return 3;
  return 1;
}
