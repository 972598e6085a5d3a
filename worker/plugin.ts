/**
 * ReSynPlugin: registers resyn's workflows and activities on any Temporal worker, so a team adds
 * resyn to its own worker fleet:
 *
 *   Worker.create({ connection, taskQueue: 'resyn', plugins: [new ReSynPlugin()] })
 *
 * SimplePlugin appends activities but replaces workflowsPath, so resyn's workflows run on their
 * own task queue next to a team's other workers.
 */
import { SimplePlugin } from '@temporalio/plugin';
import type { WorkerOptions, WorkflowBundleOption } from '@temporalio/worker';
import { recordRegisteredActivities } from '../activities/registered';
import { createActivities } from '../activities';
import { gateActivities } from '../activities/gates';
import { stageTimingInterceptors } from '../activities/stage-timing';
import { loadConfig, type ResynConfig } from '../temporal.config';
import { OPTIONAL_GATES } from '../contracts/synthesis-input';

export const RESYN_WORKFLOWS_PATH = require.resolve('../workflows');

export interface ReSynPluginOptions {
  config?: ResynConfig;
  /** A prebuilt bundle of RESYN_WORKFLOWS_PATH (tests reuse one to skip re-bundling). */
  workflowBundle?: WorkflowBundleOption;
}

export class ReSynPlugin extends SimplePlugin {
  /** resyn's own activity names and, of them, its gates (the rest of a worker's activities are the team's). */
  private readonly resyn: { own: string[]; gates: string[] };

  constructor(opts: ReSynPluginOptions = {}) {
    const cfg = opts.config ?? loadConfig();
    const activities = createActivities(cfg);
    super({
      name: 'resyn',
      activities,
      // Every stage's wall time (a team's own gates included), for per-stage accounting.
      workerInterceptors: { activity: [stageTimingInterceptors(cfg)] },
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: RESYN_WORKFLOWS_PATH }),
    });
    this.resyn = { own: Object.keys(activities), gates: [...Object.keys(gateActivities(cfg)), ...OPTIONAL_GATES] };
  }

  /** Records every activity the worker ends up with (resyn's and the team's), for the name checks at a run's start. */
  override configureWorker(options: WorkerOptions): WorkerOptions {
    const out = super.configureWorker(options);
    recordRegisteredActivities(out.taskQueue ?? 'default', Object.keys((out.activities as object | undefined) ?? {}), this.resyn);
    return out;
  }
}
