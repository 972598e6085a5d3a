/** resyn's synthesis activities (LLM steps, gates, registry writes), spread into createActivities. */
import type { ResynConfig } from '../temporal.config';
import { gateActivities } from './gates';
import { llmActivities } from './llm';
import { registryActivities } from './registry';

export function synthesisActivities(cfg: ResynConfig) {
  return { ...llmActivities(cfg), ...gateActivities(cfg), ...registryActivities(cfg) };
}
