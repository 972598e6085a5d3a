/**
 * Custom search attributes resyn's workflows set, so runs can be filtered in the Temporal UI
 * (e.g. `ResynRunKind = "grow" AND ResynStatus = "running"`). The embedded dev server registers
 * them at start; on another cluster register them once with `temporal operator search-attribute create`.
 * Pure module: imported by workflows.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const RESYN_KEYWORD = defineSearchAttributeKey('ResynKeyword', SearchAttributeType.KEYWORD);
export const RESYN_ENV_NAME = defineSearchAttributeKey('ResynEnvName', SearchAttributeType.KEYWORD);
export const RESYN_STATUS = defineSearchAttributeKey('ResynStatus', SearchAttributeType.KEYWORD);
export const RESYN_RUN_KIND = defineSearchAttributeKey('ResynRunKind', SearchAttributeType.KEYWORD);

/** name -> type, as `temporal server start-dev --search-attribute NAME=TYPE` takes them. */
export const RESYN_SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'> = {
  ResynKeyword: 'Keyword',
  ResynEnvName: 'Keyword',
  ResynStatus: 'Keyword',
  ResynRunKind: 'Keyword',
};
