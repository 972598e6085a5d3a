/**
 * The shapes of the write and revise steps of synthesizeEnvironment: what the workflow keeps of
 * each round for the reviser, and what a write or revise activity returns.
 */
import type { Proposal } from './proposal';
import type { UsageTotals } from './usage';

/** One gate's verdict in a round, as the reviser reads it. */
export interface GateVerdict {
  gate: string;
  verdict: string;
  feedback: string;
  scores?: Record<string, number>;
}

export interface RoundVerdicts {
  /** 0-based round number. */
  round: number;
  gates: GateVerdict[];
}

export interface ReviseInput {
  keyword: string;
  proposal: Proposal;
  /** The round this revision starts (1 = the first revision). */
  round: number;
  /** The code the last review was of. */
  source: string;
  /** Every earlier round's verdicts, oldest first. */
  history: RoundVerdicts[];
}

/** A generator or reviser reply: the code, or why there is none. */
export interface DraftResult {
  source: string | null;
  error?: string;
  usage: UsageTotals;
}
