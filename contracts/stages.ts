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

/**
 * Whether an activity is a stage whose wall time is kept: a known step, or a gate (resyn's or a
 * team's, as the worker registered them) run by a synthesis run. Bookkeeping (registering, name
 * checks) is not a stage.
 */
export function isStageActivity(activityType: string, workflowType: string | undefined, gates: readonly string[] = []): boolean {
  if (activityType in SYNTHESIS_STAGES) return true;
  return workflowType === 'synthesizeEnvironment' && gates.includes(activityType);
}

const STAGE_ORDER: readonly string[] = Object.values(SYNTHESIS_STAGES);
/** Stages in pipeline order (propose, write, checks, ..., revise), then any other stage by name. */
export function compareStages(a: string, b: string): number {
  const i = STAGE_ORDER.indexOf(a),
    j = STAGE_ORDER.indexOf(b);
  if (i >= 0 || j >= 0) return (i < 0 ? STAGE_ORDER.length : i) - (j < 0 ? STAGE_ORDER.length : j);
  return a < b ? -1 : a > b ? 1 : 0;
}
