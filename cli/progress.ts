/**
 * How a command that waits for a run shows its progress — the one place `resyn grow --wait`,
 * `resyn sample --wait`, `resyn resume --wait` and `resyn run` use. Everything goes to stderr (stdout
 * keeps the one result a script reads):
 * - on a terminal: a progress bar (cli-progress) with the run's counts, trouble lines above it;
 * - with --json: one JSON object per line whenever progress changes
 *   (`{"type": "progress", "workflowId", "workflowType", "done", "total", "unit", "text", "progress"}`,
 *   and `{"type": "retrying", "workflowId", "text"}` for LLM calls being retried);
 * - otherwise (a log file, a pipe): the `text` line whenever it changes.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Client } from '@temporalio/client';
import type { GrowProgress } from '../contracts/grow-rules';
import type { SampleOutcome, SampleProgress } from '../workflows/sample-training-data';
import { retryingActivities, retryingLine } from './run-trouble';

/** One snapshot of a run as every output shows it. */
export interface ProgressView {
  /** Units done and in all (total 0: not known yet). */
  done: number;
  total: number;
  unit: string;
  /** One line a person reads. */
  text: string;
  /** The run's own progress object, as its `progress` query answered. */
  progress: unknown;
}

export const growView = (p: GrowProgress): ProgressView => ({
  done: p.done,
  total: p.keywords,
  unit: 'keywords',
  text: `[${p.status}] keywords ${p.done}/${p.keywords} · accepted ${p.accepted} · rejected ${p.rejected} · duplicates ${p.duplicates} · failed ${p.failed} · in flight ${p.inFlight} · tokens ${p.tokens}${p.costUsd ? ` · $${p.costUsd.toFixed(4)}` : ''}`,
  progress: p,
});

export const sampleView = (p: SampleProgress): ProgressView => ({
  done: p.shardsDone,
  total: p.shardsTotal,
  unit: 'shards',
  text: `[${p.phase}] shards ${p.shardsDone}/${p.shardsTotal} · rows ${p.rows}`,
  progress: p,
});

/** Where a finished sampleTrainingData run ends, from its outcome. */
export const sampleOutcomeView = (o: SampleOutcome): ProgressView =>
  sampleView({ phase: 'done', shardsDone: o.shards, shardsTotal: o.shards, rows: o.rows });

/**
 * The views of a run by its workflow type (the types whose `progress` query resyn knows): while it
 * runs, and from its result once it finished.
 */
export function viewsFor(
  workflowType: string,
): { running: (p: unknown) => ProgressView; finished: (result: unknown) => ProgressView } | undefined {
  if (workflowType === 'growLibrary') return { running: (p) => growView(p as GrowProgress), finished: (r) => growView(r as GrowProgress) };
  if (workflowType === 'sampleTrainingData')
    return { running: (p) => sampleView(p as SampleProgress), finished: (r) => sampleOutcomeView(r as SampleOutcome) };
  return undefined;
}

export interface ReporterOptions {
  json?: boolean;
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Bars or lines; default: whether the stream is a terminal. */
  tty?: boolean;
}

/** Shows one run's progress on a terminal, as JSON lines, or as plain lines (see the file comment). */
export class ProgressReporter {
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly mode: 'bar' | 'json' | 'lines';
  private multi?: MultiBar;
  private bar?: SingleBar;
  private last = '';

  constructor(
    private readonly workflowId: string,
    private readonly workflowType: string,
    o: ReporterOptions = {},
  ) {
    this.stream = o.stream ?? process.stderr;
    this.mode = o.json ? 'json' : (o.tty ?? !!this.stream.isTTY) ? 'bar' : 'lines';
  }

  /** A new snapshot: shown when it differs from the last one. */
  show(v: ProgressView): void {
    const key = JSON.stringify([v.done, v.total, v.text]);
    if (key === this.last) return;
    this.last = key;
    if (this.mode === 'json')
      this.jsonLine({ type: 'progress', done: v.done, total: v.total, unit: v.unit, text: v.text, progress: v.progress });
    else if (this.mode === 'lines') this.stream.write(`${v.text}\n`);
    else this.showBar(v);
  }

  /** A line about trouble (an LLM call being retried), above the bar on a terminal. */
  trouble(text: string): void {
    if (this.mode === 'json') this.jsonLine({ type: 'retrying', text });
    else if (this.multi) this.multi.log(`${text}\n`);
    else this.stream.write(`${text}\n`);
  }

  /** Ends the bar (the terminal line is left with the last state). */
  stop(): void {
    this.multi?.stop();
    this.multi = undefined;
    this.bar = undefined;
  }

  private jsonLine(o: Record<string, unknown>): void {
    this.stream.write(`${JSON.stringify({ type: o.type, workflowId: this.workflowId, workflowType: this.workflowType, ...o })}\n`);
  }

  private showBar(v: ProgressView): void {
    const payload = { text: v.text };
    if (!this.multi) {
      this.multi = new MultiBar(
        {
          stream: this.stream,
          // The text carries the counts; a narrow terminal cuts the line's end, so the bar comes first.
          format: '[{bar}] {text}',
          hideCursor: false,
          clearOnComplete: false,
          // The bar is redrawn by our updates (a poll a second), and once more at stop.
          forceRedraw: true,
          barsize: 20,
        },
        Presets.shades_classic,
      );
    }
    if (!this.bar) this.bar = this.multi.create(Math.max(v.total, 1), v.done, payload);
    else {
      this.bar.setTotal(Math.max(v.total, 1));
      this.bar.update(v.done, payload);
    }
  }
}

export interface FollowOptions<P> {
  /** The run's `progress` query (throws while it is not started yet or just ended). */
  query: () => Promise<P>;
  view: (p: P) => ProgressView;
  /** Resolves or rejects when the run (or what waits for it) ends. */
  done: Promise<unknown>;
  reporter: ProgressReporter;
  /** Lines about trouble, asked every few polls (LLM calls being retried). */
  trouble?: () => Promise<string[]>;
  everyMs?: number;
}

/** Polls a run's progress into the reporter until `done` settles; resolves with the last progress seen. */
export async function followProgress<P>(o: FollowOptions<P>): Promise<P | undefined> {
  let finished = false;
  const settled = o.done.then(
    () => undefined,
    () => undefined,
  );
  settled.then(() => {
    finished = true;
  });
  let last: P | undefined;
  let lastTrouble = '';
  for (let polls = 0; !finished; polls++) {
    try {
      last = await o.query();
      o.reporter.show(o.view(last));
      if (o.trouble && polls % 5 === 0) {
        const t = (await o.trouble()).join('\n');
        if (t && t !== lastTrouble) for (const line of t.split('\n')) o.reporter.trouble(line);
        lastTrouble = t;
      }
    } catch {
      /* not started yet, or just finished */
    }
    await Promise.race([settled, new Promise((r) => setTimeout(r, o.everyMs ?? 1000))]);
  }
  return last;
}

/** Trouble lines of a run and its children: its activities being retried. */
export const retryingTrouble = (client: Client, workflowId: string, runId?: string) => async (): Promise<string[]> =>
  (await retryingActivities(client, workflowId, runId)).map((r) => `  ${retryingLine(r)}`);
