#!/usr/bin/env node
// The overhead of each telemetry feature on the same Nest app, measured side by side in one
// run: every configuration once per round, rounds interleaved, medians reported, so the
// noise of a shared machine falls on all of them alike. The server runs pinned to one core,
// this process (the autocannon load and the OTLP sink) to the other.
//   npm run bench                           (builds first)
//   BENCH_MODES='bare;full' BENCH_ROUNDS=5 BENCH_DURATION=10 BENCH_CONNECTIONS=50 npm run bench
// Each mode may be followed by telemetry options in JSON: BENCH_MODES='bare;full {"samplingRatio":0.1}',
// and by Node flags: BENCH_MODES='bare;full;bare --max-semi-space-size=32;full --max-semi-space-size=32'.
// A mode prefixed `baseline:` runs the bench app of another checkout, built, with its own
// node_modules (BENCH_BASELINE_DIR): two builds of the library side by side in one run,
//   BENCH_BASELINE_DIR=/tmp/before BENCH_MODES='bare;full;baseline:full' npm run bench
// It checks the work was done: with 100 % sampling the sink must receive one SERVER span
// per request served, and the log file one access line per request.
'use strict';
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { TRACED, LOGGED, pinning, runOnLoadCore, startSink, startApp, appOf, sampleServer, costPerRequest, verifyTelemetry, rssMb, countAccessLines } = require('./http-harness');
const median = require('./median');

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
// Seconds of load before each measurement, long enough for a new process's one-time start:
// the JIT's compiling (on the server's own core) and its first mark-compact fall in the
// first 5-8 s of load, more in an SDK configuration than in `bare` (BENCHMARKS.md, "Fifteenth session").
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 18080);
const MODES = (process.env.BENCH_MODES ?? 'bare;full;tracing;metrics;logs').split(';').map((m) => m.trim()).filter(Boolean);

runOnLoadCore(__filename);

async function measure(label, port, sink) {
  const { mode } = appOf(label.split(' ')[0]);
  const logFile = path.join(os.tmpdir(), `bench-${mode}.log`);
  const before = await sink.stats();
  const child = await startApp(label, port, sink.url, logFile);
  const url = `http://127.0.0.1:${port}/api/v1/items/42`;
  const warm = WARMUP > 0 ? await autocannon({ url, connections: CONNECTIONS, duration: WARMUP }) : { requests: { total: 0, sent: 0 }, non2xx: 0, errors: 0 };
  const spentBefore = await sampleServer(child);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  const spentAfter = await sampleServer(child);
  const rss = rssMb(child.pid);
  // SIGTERM: the app closes, flushing its spans and log lines, before it is counted.
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const failures = result.non2xx + result.errors + warm.non2xx + warm.errors;
  if (failures > 0) throw new Error(`${label}: ${failures} failed requests`);

  // autocannon counts the responses it read before its time was up; the requests still in
  // flight then (at most one per connection) were served too, unread.
  const served = warm.requests.total + result.requests.total;
  const sent = warm.requests.sent + result.requests.sent;
  const after = await sink.stats();
  const serverSpans = after.serverSpans - before.serverSpans;
  const spans = after.spans - before.spans;
  const accessLines = await countAccessLines(logFile);
  // Options may turn a feature down (a sampling ratio, no access log): only the defaults are checked.
  verifyTelemetry(label, { served, sent, serverSpans, accessLines });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...costPerRequest(spentBefore, spentAfter, result.requests.total),
    rssMb: rss,
    served,
    spansPerRequest: spans / served,
    accessLines,
  };
}


(async () => {
  execFileSync(process.execPath, ['-e', 'require("nest-telemetry")'], { cwd: __dirname }); // built?
  const sink = await startSink();
  const rows = Object.fromEntries(MODES.map((mode) => [mode, []]));
  console.log(`${ROUNDS} rounds × ${MODES.length} configurations, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s each; ` +
    pinning());
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round starts one configuration further down the list: no configuration always runs
    // right after the same one (the OTLP sink's decoding, a cooling machine), so a cost tied to
    // a position in the round spreads over all of them instead of falling on one.
    const order = MODES.map((_, index) => MODES[(index + round - 1) % MODES.length]);
    for (const mode of order) {
      const row = await measure(mode, PORT, sink);
      rows[mode].push(row);
      const appMode = appOf(mode.split(' ')[0]).mode;
      const checks = [TRACED.has(appMode) ? `${row.spansPerRequest.toFixed(2)} spans/req` : '', LOGGED.has(appMode) ? `${row.accessLines} access lines` : ''].filter(Boolean).join(', ');
      console.log(`round ${round} ${mode.padEnd(10)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ${row.cpuPerRequest.toFixed(0).padStart(4)} µs CPU/req (${row.systemPerRequest.toFixed(0)} system, GC pauses ${row.youngGcPerRequest.toFixed(1)} young + ${row.fullGcPerRequest.toFixed(1)} full)  RSS ${row.rssMb.toFixed(0)} MB  ${row.served} served${checks ? `, ${checks}` : ''}`);
    }
  }
  const base = MODES[0];
  const baseRps = median(rows[base].map((r) => r.rps));
  const baseP99 = median(rows[base].map((r) => r.p99));
  const baseCpu = median(rows[base].map((r) => r.cpuPerRequest));
  console.log(`\nmedians (Node ${process.version}, ${os.cpus()[0].model}):\n`);
  console.log('| configuration | req/s | ratio | paired ratio | paired range | p50 ms | p99 ms | p99 ratio | µs CPU/req | +µs vs ' + base + ' | RSS MB | µs system/req | µs GC pause/req (young + full) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const mode of MODES) {
    const m = (key) => median(rows[mode].map((r) => r[key]));
    // Each round's ratio to the same round's base, run minutes apart at most: the machine's
    // speed, which drifts between rounds, cancels out better than in a ratio of medians.
    const ratios = rows[mode].map((r, round) => r.rps / rows[base][round].rps);
    const paired = median(ratios);
    // The lowest and highest of the rounds' ratios: a difference between two configurations
    // that is smaller than their ranges is not one this run can show.
    const range = `${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`;
    console.log(`| ${mode} | ${m('rps').toFixed(0)} | ${(m('rps') / baseRps).toFixed(3)} | ${paired.toFixed(3)} | ${range} | ${m('p50')} | ${m('p99')} | ${(m('p99') / baseP99).toFixed(2)} | ${m('cpuPerRequest').toFixed(0)} | ${(m('cpuPerRequest') - baseCpu).toFixed(0)} | ${m('rssMb').toFixed(0)} | ${m('systemPerRequest').toFixed(0)} | ${m('youngGcPerRequest').toFixed(1)} + ${m('fullGcPerRequest').toFixed(1)} |`);
  }
  console.log(`\nverified: every traced request's SERVER span reached the sink, every logged request wrote one access line`);
  sink.stop();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
