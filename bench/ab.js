#!/usr/bin/env node
// Two configurations, or two builds, compared in short alternating slices against two
// servers that stay up: pair after pair, each side loaded for a few seconds, the order
// swapped every pair. On a shared machine whose speed moves req/s by half between runs a
// minute apart, the drift then falls on both sides of every pair, and the pairs' ratios
// show a difference that `npm run bench` (one configuration per process and round) cannot.
//   BENCH_AB='full;baseline:full' BENCH_BASELINE_DIR=/tmp/before npm run bench:ab
//   BENCH_PAIRS=30 BENCH_SLICE=2 BENCH_WARMUP=3 BENCH_CONNECTIONS=50 BENCH_PORT=18180
// Labels are those of BENCH_MODES (a mode, options in JSON, Node flags, `baseline:`). Each
// server has a sink of its own, and the spans and access lines of each are checked as
// `npm run bench` checks them.
'use strict';
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { TRACED, LOGGED, pinning, runOnLoadCore, startSink, startApp, appOf, checksTelemetry, sampleServer, costPerRequest, verifyTelemetry, rssMb, countAccessLines } = require('./http-harness');
const median = require('./median');
const medianInterval = require('./median-interval');

const LABELS = (process.env.BENCH_AB ?? 'bare;full').split(';').map((label) => label.trim()).filter(Boolean);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 20);
const SLICE = Number(process.env.BENCH_SLICE ?? 2);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 18180);
if (LABELS.length !== 2) throw new Error(`BENCH_AB names two configurations separated by ";", not ${JSON.stringify(process.env.BENCH_AB)}`);

runOnLoadCore(__filename);

/** One side of the comparison: its server, its sink and what its slices measured. */
async function startSide(label, index) {
  const sink = await startSink();
  const logFile = path.join(os.tmpdir(), `bench-ab-${index}.log`);
  const port = PORT + index;
  const child = await startApp(label, port, sink.url, logFile);
  return { label, sink, logFile, child, url: `http://127.0.0.1:${port}/api/v1/items/42`, served: 0, sent: 0, slices: [] };
}

async function load(side, duration) {
  const result = await autocannon({ url: side.url, connections: CONNECTIONS, duration });
  if (result.non2xx + result.errors > 0) throw new Error(`${side.label}: ${result.non2xx + result.errors} failed requests`);
  // Read responses, and the requests in flight when time was up (served too, unread).
  side.served += result.requests.total;
  side.sent += result.requests.sent;
  return result;
}

async function slice(side) {
  const before = await sampleServer(side.child);
  const result = await load(side, SLICE);
  const { cpuPerRequest, youngGcPerRequest, fullGcPerRequest } = costPerRequest(before, await sampleServer(side.child), result.requests.total);
  const measured = { rps: result.requests.average, cpuPerRequest, gcPausePerRequest: youngGcPerRequest + fullGcPerRequest };
  side.slices.push(measured);
  return measured;
}

/** After the server's shutdown flush: were its spans and access lines all there? What was counted, for the report. */
async function verify(side) {
  if (!checksTelemetry(side.label)) return '';
  const { mode } = appOf(side.label.split(' ')[0]);
  const { serverSpans } = await side.sink.stats();
  const accessLines = await countAccessLines(side.logFile);
  verifyTelemetry(side.label, { served: side.served, sent: side.sent, serverSpans, accessLines });
  return [TRACED.has(mode) ? `${serverSpans} spans` : '', LOGGED.has(mode) ? `${accessLines} access lines` : ''].filter(Boolean).join(', ');
}

(async () => {
  execFileSync(process.execPath, ['-e', 'require("nest-telemetry")'], { cwd: __dirname }); // built?
  const sides = [];
  for (const [index, label] of LABELS.entries()) sides.push(await startSide(label, index));
  const [a, b] = sides;
  console.log(`A = ${a.label}, B = ${b.label}: ${PAIRS} pairs of ${SLICE} s slices, ${CONNECTIONS} connections, ${WARMUP} s warm-up each; ${pinning()}`);
  for (const side of sides) if (WARMUP > 0) await load(side, WARMUP);
  const ratios = [];
  for (let pair = 1; pair <= PAIRS; pair++) {
    // A first in odd pairs, B first in even ones: neither always follows the other.
    const order = pair % 2 === 1 ? [a, b] : [b, a];
    for (const side of order) await slice(side);
    const [sliceA, sliceB] = [a.slices.at(-1), b.slices.at(-1)];
    ratios.push(sliceB.rps / sliceA.rps);
    console.log(
      `pair ${String(pair).padStart(2)} ${order[0] === a ? 'A,B' : 'B,A'}  A ${sliceA.rps.toFixed(0).padStart(6)} req/s ${sliceA.cpuPerRequest.toFixed(0).padStart(4)} µs  ` +
        `B ${sliceB.rps.toFixed(0).padStart(6)} req/s ${sliceB.cpuPerRequest.toFixed(0).padStart(4)} µs  B/A ${ratios.at(-1).toFixed(3)}`,
    );
  }
  const rss = sides.map((side) => rssMb(side.child.pid));
  for (const side of sides) {
    side.child.kill('SIGTERM');
    await new Promise((resolve) => side.child.once('exit', resolve));
  }
  const checks = [];
  for (const side of sides) checks.push(await verify(side));
  for (const side of sides) side.sink.stop();

  const sorted = [...ratios].sort((x, y) => x - y);
  const quartile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const faster = ratios.filter((ratio) => ratio > 1).length;
  console.log(`\nmedians over the slices (Node ${process.version}, ${os.cpus()[0].model}):\n`);
  console.log('| side | configuration | req/s | µs CPU/req | µs GC pause/req | RSS MB | verified |');
  console.log('|---|---|---|---|---|---|---|');
  sides.forEach((side, index) => {
    const m = (key) => median(side.slices.map((measured) => measured[key]));
    console.log(`| ${index === 0 ? 'A' : 'B'} | ${side.label} | ${m('rps').toFixed(0)} | ${m('cpuPerRequest').toFixed(1)} | ${m('gcPausePerRequest').toFixed(2)} | ${rss[index].toFixed(0)} | ${checks[index] || '-'} |`);
  });
  // The pairs' median is the result; its interval says whether a goal is met in this run or only by its luck.
  const interval = medianInterval(ratios);
  const intervalText = interval ? `95 % confidence interval of the median ${interval.low.toFixed(3)}-${interval.high.toFixed(3)}` : 'too few pairs for a 95 % confidence interval of the median (6 at least)';
  console.log(`\nB/A req/s per pair: median ${median(ratios).toFixed(3)}, middle half ${quartile(0.25).toFixed(3)}-${quartile(0.75).toFixed(3)}, B faster in ${faster} of ${ratios.length} pairs; ${intervalText}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
