// Diagnostic for `npm run bench:ab`: each request's observation (the span's end, its
// encoding, the metrics, the access line) runs at the end of the event loop's turn, all of
// the turn's requests in one go, instead of in the response's 'close' listener.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/observation-deferred.js' npm run bench:ab
// For a build from before http/turn-end-observations (6358c79 and earlier), which it led to:
// a later build ends observations at the turn's end itself, without calling `end()` there.
'use strict';
const { RequestObservation } = require('./built-library')('http/request-observation.js');

const end = RequestObservation.prototype.end;
let queue = [];
let turns = 0;
let observations = 0;
function endQueued() {
  const ending = queue;
  queue = [];
  turns++;
  observations += ending.length;
  for (const observation of ending) end.call(observation);
}
RequestObservation.prototype.end = function endAtTurnEnd() {
  if (queue.push(this) === 1) setImmediate(endQueued);
};
process.on('exit', () => process.stderr.write(`observation-deferred: ${observations} observations in ${turns} turns (${(observations / turns).toFixed(1)} a turn)\n`));
