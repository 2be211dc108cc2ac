#!/usr/bin/env node
// Soak: one million requests (BENCH_SOAK_REQUESTS) against the app with full telemetry
// (100 % sampling, OTLP export to the sink, metrics, access log to a file). Prints RSS at
// the start and the end and the heap after a full GC, and fails when the heap after GC
// grew by 50 MB or more: telemetry must not keep anything per request. It also fails when
// a request's SERVER span did not reach the sink or its access line is missing: a soak
// that drops telemetry under load cannot pass.
//   npm run bench:soak
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { countAccessLines } = require('./http-harness');

const REQUESTS = Number(process.env.BENCH_SOAK_REQUESTS ?? 1_000_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LIMIT_MB = 50;
const mb = (bytes) => bytes / 1024 / 1024;

function forkReady(file, args, options) {
  const child = fork(file, args, options);
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message }));
    child.once('exit', (code) => reject(new Error(`${path.basename(file)} exited with ${code}`)));
  });
}

(async () => {
  const { child: sink, message: { url: endpoint } } = await forkReady(path.join(__dirname, 'otlp-sink.js'), [], { stdio: 'inherit' });
  const logFile = path.join(os.tmpdir(), 'bench-soak.log');
  const out = fs.openSync(logFile, 'w');
  const { child: app } = await forkReady(path.join(__dirname, 'app.js'), ['full', '18081', endpoint], {
    stdio: ['ignore', out, 'inherit', 'ipc'],
    execArgv: ['--expose-gc'],
  });
  fs.closeSync(out);
  const memory = () => new Promise((resolve) => {
    app.once('message', (message) => resolve(message.memory));
    app.send('memory');
  });
  const url = 'http://127.0.0.1:18081/api/v1/items/42';
  const warm = await autocannon({ url, connections: CONNECTIONS, amount: 20_000 }); // warm-up: JIT, pools, first series
  const start = await memory();
  console.log(`start: RSS ${mb(start.rss).toFixed(1)} MB, heap after GC ${mb(start.heapUsed).toFixed(1)} MB`);
  const started = Date.now();
  const result = await autocannon({ url, connections: CONNECTIONS, amount: REQUESTS });
  const end = await memory();
  const growth = mb(end.heapUsed - start.heapUsed);
  console.log(`${result.requests.total} requests in ${((Date.now() - started) / 1000).toFixed(0)} s (${result.requests.average.toFixed(0)} req/s), ${result.non2xx + result.errors} failed`);
  console.log(`end:   RSS ${mb(end.rss).toFixed(1)} MB, heap after GC ${mb(end.heapUsed).toFixed(1)} MB`);
  console.log(`growth: RSS ${mb(end.rss - start.rss).toFixed(1)} MB, heap after GC ${growth.toFixed(1)} MB (limit ${LIMIT_MB} MB)`);
  app.kill('SIGTERM');
  await new Promise((resolve) => app.once('exit', resolve));
  // Every request was answered and read (`amount`), and the app flushed its spans and lines on SIGTERM.
  const served = warm.requests.total + result.requests.total;
  const { serverSpans } = await new Promise((resolve) => {
    sink.once('message', resolve);
    sink.send('stats');
  });
  const accessLines = await countAccessLines(logFile);
  console.log(`telemetry: ${serverSpans} SERVER spans received and ${accessLines} access lines written, for ${served} requests`);
  sink.send('stop');
  if (growth >= LIMIT_MB || result.non2xx + result.errors > 0 || serverSpans !== served || accessLines !== served) process.exit(1);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
