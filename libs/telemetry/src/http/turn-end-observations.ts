/** What waits here: a request's observation, whose `end()` never throws. */
interface EndingObservation {
  end(): void;
}

let queued: EndingObservation[] = [];
let endsOnExit = false;

/**
 * Ends a closed request's observation (its span's end and encoding, the HTTP metrics, the
 * access line) at the end of the event loop's turn, together with every other request
 * that closed in the same turn, rather than in the response's `'close'` listener.
 *
 * Why: in the listener, that work runs between the app's own code for the next requests,
 * and each part runs with its code and data out of the CPU's caches (every profile of
 * `full` showed the telemetry's parts costing three to four times in the app what they
 * cost in a loop). Run one after another, a turn's observations share those caches:
 * `bench/diagnostics/observation-deferred.js` measured 1.068 and 1.094 of `full`, 18-20 µs
 * of CPU a request less (BENCHMARKS.md, "Sixteenth session").
 *
 * What a request's telemetry says does not move: the span ends at the time its response
 * closed (RequestObservation records it), and the duration the metrics and the access
 * line report is that span's. Only the moment they are handed on comes later, still
 * within the same turn. Whatever reads them at once drains the queue first: the shutdown,
 * the testing helpers, and the process's `'exit'`, so a `process.exit()` loses none.
 * @internal
 */
export function endAtTurnEnd(observation: EndingObservation): void {
  if (queued.push(observation) === 1) setImmediate(endQueuedObservations);
  if (!endsOnExit) {
    endsOnExit = true;
    // First among the exit listeners: pino's own flush on exit writes the lines ended here.
    process.prependListener('exit', endQueuedObservations);
  }
}

/** Ends every observation waiting for the turn's end, now (oldest first). @internal */
export function endQueuedObservations(): void {
  // An observation ending here may close another response (a test's stand-in): that one ends in this call too.
  while (queued.length > 0) {
    const ending = queued;
    queued = [];
    for (const observation of ending) observation.end();
  }
}
