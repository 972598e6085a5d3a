/**
 * The stages of synthesis as accounting and reports name them, and the activity that runs each
 * (a gate a team adds under another name is its own stage, named by its activity).
 */
export const SYNTHESIS_STAGES = {
  proposeTasks: 'propose',
  writeEnvironment: 'write',
  automaticChecks: 'checks',
  codeJudge: 'code-judge',
  questionJudge: 'question-judge',
  redTeam: 'red-team',
  reviseEnvironment: 'revise',
} as const;
export type SynthesisStage = (typeof SYNTHESIS_STAGES)[keyof typeof SYNTHESIS_STAGES];

/** The stage an activity type belongs to; an unknown activity (a team's own gate) is its own stage. */
export const stageOf = (activityType: string): string => (SYNTHESIS_STAGES as Record<string, string>)[activityType] ?? activityType;

/** Activities a synthesis run calls that keep its history rather than judge or write code: not stages. */
export const SYNTHESIS_BOOKKEEPING = ['registerEnvironment', 'recordSynthesisRound'] as const;

/** Whether an activity is a stage whose wall time is kept: a known step, or any other activity of a synthesis run (a team's gate). */
export function isStageActivity(activityType: string, workflowType: string | undefined): boolean {
  if (activityType in SYNTHESIS_STAGES) return true;
  return workflowType === 'synthesizeEnvironment' && !(SYNTHESIS_BOOKKEEPING as readonly string[]).includes(activityType);
}

const STAGE_ORDER: readonly string[] = Object.values(SYNTHESIS_STAGES);
/** Stages in pipeline order (propose, write, checks, ..., revise), then any other stage by name. */
export function compareStages(a: string, b: string): number {
  const i = STAGE_ORDER.indexOf(a),
    j = STAGE_ORDER.indexOf(b);
  if (i >= 0 || j >= 0) return (i < 0 ? STAGE_ORDER.length : i) - (j < 0 ? STAGE_ORDER.length : j);
  return a < b ? -1 : a > b ? 1 : 0;
}
