// Diagnostic for `npm run bench:ab`: the SDK started (nothing sampled, its export pointed
// at a closed port) and no module: what the SDK's presence alone does to the app.
//   BENCH_AB='bare;bare {} --require=./bench/diagnostics/sdk-started-only.js' npm run bench:ab
'use strict';
require('./built-library')('sdk/index.js').startTelemetry({ serviceName: 'bench', samplingRatio: 0, otlpEndpoint: 'http://127.0.0.1:9/v1/traces' });
