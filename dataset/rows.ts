/**
 * One dataset row, in verl's layout (the columns verl's RLHFDataset and TRL read directly):
 * `prompt` is the chat messages (question + the standard answer instruction) and the plain
 * question is kept in extra_info.question. ground_truth is the instance identity as a JSON string.
 */
import { ANSWER_INSTRUCTION } from '../lib/answer';
import { instanceId } from './instances';
import type { Split } from './plan';

export interface ChatMessage {
  role: 'user';
  content: string;
}
export interface DatasetRow {
  id: string;
  env_id: string;
  env_name: string;
  seed: number;
  difficulty: number;
  data_source: string;
  prompt: ChatMessage[];
  ability: string;
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { split: Split; index: number; tags: string[]; question: string };
}

export interface RowEnv {
  id: string;
  name: string;
  family: string | null;
  tags: string[];
}

/** The user message: the environment's question, then the one standard answer-format instruction. */
export function userContent(question: string): string {
  return `${question}\n\n${ANSWER_INSTRUCTION}`;
}

export function groundTruth(envId: string, seed: number, difficulty: number): string {
  return JSON.stringify({ env_id: envId, seed, difficulty });
}

export function buildRow(env: RowEnv, split: Split, index: number, seed: number, difficulty: number, question: string): DatasetRow {
  return {
    id: instanceId(env.id, seed, difficulty),
    env_id: env.id,
    env_name: env.name,
    seed,
    difficulty,
    data_source: `resyn/${env.name}`,
    prompt: [{ role: 'user', content: userContent(question) }],
    ability: env.family ?? env.tags[0] ?? 'reasoning',
    reward_model: { style: 'rule', ground_truth: groundTruth(env.id, seed, difficulty) },
    extra_info: { split, index, tags: env.tags, question },
  };
}
