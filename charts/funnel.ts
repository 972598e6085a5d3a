/** The synthesis funnel's stages from synthesis outcomes (one per proposal tried). */
export interface FunnelStage {
  stage: string;
  count: number;
}

export function funnelFromOutcomes(outcomes: string[]): FunnelStage[] {
  const n = (o: string) => outcomes.filter((x) => x === o).length;
  const proposed = outcomes.length;
  const completed = proposed - n('failed');
  const unique = completed - n('duplicate');
  return [
    { stage: 'proposed', count: proposed },
    { stage: 'synthesis completed', count: completed },
    { stage: 'not a duplicate', count: unique },
    { stage: 'accepted by every gate', count: n('accepted') },
  ];
}
