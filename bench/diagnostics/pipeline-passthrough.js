// Diagnostic for `npm run bench:ab`: the request pipeline hands every request straight to
// the app (no span, no context, no tracking id, no observation); the module and the SDK
// stay loaded and started. What the pipeline's own work per request costs.
//   F='full {"samplingRatio":0,"metrics":{"enabled":false},"logging":{"enabled":false}}'; BENCH_AB="$F;$F --require=./bench/diagnostics/pipeline-passthrough.js" npm run bench:ab
'use strict';
const { HttpRequestPipeline } = require('./built-library')('http/http-request-pipeline.js');

HttpRequestPipeline.prototype.handle = function passThrough(server, emit, request, response) {
  return emit.call(server, 'request', request, response);
};
