#!/usr/bin/env node
// The library's own work per request, without sockets, express or Nest: the request pipeline
// (HttpRequestPipeline, wrapping a server's `emit` as it wraps the app's) handles requests
// that a stand-in app answers with 200 at once; each response's 'close' queues its observation,
// and the loop ends them in turns of TURN requests, as a server's turns of the event loop do.
// The HTTP run (`npm run bench`) cannot show a change of a few µs on a shared machine; this
// can, because it times only this, in one process per configuration, rounds interleaved:
//   none       the stand-in app alone (what the other rows are measured against)
//   module     the pipeline without the SDK: tracking id, observation
//   unsampled  the SDK started, `samplingRatio: 0`: a non-recording span per request
//   sampled    the SDK started, every span recorded and ended (not exported)
//   continued  sampled, each request continuing its caller's trace (a `traceparent` header)
//   observed   sampled, and the HTTP metrics and the access log observe each request (the
//              lines go to a destination that counts them: the file write is not timed)
// Each row reports µs and KB allocated per request. Run, after `npm run build`:
//   node bench/request-pipeline.js
//   BENCH_BASELINE_DIR=/tmp/before node bench/request-pipeline.js     (adds `baseline:` rows:
//                                          the same configurations on another checkout's build)
//   CONFIGURATIONS=sampled,observed ROUNDS=10 REQUESTS=500000 TURN=50 node bench/request-pipeline.js
'use strict';
const { execFileSync } = require('node:child_process');
const { EventEmitter } = require('node:events');
const path = require('node:path');
const median = require('./median');

// `none` always runs: the other rows are read against it.
const CONFIGURATIONS = ['none', ...(process.env.CONFIGURATIONS ?? 'module,unsampled,sampled,continued,observed').split(',').filter((name) => name && name !== 'none')];
const REQUESTS = Number(process.env.REQUESTS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
// Requests a turn of the event loop handles, and their observations end in: about 48 measured
// under `bench:ab` (50 connections, each waiting for its response).
const TURN = Number(process.env.TURN ?? 50);

/** A request as node's parser leaves it, for what the pipeline reads. */
class StandInRequest {
  constructor(id, traceparent) {
    this.method = 'GET';
    this.url = `/api/v1/items/${id}?expand=tags`;
    this.httpVersion = '1.1';
    this.headers = { host: '127.0.0.1:18080', 'user-agent': 'autocannon', accept: '*/*', connection: 'keep-alive' };
    if (traceparent) this.headers.traceparent = traceparent;
    this.socket = { remoteAddress: '127.0.0.1' };
    this.route = undefined;
  }
}

/** A response with the headers and events the pipeline uses. */
class StandInResponse extends EventEmitter {
  constructor() {
    super();
    this.statusCode = 200;
    this.writableFinished = false;
    this.headers = new Map();
  }
  setHeader(name, value) {
    this.headers.set(name.toLowerCase(), value);
  }
  getHeader(name) {
    return this.headers.get(name.toLowerCase());
  }
}

/** The app: matches the route (as express leaves it on the request) and answers. */
function standInApp(event, request, response) {
  request.route = { path: '/api/v1/items/:id' };
  response.writableFinished = true;
  response.emit('close');
  return true;
}

/** Where the access lines go: counted, not written. */
const lines = {
  count: 0,
  write() {
    this.count += 1;
  },
};

/** The observers the module gives an app with metrics and the access log on: its own provider's factory. */
function observersOf(configuration, options, dist) {
  if (configuration !== 'observed') return [];
  const { Registry } = require('prom-client');
  const { MetricFactory } = dist('metrics/metric-factory');
  const { createTelemetryLogger } = dist('logging/logger.factory');
  const { httpObserversProvider } = dist('http/http-observers.provider');
  const observers = httpObserversProvider.useFactory(options, new MetricFactory(new Registry(), options.metrics.maxLabelValues), createTelemetryLogger(options));
  if (observers.length !== 2) throw new Error(`observed: ${observers.length} observers, expected the HTTP metrics and the access log`);
  return observers;
}

/** A module of the build, or undefined where that build has none. */
function optionalDist(dist, file) {
  try {
    return dist(file);
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

function child(configuration, libraryDir) {
  require('reflect-metadata');
  const dist = (file) => require(path.join(libraryDir, 'libs/telemetry/dist', file));
  const server = {
    emit: standInApp,
    on() {},
    prependListener() {},
    removeListener() {},
    listenerCount: () => 0,
  };
  if (configuration !== 'none') {
    const sdkOptions = { serviceName: 'bench', traceExporter: 'none', samplingRatio: configuration === 'unsampled' ? 0 : 1 };
    const runtime =
      configuration === 'module'
        ? dist('sdk/telemetry-runtime').createStandInRuntime(dist('options/sdk-options.resolver').resolveSdkOptions(sdkOptions))
        : dist('sdk/start-telemetry').startTelemetry(sdkOptions);
    const options = dist('options/module-options.resolver').resolveModuleOptions({ logging: { level: 'info', destination: lines } }, runtime.options);
    const { HttpRequestPipeline } = dist('http/http-request-pipeline');
    new HttpRequestPipeline(options, runtime, observersOf(configuration, options, dist), { httpAdapter: { getHttpServer: () => server } }).onApplicationBootstrap();
    if (server.emit === standInApp) throw new Error(`${configuration}: the pipeline did not wrap the server`);
  }
  // Each request and response is made in the loop and dropped after it, as a server does:
  // `none` times that and the app, and the other rows are read against it.
  const trackingHeader = configuration === 'none' ? undefined : 'x-tracking-id';
  // A caller's trace, sampled: its id becomes every request's tracking id.
  const traceparent = configuration === 'continued' ? '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' : undefined;
  // Closed requests end at the end of the event loop's turn (http/turn-end-observations):
  // the loop ends them in turns of TURN requests, as a server does under load. A baseline
  // build from before that ends each one in its response's 'close' listener.
  const endTurn = configuration === 'none' ? () => {} : optionalDist(dist, 'http/turn-end-observations')?.endQueuedObservations ?? (() => {});
  let untracked = 0;
  const loopStart = performance.now();
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) {
    const response = new StandInResponse();
    server.emit('request', new StandInRequest(i, traceparent), response);
    const trackingId = trackingHeader && response.getHeader(trackingHeader);
    if (trackingHeader && (trackingId === undefined || (traceparent && trackingId !== traceparent.slice(3, 35)))) untracked += 1;
    if ((i + 1) % TURN === 0) endTurn();
  }
  endTurn();
  const micros = Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
  const loopEnd = performance.now();
  // The work was done: a tracking id on every response, and with observers an access line each.
  if (configuration === 'observed' && lines.count !== REQUESTS) throw new Error(`observed: ${lines.count} access lines for ${REQUESTS} requests`);
  if (untracked > 0) throw new Error(`${configuration}: ${untracked} responses have no tracking id (or not the caller's trace id)`);
  process.stdout.write(`${JSON.stringify({ micros, loopStart, loopEnd })}\n`);
}

/**
 * A run of one row, under `--trace-gc-nvp`: the time per request the child measured, and
 * the bytes it allocated per request. V8 prints, at every collection, the bytes allocated
 * since the one before (`allocated=`) and when it ran, in ms since the isolate started
 * (the clock `performance.now()` counts from, to within a few ms). The rate between the
 * first and the last collection inside the loop, times the loop's length, over the
 * requests: steadier than the time, and what the garbage collector pays for in a real app,
 * where every young collection also has the app's own live objects to scan.
 */
function run(row) {
  const output = execFileSync(process.execPath, ['--trace-gc-nvp', __filename, '--child', row.configuration, row.dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const { micros, loopStart, loopEnd } = JSON.parse(/\{"micros":[^}]*\}/.exec(output)[0]);
  const collections = [...output.matchAll(/\s([\d.]+) ms: pause=.* allocated=(\d+) /g)]
    .map(([, at, allocated]) => ({ at: Number(at), allocated: Number(allocated) }))
    .filter(({ at }) => at >= loopStart && at <= loopEnd);
  if (collections.length < 3) return { micros, bytes: undefined };
  // The first one's bytes were partly allocated before the loop: the rate starts after it.
  const bytes = collections.slice(1).reduce((sum, { allocated }) => sum + allocated, 0);
  const perMilli = bytes / (collections.at(-1).at - collections[0].at);
  return { micros, bytes: (perMilli * (loopEnd - loopStart)) / REQUESTS };
}

function parent() {
  const here = path.resolve(__dirname, '..');
  const baseline = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : undefined;
  const rows = [];
  for (const configuration of CONFIGURATIONS) {
    rows.push({ label: configuration, configuration, dir: here });
    if (baseline && configuration !== 'none') rows.push({ label: `baseline:${configuration}`, configuration, dir: baseline });
  }
  const results = Object.fromEntries(rows.map((row) => [row.label, []]));
  const allocated = Object.fromEntries(rows.map((row) => [row.label, []]));
  console.log(`${ROUNDS} rounds × ${rows.length} configurations, ${REQUESTS} requests each, one process per run`);
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round starts one row further down, as in the HTTP benchmark.
    const order = rows.map((_, index) => rows[(index + round - 1) % rows.length]);
    for (const row of order) {
      const { micros, bytes } = run(row);
      results[row.label].push(micros);
      if (bytes !== undefined) allocated[row.label].push(bytes);
      console.log(`round ${round} ${row.label.padEnd(20)} ${micros.toFixed(2)} µs/request  ${bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(2)} KB allocated/request`);
    }
  }
  const none = median(results.none);
  const bytesOf = (label) => (allocated[label].length > 0 ? median(allocated[label]) : undefined);
  const kilobytes = (bytes) => (bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(2));
  console.log(`\nmedians (Node ${process.version}):\n`);
  console.log('| configuration | µs per request | + µs over none | range | KB allocated per request | + KB over none |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) {
    const values = results[row.label];
    const bytes = bytesOf(row.label);
    const extra = bytes === undefined || bytesOf('none') === undefined ? undefined : bytes - bytesOf('none');
    console.log(
      `| ${row.label} | ${median(values).toFixed(2)} | ${(median(values) - none).toFixed(2)} | ${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)} | ${kilobytes(bytes)} | ${kilobytes(extra)} |`,
    );
  }
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4]);
else parent();
