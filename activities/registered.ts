/**
 * The activity names each worker in this process registers, per task queue (ReSynPlugin records
 * them when it configures a worker, a team's own activities included), so an activity can check a
 * workflow input's names — gates above all — against what this worker can actually run.
 */
export interface RegisteredActivities {
  /** Every activity name on the worker. */
  all: ReadonlySet<string>;
  /** The ones that are gates: resyn's own gates plus every activity resyn did not bring (a team's own gate). */
  gates: readonly string[];
}

const byQueue = new Map<string, RegisteredActivities>();

/** `resynOwn`: the activities resyn registers; `resynGates`: those of them that are gates. */
export function recordRegisteredActivities(
  taskQueue: string,
  names: Iterable<string>,
  resyn: { own: Iterable<string>; gates: Iterable<string> } = { own: [], gates: [] },
): void {
  const all = new Set(names);
  const own = new Set(resyn.own);
  const builtinGates = new Set(resyn.gates);
  byQueue.set(taskQueue, { all, gates: [...all].filter((n) => builtinGates.has(n) || !own.has(n)).sort() });
}

/** The names registered on this process's worker for the queue, or undefined when no resyn worker here polls it. */
export function registeredActivities(taskQueue: string): RegisteredActivities | undefined {
  return byQueue.get(taskQueue);
}
