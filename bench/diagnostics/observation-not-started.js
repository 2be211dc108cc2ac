// Diagnostic for `npm run bench:ab`: no request's observation is started (no 'close'
// listener, no property on the response), so no span is ended and no observer runs. Only
// meaningful with nothing recorded (`samplingRatio: 0`, metrics and logging off).
'use strict';
const { RequestObservation } = require('./built-library')('http/request-observation.js');

RequestObservation.prototype.start = function notStarted() {};
