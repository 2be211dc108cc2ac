// Diagnostic for `npm run bench:ab`: the request pipeline starts no span, as without an
// SDK (a tracking id of its own, untracedRequestStorage), while the SDK stays started:
// what the unsampled SERVER span costs.
//   F='full {"samplingRatio":0,"metrics":{"enabled":false},"logging":{"enabled":false}}'; BENCH_AB="$F;$F --require=./bench/diagnostics/pipeline-untraced.js" npm run bench:ab
'use strict';
const { HttpRequestPipeline } = require('./built-library')('http/http-request-pipeline.js');

const onApplicationBootstrap = HttpRequestPipeline.prototype.onApplicationBootstrap;
HttpRequestPipeline.prototype.onApplicationBootstrap = function untraced() {
  this.tracing = false;
  return onApplicationBootstrap.call(this);
};
