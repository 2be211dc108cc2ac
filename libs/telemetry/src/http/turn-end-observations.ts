import { atTurnEnd } from '../turn-end';

/** What waits here: a request's observation (RequestObservation), ended in steps that never throw. */
interface EndingObservation {
  /** Ends the span, and makes what the observers are told. */
  endSpan(): void;
  /** Tells the `part`-th observer; false once there is none left (or nothing to tell). */
  tell(part: number): boolean;
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
 * cost in a loop). Run together, one part at a time (every span, then every request's
 * metrics, then every access line), a turn's observations share those caches: a turn
 * under load ends about 48 of them (BENCHMARKS.md, "Sixteenth session"). The spans they
 * end are encoded, and the lines written, later in the same turn-end run (atTurnEnd).
 *
 * What a request's telemetry says does not move: the span ends at the time its response
 * closed (RequestObservation records it), and the duration the metrics and the access
 * line report is that span's. Only the moment they are handed on comes later, still
 * within the same turn. Whatever reads them at once drains the queue first: the shutdown,
 * the testing helpers, and the process's `'exit'`, so a `process.exit()` loses none.
 * @internal
 */
export function endAtTurnEnd(observation: EndingObservation): void {
  if (queued.push(observation) === 1) atTurnEnd(endQueuedObservations);
  if (!endsOnExit) {
    endsOnExit = true;
    // First among the exit listeners: pino's own flush on exit writes the lines ended here.
    process.prependListener('exit', endQueuedObservations);
  }
}

/** Ends every observation waiting for the turn's end, now (oldest first, one part at a time). @internal */
export function endQueuedObservations(): void {
  // An observation ending here may close another response (a test's stand-in): that one ends in this call too.
  while (queued.length > 0) {
    const ending = queued;
    queued = [];
    for (const observation of ending) observation.endSpan();
    for (let part = 0, more = true; more; part++) {
      more = false;
      for (const observation of ending) if (observation.tell(part)) more = true;
    }
  }
}
