// Diagnostic for `npm run bench:ab`: a turn's closed requests end one part at a time (every
// span, then the metrics of all of them, then all access lines) instead of one request
// after another, each with all its parts.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/observation-phase-major.js' npm run bench:ab
// For the build of bdedc3a, which ended a turn's requests one after another; later builds
// end them one part at a time themselves.
'use strict';
const { RequestObservation } = require('./built-library')('http/request-observation.js');

let queue = [];
function endQueued() {
  const ending = queue;
  queue = [];
  const completed = [];
  for (const observation of ending) {
    if (observation.ended) continue;
    observation.ended = true;
    try {
      completed.push([observation, observation.complete()]);
    } catch (error) {
      observation.context.onObserverError(error);
    }
  }
  const parts = Math.max(0, ...completed.map(([observation]) => observation.observers.length));
  for (let part = 0; part < parts; part++) {
    for (const [observation, done] of completed) {
      const observer = observation.observers[part];
      if (observer === undefined) continue;
      try {
        observer.end(done);
      } catch (error) {
        observation.context.onObserverError(error);
      }
    }
  }
}
RequestObservation.prototype.closed = function closedPhaseMajor() {
  this.closedAt = performance.now();
  if (queue.push(this) === 1) setImmediate(endQueued);
};
