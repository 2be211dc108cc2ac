// Diagnostic for `npm run bench:ab`: no request's observation is started (no 'close'
// listener, no property on the response), so no span is ended and no observer runs. Only
// meaningful with nothing recorded (`samplingRatio: 0`, metrics and logging off).
//   F='full {"samplingRatio":0,"metrics":{"enabled":false},"logging":{"enabled":false}}'; BENCH_AB="$F;$F --require=./bench/diagnostics/observation-not-started.js" npm run bench:ab
'use strict';
const { RequestObservation } = require('./built-library')('http/request-observation.js');

RequestObservation.prototype.start = function notStarted() {};
