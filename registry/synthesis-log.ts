/**
 * The synthesis history kept next to the environments: one row per synthesizeEnvironment run
 * (keyword, proposal, outcome) and one per round (code, check report, every gate's verdict and
 * feedback). Keyed by the workflow id (deterministic) and the round number: idempotent writes.
 * The SQL is in registry/sql-registry.ts.
 */

export interface GateOutcome {
  gate: string;
  verdict: 'pass' | 'revise' | 'reject';
  feedback: string;
  scores?: Record<string, number>;
  /** Gate-specific detail, e.g. the automatic check report. */
  detail?: unknown;
}

export interface RoundRow {
  workflowId: string;
  round: number;
  keyword: string;
  proposal: { name: string; description: string };
  envId: string | null;
  source: string | null;
  gates: GateOutcome[];
  feedback: string;
  createdAt?: string;
}

export type SynthesisOutcome = 'accepted' | 'rejected' | 'duplicate' | 'failed';
export interface SynthesisRunRow {
  workflowId: string;
  parentWorkflowId: string | null;
  keyword: string;
  proposal: { name: string; description: string };
  outcome: SynthesisOutcome;
  envId: string | null;
  rounds: number;
  reason: string;
  createdAt?: string;
}
