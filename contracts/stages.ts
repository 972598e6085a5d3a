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
