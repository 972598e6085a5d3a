import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { MANIFEST_FILE, type Manifest } from '../../dataset/manifest';
import { scorerDeps } from '../../rewards/deps';
import { scoreResponses, type ScoreItem } from '../../rewards/scorer';
import { action, CliError, cliConfig } from '../output';

const BATCH = 4096;
const NOT_JSON = Symbol('not JSON');

/** Row id -> ground_truth from a dataset's JSONL shards (for input lines that give only an id). */
function loadIds(dir: string): Map<string, string> {
  const manifestFile = fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? path.join(dir, MANIFEST_FILE) : dir;
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    throw new CliError(`--dataset: cannot read ${manifestFile}: ${(e as Error).message}`);
  }
  const ids = new Map<string, string>();
  const root = path.dirname(manifestFile);
  for (const s of m.shards) {
    const f = s.files.find((x) => x.format === 'jsonl');
    if (!f) throw new CliError(`--dataset: ${manifestFile} has no JSONL shards to look ids up in`);
    for (const line of fs.readFileSync(path.join(root, f.file), 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      ids.set(r.id, r.reward_model.ground_truth);
    }
  }
  return ids;
}

/** One parsed input line -> the scorer's item, or the reason it cannot be one. */
function toItem(v: any, n: number, ids: Map<string, string> | undefined): ScoreItem | { error: string } {
  if (v === NOT_JSON) return { error: `line ${n}: not JSON` };
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return { error: `line ${n}: expected an object {ground_truth | instance | id, response}` };
  if (v.ground_truth !== undefined) return { ground_truth: v.ground_truth, response: v.response };
  if (v.instance !== undefined) return { ground_truth: v.instance, response: v.response };
  if (v.id !== undefined) {
    if (!ids) return { error: `line ${n}: "id" given but no --dataset to look it up in` };
    const gt = ids.get(String(v.id));
    return gt ? { ground_truth: gt, response: v.response } : { error: `line ${n}: id ${v.id} is not in the dataset` };
  }
  return { error: `line ${n}: no ground_truth, instance or id` };
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      'score model responses with the registered verifiers: stdin JSONL {ground_truth | instance | id, response} -> stdout JSONL {reward, reason}',
    )
    .option('--dataset <dir>', 'a dataset folder (or its manifest.json) to resolve "id" lines')
    .action(
      action(async (o: { dataset?: string }) => {
        const cfg = cliConfig();
        const ids = o.dataset ? loadIds(o.dataset) : undefined;
        const deps = scorerDeps(cfg);
        try {
          const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
          let pending: { item: ScoreItem | { error: string }; id?: unknown }[] = [];
          let n = 0;
          const flush = async () => {
            const ok = pending.filter((p) => !('error' in p.item));
            const rewards = await scoreResponses(
              ok.map((p) => p.item as ScoreItem),
              deps,
            );
            let k = 0;
            const out = pending.map((p) => {
              const r = 'error' in p.item ? { reward: 0, reason: p.item.error } : rewards[k++]!;
              return JSON.stringify(p.id !== undefined ? { id: p.id, ...r } : r);
            });
            if (out.length) process.stdout.write(out.join('\n') + '\n');
            pending = [];
          };
          for await (const line of rl) {
            n++;
            if (!line.trim()) continue;
            let v: any;
            try {
              v = JSON.parse(line);
            } catch {
              v = NOT_JSON;
            }
            pending.push({ item: toItem(v, n, ids), id: v !== NOT_JSON ? v?.id : undefined });
            if (pending.length >= BATCH) await flush();
          }
          await flush();
        } finally {
          await deps.close();
          await deps.pool.close();
        }
      }),
    );
}
