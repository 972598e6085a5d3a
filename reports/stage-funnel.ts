/**
 * The per-stage funnel of a grow run, from its synthesis history alone: proposed -> written ->
 * checks -> code judge -> question judge -> red team (a team's own gates after it) -> revised ->
 * registered, with counts and the most frequent rejection reasons of each stage, in full.
 *
 * Counting: `proposed` and `registered` count proposals (synthesis runs); the steps between count
 * rounds (one round = one draft through the gates), since a revised draft goes through them again.
 * `proposals` says how many distinct proposals ever passed the stage. Pure: no I/O.
 */
import { compareStages, SYNTHESIS_STAGES, stageOf } from '../contracts/stages';
import type { RoundRow, SynthesisRunRow } from '../registry/records';

export interface StageReason {
  reason: string;
  count: number;
}
export interface FunnelRow {
  stage: string;
  /** Times the stage ran (proposals for proposed/registered, rounds otherwise). */
  ran: number;
  passed: number;
  /** Distinct proposals that passed the stage at least once. */
  proposals: number;
  /** The most frequent reasons it did not pass, most frequent first, full text. */
  topReasons: StageReason[];
}

/** Rejection reasons kept per stage. */
export const TOP_REASONS_PER_STAGE = 3;

class Tally {
  ran = 0;
  passed = 0;
  readonly passers = new Set<string>();
  readonly reasons = new Map<string, number>();
  add(workflowId: string, pass: boolean, reason?: string): void {
    this.ran++;
    if (pass) {
      this.passed++;
      this.passers.add(workflowId);
    } else {
      const r = reason?.trim() || '(no reason recorded)';
      this.reasons.set(r, (this.reasons.get(r) ?? 0) + 1);
    }
  }
  row(stage: string): FunnelRow {
    const topReasons = [...this.reasons.entries()]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
      .slice(0, TOP_REASONS_PER_STAGE);
    return { stage, ran: this.ran, passed: this.passed, proposals: this.passers.size, topReasons };
  }
}

export function stageFunnel(runs: SynthesisRunRow[], rounds: RoundRow[]): FunnelRow[] {
  const proposed = new Tally();
  const written = new Tally();
  const revised = new Tally();
  const registered = new Tally();
  const gates = new Map<string, Tally>();
  const gate = (stage: string) => gates.get(stage) ?? gates.set(stage, new Tally()).get(stage)!;

  // A run that ended in an error (outcome failed) never got through: its reason shows at the first row.
  for (const r of runs) proposed.add(r.workflowId, r.outcome !== 'failed', r.reason);
  for (const r of rounds) {
    const wrote = r.source !== null;
    written.add(r.workflowId, wrote, r.gates.find((g) => g.gate === 'write')?.feedback ?? 'the reply had no code');
    if (!wrote) continue;
    for (const g of r.gates) gate(stageOf(g.gate)).add(r.workflowId, g.verdict === 'pass', `[${g.verdict}] ${g.feedback}`);
    // A revision (round > 0) passes when its draft then passes every gate of the round.
    if (r.round > 0) revised.add(r.workflowId, r.gates.length > 0 && r.gates.every((g) => g.verdict === 'pass'), '');
  }
  // Registration counts the runs whose last draft passed every gate: accepted, or turned away as a near-duplicate.
  for (const r of runs)
    if (r.outcome === 'accepted' || r.outcome === 'duplicate') registered.add(r.workflowId, r.outcome === 'accepted', r.reason);

  const gateRows = [...gates.entries()].sort(([a], [b]) => compareStages(a, b)).map(([stage, t]) => t.row(stage));
  const revisedRow = revised.row(SYNTHESIS_STAGES.reviseEnvironment);
  revisedRow.topReasons = [];
  return [proposed.row('proposed'), written.row(SYNTHESIS_STAGES.writeEnvironment), ...gateRows, revisedRow, registered.row('registered')];
}
