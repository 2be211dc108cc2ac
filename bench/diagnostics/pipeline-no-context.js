// Diagnostic for `npm run bench:ab`: the request pipeline starts the span, the tracking id
// and the observation as usual, but runs the app outside the request's context (no
// AsyncLocalStorage run): what entering the context costs.
//   F='full {"samplingRatio":0,"metrics":{"enabled":false},"logging":{"enabled":false}}'; BENCH_AB="$F;$F --require=./bench/diagnostics/pipeline-no-context.js" npm run bench:ab
'use strict';
const { HttpRequestPipeline } = require('./built-library')('http/http-request-pipeline.js');

HttpRequestPipeline.prototype.handle = function withoutContext(server, emit, request, response) {
  this.begin(request, response).observation?.start();
  return emit.call(server, 'request', request, response);
};
