/**
 * The one gate interface (DESIGN: every gate is an activity, candidate in -> verdict and feedback
 * out) and the verdict the registry keeps per gate and round.
 */
import type { Proposal } from './proposal';
import type { UsageTotals } from './usage';

export interface Candidate {
  source: string;
  keyword: string;
  proposal: Proposal;
  round: number;
  /** The verdicts of the gates that already ran on this code in this round, in order (the code judge reads the checks' report). */
  earlier?: GateOutcome[];
}

/** A gate's verdict as the round history keeps it. */
export interface GateOutcome {
  gate: string;
  verdict: 'pass' | 'revise' | 'reject';
  feedback: string;
  scores?: Record<string, number>;
  /** Gate-specific detail kept in the round history (e.g. the automatic check report). */
  detail?: unknown;
}

/** What a gate activity returns: its verdict plus the LLM usage it cost. */
export interface GateResult extends GateOutcome {
  usage?: UsageTotals;
  /** Verifier holes the gate confirmed in the sandbox (the red team), counted per run. */
  holes?: number;
}
