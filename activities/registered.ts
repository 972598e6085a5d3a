/**
 * The activity names each worker in this process registers, per task queue (ReSynPlugin records
 * them when it configures a worker, a team's own activities included), so an activity can check a
 * workflow input's names — gates above all — against what this worker can actually run.
 */
const byQueue = new Map<string, ReadonlySet<string>>();

export function recordRegisteredActivities(taskQueue: string, names: Iterable<string>): void {
  byQueue.set(taskQueue, new Set(names));
}

/** The names registered on this process's worker for the queue, or undefined when no resyn worker here polls it. */
export function registeredActivities(taskQueue: string): ReadonlySet<string> | undefined {
  return byQueue.get(taskQueue);
}
