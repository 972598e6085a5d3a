import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { MANIFEST_FILE, type Manifest } from '../../dataset/manifest';
import { createScorer } from '../../rewards/deps';
import type { Reward, ScoreItem, Scorer } from '../../rewards/scorer';
import { intFlag } from '../options';
import { action, CliError, cliConfig } from '../output';

const BATCH = 4096;
const NOT_JSON = Symbol('not JSON');
const EMPTY = Symbol('empty');

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
function toItem(v: any, n: number, ids: (() => Map<string, string>) | undefined): ScoreItem | { error: string } {
  if (v === NOT_JSON) return { error: `line ${n}: not JSON` };
  if (v === EMPTY) return { error: `line ${n}: empty line` };
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return { error: `line ${n}: expected an object {ground_truth | instance | id, response}` };
  if (v.ground_truth !== undefined) return { ground_truth: v.ground_truth, response: v.response };
  if (v.instance !== undefined) return { ground_truth: v.instance, response: v.response };
  if (v.id !== undefined) {
    if (!ids) return { error: `line ${n}: "id" given but no --dataset to look it up in` };
    let gt: string | undefined;
    try {
      gt = ids().get(String(v.id));
    } catch (e) {
      return { error: `line ${n}: ${(e as Error).message}` };
    }
    return gt ? { ground_truth: gt, response: v.response } : { error: `line ${n}: id ${v.id} is not in the dataset` };
  }
  return { error: `line ${n}: no ground_truth, instance or id` };
}

/** Scores a batch; if scoring itself fails (never for one bad item), every item of the batch says why instead. */
async function scoreBatch(scorer: Scorer, items: ScoreItem[]): Promise<Reward[]> {
  try {
    return await scorer.score(items);
  } catch (e) {
    return items.map(() => ({ reward: 0, reason: `not scored: ${(e as Error)?.message ?? String(e)}` }));
  }
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      'score model responses: stdin JSONL {ground_truth | instance | id, response} -> stdout JSONL {reward, reason}, one line per input line',
    )
    .option('--dataset <dir>', 'score from this dataset folder alone (its environments/ sources, no registry); also resolves "id" lines')
    .option('--workers <n>', 'sandbox worker threads (default RESYN_REWARDS_WORKERS, one per core)')
    .action(
      action(async (o: { dataset?: string; workers?: string }) => {
        const cfg = cliConfig();
        const workers = o.workers === undefined ? undefined : intFlag('--workers', o.workers, 1, 64);
        // Row ids are looked up only when a line gives one (the shards are read then, once).
        let idMap: Map<string, string> | undefined;
        const ids = o.dataset ? () => (idMap ??= loadIds(o.dataset!)) : undefined;
        let scorer: Scorer;
        try {
          scorer = createScorer(cfg, { dataset: o.dataset, workers });
        } catch (e) {
          throw new CliError((e as Error).message);
        }
        try {
          const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
          let pending: { item: ScoreItem | { error: string }; id?: unknown }[] = [];
          let n = 0;
          const flush = async () => {
            const ok = pending.filter((p) => !('error' in p.item));
            const rewards = await scoreBatch(
              scorer,
              ok.map((p) => p.item as ScoreItem),
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
            let v: any;
            if (!line.trim()) v = EMPTY;
            else {
              try {
                v = JSON.parse(line);
              } catch {
                v = NOT_JSON;
              }
            }
            let id: unknown;
            if (v && typeof v === 'object' && (typeof v.id === 'string' || typeof v.id === 'number')) id = v.id;
            pending.push({ item: toItem(v, n, ids), id });
            if (pending.length >= BATCH) await flush();
          }
          await flush();
        } finally {
          await scorer.close();
        }
      }),
    );
}
