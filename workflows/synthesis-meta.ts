/** What a synthesizeEnvironment run shows in the UI (search attributes, memo): set by growLibrary at child start, or by the run itself. */
import type { SearchAttributePair } from '@temporalio/common';
import type { Proposal } from '../contracts/proposal';
import { RESYN_ENV_NAME, RESYN_KEYWORD, RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';

/** A synthesizeEnvironment run's search attributes while it runs (growLibrary sets them at child start). */
export function synthesizeSearchAttributes(keyword: string, envName: string): SearchAttributePair[] {
  return [
    { key: RESYN_RUN_KIND, value: 'synthesize' },
    { key: RESYN_KEYWORD, value: keyword },
    { key: RESYN_ENV_NAME, value: envName },
    { key: RESYN_STATUS, value: 'running' },
  ];
}

/** A synthesizeEnvironment run's memo (what it works on), shown in the UI. */
export function synthesizeMemo(m: {
  keyword: string;
  proposal: Proposal;
  gates: string[];
  maxRevisions: number;
  parentWorkflowId: string | null;
}): Record<string, unknown> {
  return { keyword: m.keyword, proposal: m.proposal, gates: m.gates, maxRevisions: m.maxRevisions, parentWorkflowId: m.parentWorkflowId };
}
