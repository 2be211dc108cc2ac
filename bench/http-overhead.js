#!/usr/bin/env node
// Throughput and CPU per request of the same Nest app without telemetry (baseline) and
// with full tracing (100 % sampling, batched OTLP/HTTP protobuf export to a sink
// process on 127.0.0.1), measured side by side in one run, alternating rounds to share the noise.
//   npm run bench              (after npm run build)
//   BENCH_DURATION=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50 npm run bench
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// Modes of bench/app.js, `;`-separated, each optionally followed by telemetry options
// in JSON: BENCH_MODES='baseline;telemetry;telemetry {"traceExporter":"none"}'.
const MODES = (process.env.BENCH_MODES ?? 'baseline;telemetry').split(';').map((m) => m.trim());

/** The OTLP sink runs in its own process so that it never waits behind the load generator. */
function startSink() {
  const child = fork(path.join(__dirname, 'otlp-sink.js'), [], { stdio: 'inherit' });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  return next().then(({ url }) => ({
    url,
    stats: () => (child.send('stats'), next()),
    stop: () => child.send('stop'),
  }));
}

function startApp(label, port, endpoint) {
  const [mode, ...options] = label.split(' ');
  // The app's log lines go to a file, as a log shipper would read them, not to this
  // terminal (whose reader would set the pace).
  const logFile = fs.openSync(path.join(os.tmpdir(), `bench-${mode}.log`), 'w');
  const child = fork(path.join(__dirname, 'app.js'), [mode, String(port), endpoint, options.join(' ')], {
    stdio: ['ignore', logFile, 'inherit', 'ipc'],
  });
  fs.closeSync(logFile);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${mode} app exited with ${code}`)));
  });
}

function cpuMicros(pid) {
  // utime + stime of the server process, in clock ticks (100 Hz on Linux).
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measure(mode, port, endpoint) {
  const child = await startApp(mode, port, endpoint);
  const url = `http://127.0.0.1:${port}/api/v1/items/42`;
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up (JIT)
  const cpuBefore = cpuMicros(child.pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  const cpu = cpuMicros(child.pid) - cpuBefore;
  const memory = Number(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, cpuPerRequest: cpu / result.requests.total, rssMb: memory };
}

(async () => {
  const sink = await startSink();
  const rows = Object.fromEntries(MODES.map((mode) => [mode, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of MODES) {
      rows[mode].push(await measure(mode, 18080, sink.url));
      const last = rows[mode].at(-1);
      console.log(`round ${round} ${mode.padEnd(12)} ${last.rps.toFixed(0).padStart(6)} req/s  p99 ${String(last.p99).padStart(3)} ms  ${last.cpuPerRequest.toFixed(0).padStart(4)} us CPU/req  RSS ${last.rssMb.toFixed(0)} MB`);
    }
  }
  const median = (values) => {
    const sorted = values.slice().sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  console.log(`\nmedian of ${ROUNDS} rounds, ${CONNECTIONS} connections, ${DURATION} s each, Node ${process.version}`);
  const base = { rps: median(rows[MODES[0]].map((r) => r.rps)), cpu: median(rows[MODES[0]].map((r) => r.cpuPerRequest)) };
  for (const mode of MODES) {
    const rps = median(rows[mode].map((r) => r.rps));
    const cpu = median(rows[mode].map((r) => r.cpuPerRequest));
    console.log(`${mode.padEnd(40)} ${rps.toFixed(0).padStart(6)} req/s  ${cpu.toFixed(0).padStart(4)} us CPU/req  ratio ${(rps / base.rps).toFixed(3)}  +${(cpu - base.cpu).toFixed(0)} us CPU/req`);
  }
  const { exports, bytes } = await sink.stats();
  console.log(`OTLP sink received ${exports} exports, ${(bytes / 1e6).toFixed(1)} MB`);
  sink.stop();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
