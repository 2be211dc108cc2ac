let tasks: (() => void)[] = [];

/**
 * Runs `task` at the end of this turn of the event loop (in Node's check phase, as
 * `setImmediate` does), in the one callback where every task of the turn runs, in the order
 * they were asked for. A task asked for while that callback runs still runs in it, after
 * the others. The telemetry batches its per-request work this way: the turn's closed
 * requests end (their spans, metrics and access lines), then the spans they ended are
 * encoded and the lines written, with the encoder's and the writer's code and data hot,
 * and with no span or line waiting a further turn for its own `setImmediate`.
 *
 * Each task is asked for once per turn by its owner (it batches its own work). A task
 * that throws does not stop the others: its error is thrown again, uncaught, as it would
 * have been from its own `setImmediate`.
 * @internal
 */
export function atTurnEnd(task: () => void): void {
  if (tasks.push(task) === 1) setImmediate(runTurnEndTasks);
}

function runTurnEndTasks(): void {
  // Tasks asked for from here on join this run: the array is read to its end as it grows.
  for (let index = 0; index < tasks.length; index++) {
    try {
      tasks[index]();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  tasks = [];
}
