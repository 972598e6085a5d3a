/**
 * Benchmark: growLibrary of N keywords (default 200, one proposal each, default gates, 1 revision
 * allowed) against the scripted OpenAI-compatible server on loopback, on a fresh dev server with an
 * in-process worker.
 *  1. zero LLM latency: orchestration + sandbox overhead, as environments per minute;
 *  2. 1 s latency per call at concurrency 32: wall time against the ideal calls × latency / concurrency.
 * Prints one `BENCH grow ...` line per scenario.
 *
 *   node dist/bench/grow.js [--keywords 200] [--latency-ms 1000] [--concurrency 32] [--only zero|latency]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../temporal.config';
import { ensureTemporalBinary } from '../worker/temporal-binary';
import { freePort, startDevServer } from '../worker/dev-server';
import { createResynWorker, installRuntime } from '../worker/worker';
import { startFakeLlm } from '../tests/support/fake-llm';
import { happyReply } from '../tests/support/fake-synthesis';
import type { GrowProgress } from '../contracts/grow-rules';
import { synthesisChildId } from '../contracts/child-ids';

/** Per-environment Temporal work, read back from the histories of (a sample of) the child workflows. */
interface HistoryStats {
  children: number;
  eventsPerChild: number;
  activitiesPerChild: number;
  localActivitiesPerChild: number;
  workflowTasksPerChild: number;
  parentEventsPerKeyword: number;
  /** Mean child duration, and how much of it was spent in LLM activities (started -> completed). */
  childS: number;
  llmS: number;
  /** Mean per child: waiting for a worker to pick up activity tasks and workflow tasks, and workflow task run time. */
  activityWaitS: number;
  wftWaitS: number;
  wftRunS: number;
  /** The parent: mean workflow task wait and run (every slot refill goes through one), child start latency. */
  parentWftWaitS: number;
  parentWftRunS: number;
  parentWfts: number;
  childStartS: number;
}

const LLM_ACTIVITIES = new Set(['writeEnvironment', 'codeJudge', 'questionJudge', 'proposeTasks']);
const ms = (t: unknown): number => {
  const x = t as { seconds?: { toNumber?: () => number } | number; nanos?: number } | null | undefined;
  if (!x) return 0;
  const sec = typeof x.seconds === 'number' ? x.seconds : (x.seconds?.toNumber?.() ?? Number(x.seconds ?? 0));
  return sec * 1000 + (x.nanos ?? 0) / 1e6;
};

/** CPU seconds of this process and of its child processes still running (the dev server), from /proc where there is one. */
function cpuSnapshot(): { benchS: number; serverS: number } {
  const u = process.cpuUsage();
  let serverS = 0;
  try {
    const kids = fs
      .readdirSync('/proc/self/task')
      .flatMap((t) => fs.readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
    for (const pid of kids) {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      serverS += (Number(f[11]) + Number(f[12])) / 100;
    }
  } catch {
    /* not Linux: server CPU unknown */
  }
  return { benchS: (u.user + u.system) / 1e6, serverS };
}

async function historyStats(client: Client, growId: string, keywords: string[], sample = 40): Promise<HistoryStats> {
  const picked = keywords.filter((_, i) => i % Math.max(1, Math.floor(keywords.length / sample)) === 0).slice(0, sample);
  let events = 0,
    acts = 0,
    locals = 0,
    wfts = 0,
    childMs = 0,
    llmMs = 0,
    actWait = 0,
    wftWait = 0,
    wftRun = 0;
  for (const kw of picked) {
    const h = await client.workflow.getHandle(synthesisChildId(growId, kw, 0)).fetchHistory();
    const evs = h.events ?? [];
    events += evs.length;
    const scheduled = new Map<string, string>();
    const started = new Map<string, number>();
    const at = new Map<string, number>();
    for (const e of evs) {
      const id = String(e.eventId);
      at.set(id, ms(e.eventTime));
      if (e.activityTaskStartedEventAttributes)
        actWait += ms(e.eventTime) - (at.get(String(e.activityTaskStartedEventAttributes.scheduledEventId)) ?? ms(e.eventTime));
      if (e.workflowTaskStartedEventAttributes)
        wftWait += ms(e.eventTime) - (at.get(String(e.workflowTaskStartedEventAttributes.scheduledEventId)) ?? ms(e.eventTime));
      if (e.workflowTaskCompletedEventAttributes)
        wftRun += ms(e.eventTime) - (at.get(String(e.workflowTaskCompletedEventAttributes.startedEventId)) ?? ms(e.eventTime));
      if (e.activityTaskScheduledEventAttributes) {
        acts++;
        scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
      }
      if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e.eventTime));
      if (e.activityTaskCompletedEventAttributes) {
        const sid = String(e.activityTaskCompletedEventAttributes.scheduledEventId);
        if (LLM_ACTIVITIES.has(scheduled.get(sid) ?? '')) llmMs += ms(e.eventTime) - (started.get(sid) ?? ms(e.eventTime));
      }
      if (e.markerRecordedEventAttributes) locals++;
      if (e.workflowTaskCompletedEventAttributes) wfts++;
    }
    childMs += ms(evs[evs.length - 1]?.eventTime) - ms(evs[0]?.eventTime);
  }
  const parent = await client.workflow.getHandle(growId).fetchHistory();
  const n = Math.max(1, picked.length);
  let pWait = 0,
    pRun = 0,
    pWfts = 0,
    cStart = 0,
    cStarts = 0;
  const pAt = new Map<string, number>();
  for (const e of parent.events ?? []) {
    pAt.set(String(e.eventId), ms(e.eventTime));
    const since = (id: unknown) => ms(e.eventTime) - (pAt.get(String(id)) ?? ms(e.eventTime));
    if (e.workflowTaskStartedEventAttributes) pWait += since(e.workflowTaskStartedEventAttributes.scheduledEventId);
    if (e.workflowTaskCompletedEventAttributes) {
      pWfts++;
      pRun += since(e.workflowTaskCompletedEventAttributes.startedEventId);
    }
    if (e.childWorkflowExecutionStartedEventAttributes) {
      cStarts++;
      cStart += since(e.childWorkflowExecutionStartedEventAttributes.initiatedEventId);
    }
  }
  return {
    children: picked.length,
    eventsPerChild: events / n,
    activitiesPerChild: acts / n,
    localActivitiesPerChild: locals / n,
    workflowTasksPerChild: wfts / n,
    parentEventsPerKeyword: (parent.events?.length ?? 0) / keywords.length,
    childS: childMs / n / 1000,
    llmS: llmMs / n / 1000,
    activityWaitS: actWait / n / 1000,
    wftWaitS: wftWait / n / 1000,
    wftRunS: wftRun / n / 1000,
    parentWftWaitS: pWait / Math.max(1, pWfts) / 1000,
    parentWftRunS: pRun / Math.max(1, pWfts) / 1000,
    parentWfts: pWfts,
    childStartS: cStart / Math.max(1, cStarts) / 1000,
  };
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

async function scenario(o: { label: string; address: string; keywords: number; latencyMs: number; concurrency: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `resyn-bench-grow-${o.label}-`));
  const fake = await startFakeLlm(async (req) => {
    if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
    return happyReply(req);
  });
  const cfg = loadConfig({
    ...process.env,
    RESYN_DATA_DIR: dir,
    TEMPORAL_ADDRESS: o.address,
    RESYN_TASK_QUEUE: `bench-grow-${o.label}`,
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'bench',
    RESYN_METRICS_PORT: '0',
  });
  const connection = await NativeConnection.connect({ address: o.address });
  const worker = await createResynWorker({ connection, config: cfg });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: o.address }) });
  try {
    const keywords = Array.from({ length: o.keywords }, (_, i) => `bench ${o.label} keyword ${i}`);
    const cpu0 = cpuSnapshot();
    const t0 = Date.now();
    const growId = `bench-grow-${o.label}-${Date.now()}`;
    const h = await client.workflow.start('growLibrary', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: growId,
      args: [
        {
          keywords,
          concurrency: o.concurrency,
          proposalsPerKeyword: 1,
          gates: cfg.synthesis.gates,
          maxRevisions: cfg.synthesis.maxRevisions,
        },
      ],
    });
    let last = 0;
    const ticker = setInterval(async () => {
      const p = (await h.query('progress').catch(() => undefined)) as GrowProgress | undefined;
      if (p && p.done !== last) {
        last = p.done;
        process.stderr.write(`  ${o.label}: ${p.done}/${o.keywords} keywords, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      }
    }, 5000);
    const final = (await h.result()) as GrowProgress;
    clearInterval(ticker);
    const wallS = (Date.now() - t0) / 1000;
    const cpu1 = cpuSnapshot();
    const cpu = {
      benchMsPerEnv: ((cpu1.benchS - cpu0.benchS) * 1000) / o.keywords,
      serverMsPerEnv: ((cpu1.serverS - cpu0.serverS) * 1000) / o.keywords,
    };
    const calls = fake.calls.length;
    const hs = await historyStats(client, growId, keywords);
    process.stderr.write(
      `  ${o.label}: per environment (${hs.children} children read): child events ${hs.eventsPerChild.toFixed(1)}, ` +
        `activities ${hs.activitiesPerChild.toFixed(1)} + local ${hs.localActivitiesPerChild.toFixed(1)}, workflow tasks ${hs.workflowTasksPerChild.toFixed(1)}, ` +
        `parent events per keyword ${hs.parentEventsPerKeyword.toFixed(1)}; child duration ${hs.childS.toFixed(2)} s of which LLM activities ${hs.llmS.toFixed(2)} s, ` +
        `activity tasks waiting ${hs.activityWaitS.toFixed(2)} s, workflow tasks waiting ${hs.wftWaitS.toFixed(2)} s and running ${hs.wftRunS.toFixed(2)} s; ` +
        `parent: ${hs.parentWfts} workflow tasks, each waiting ${hs.parentWftWaitS.toFixed(3)} s and running ${hs.parentWftRunS.toFixed(3)} s, child start latency ${hs.childStartS.toFixed(3)} s\n`,
    );
    return { final, wallS, calls, hs, cpu };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await fake.close();
  }
}

/**
 * The zero-overhead schedule: growLibrary's own policy (children of begun keywords first, then new proposals) with
 * `concurrency` slots, every job taking exactly its LLM calls x latency. Differs from calls x latency / concurrency
 * by the last, partly filled wave (e.g. 200 keywords of 4 s chains on 32 slots: 7 waves, 28 s, not 25 s).
 */
function scheduleIdealS(keywords: number, concurrency: number, proposalS: number, childS: number): number {
  const running: { end: number; child: boolean }[] = [];
  let pendingKeywords = keywords,
    readyChildren = 0,
    now = 0;
  for (;;) {
    while (running.length < concurrency && readyChildren > 0) {
      readyChildren--;
      running.push({ end: now + childS, child: true });
    }
    while (running.length < concurrency && pendingKeywords > 0) {
      pendingKeywords--;
      running.push({ end: now + proposalS, child: false });
    }
    if (running.length === 0) return now;
    running.sort((a, b) => a.end - b.end);
    const j = running.shift()!;
    now = j.end;
    if (!j.child) readyChildren++;
  }
}

function cpuKeys(r: { cpu: { benchMsPerEnv: number; serverMsPerEnv: number }; hs: HistoryStats }): string {
  return (
    `cpu_worker_ms_per_env=${r.cpu.benchMsPerEnv.toFixed(0)} cpu_server_ms_per_env=${r.cpu.serverMsPerEnv.toFixed(0)} ` +
    `child_events=${r.hs.eventsPerChild.toFixed(0)} child_activities=${r.hs.activitiesPerChild.toFixed(1)} child_local_activities=${r.hs.localActivitiesPerChild.toFixed(1)} child_wft=${r.hs.workflowTasksPerChild.toFixed(1)}`
  );
}

async function main() {
  const keywords = Number(arg('keywords', '200'));
  const latencyMs = Number(arg('latency-ms', '1000'));
  const concurrency = Number(arg('concurrency', '32'));
  const only = arg('only', '');
  const base = loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' });
  installRuntime(base);
  const bin = await ensureTemporalBinary(base, (m) => process.stderr.write(`${m}\n`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-grow-'));
  // The dev server as resyn starts it (eager activity dispatch included).
  const server = await startDevServer({ bin, dbFile: path.join(dir, 'temporal.sqlite'), port: await freePort(), headless: true });
  try {
    if (only !== 'latency') {
      const r = await scenario({ label: 'zero', address: server.address, keywords, latencyMs: 0, concurrency });
      const perMin = (r.final.accepted / r.wallS) * 60;
      process.stdout.write(
        `BENCH grow scenario=zero-latency keywords=${keywords} concurrency=${concurrency} accepted=${r.final.accepted} ` +
          `llm_calls=${r.calls} wall_s=${r.wallS.toFixed(1)} envs_per_min=${perMin.toFixed(1)} ${cpuKeys(r)}\n`,
      );
    }
    if (only !== 'zero') {
      const r = await scenario({ label: 'latency', address: server.address, keywords, latencyMs, concurrency });
      // Ideal: a job (a keyword's proposal call, or one child's write -> code judge -> question judge) makes its
      // LLM calls one after another, and at most `concurrency` jobs run at once, so every call is on the critical
      // path of its slot: calls x latency / concurrency. Everything else (checks, registry, Temporal) is overhead.
      const idealS = (r.calls * latencyMs) / 1000 / concurrency;
      const childCalls = (r.calls - keywords) / keywords;
      const schedS = scheduleIdealS(keywords, concurrency, latencyMs / 1000, (childCalls * latencyMs) / 1000);
      process.stdout.write(
        `BENCH grow scenario=latency latency_ms=${latencyMs} keywords=${keywords} concurrency=${concurrency} accepted=${r.final.accepted} ` +
          `llm_calls=${r.calls} wall_s=${r.wallS.toFixed(1)} ideal_s=${idealS.toFixed(1)} ratio=${(r.wallS / idealS).toFixed(2)} target_ratio=1.25 ` +
          `schedule_ideal_s=${schedS.toFixed(1)} schedule_ratio=${(r.wallS / schedS).toFixed(2)} ` +
          `child_s=${r.hs.childS.toFixed(2)} child_llm_s=${r.hs.llmS.toFixed(2)} ${cpuKeys(r)}\n`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
