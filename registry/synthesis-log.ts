/**
 * The synthesis history next to the environments: one row per synthesizeEnvironment run
 * (keyword, proposal, outcome) and one per round (code, check report, every gate's verdict and
 * feedback). Keyed by the workflow id (deterministic) and the round number: idempotent writes.
 * The SQL is in registry/sql-registry.ts.
 */
import type { GateOutcome } from '../contracts/gates';
import type { Proposal } from '../contracts/proposal';

export type { GateOutcome };

export interface RoundRow {
  workflowId: string;
  round: number;
  keyword: string;
  proposal: Proposal;
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
  proposal: Proposal;
  outcome: SynthesisOutcome;
  envId: string | null;
  rounds: number;
  reason: string;
  createdAt?: string;
}
