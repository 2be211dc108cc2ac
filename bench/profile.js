#!/usr/bin/env node
// Where each configuration's CPU goes, per request: the server under load is sampled by
// `perf` (kernel, GC and helper threads included, JIT frames named through Node's perf
// map), and the samples are sorted into the app, each part of the telemetry, Node's own
// HTTP work, GC and other threads (bench/profile-classifier.js). This is how BENCHMARKS.md
// says what is left between `full` and `bare`. Needs Linux `perf` (Debian: linux-perf)
// and the right to profile the process (root, or kernel.perf_event_paranoid <= 1).
//   BENCH_MODES='bare;full' BENCH_DURATION=8 BENCH_WARMUP=15 BENCH_FREQUENCY=999 npm run bench:profile
// JIT-compiled frames are named from Node's perf map, the latest code at an address first
// (bench/perf-map.js): perf's own naming keeps the first, which V8 may since have freed.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { pinning, runOnLoadCore, startSink, startApp } = require('./http-harness');
const { classify, CATEGORIES } = require('./profile-classifier');
const { loadPerfMap, renameJitFrames } = require('./perf-map');

const MODES = (process.env.BENCH_MODES ?? 'bare;full').split(';').map((mode) => mode.trim()).filter(Boolean);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
// Past a new process's start: in the first 5-8 s of load V8's compiler threads take the
// server's core, more in `full` than in `bare` (BENCHMARKS.md, "Fifteenth session").
const WARMUP = Number(process.env.BENCH_WARMUP ?? 15);
const FREQUENCY = Number(process.env.BENCH_FREQUENCY ?? 999);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 18280);
const TOP = Number(process.env.BENCH_TOP ?? 15);
// What lets perf name JIT-compiled JavaScript frames; V8's own log, which these flags open, goes nowhere (not to the working directory).
const PERF_FLAGS = '--perf-basic-prof-only-functions --interpreted-frames-native-stack --no-logfile-per-isolate --logfile=/dev/null';

if (spawnSync('perf', ['--version']).status !== 0) {
  console.error('bench:profile needs Linux perf on the PATH (Debian: apt-get install linux-perf)');
  process.exit(1);
}
runOnLoadCore(__filename);

async function profile(mode, index, sink) {
  const logFile = path.join(os.tmpdir(), `bench-profile-${index}.log`);
  const data = path.join(os.tmpdir(), `bench-profile-${index}.data`);
  const url = `http://127.0.0.1:${PORT + index}/api/v1/items/42`;
  const child = await startApp(`${mode} ${PERF_FLAGS}`, PORT + index, sink.url, logFile);
  const mapFile = `/tmp/perf-${child.pid}.map`;
  try {
    if (WARMUP > 0) await autocannon({ url, connections: CONNECTIONS, duration: WARMUP });
    // perf samples exactly as long as the load runs: both start together and last DURATION seconds.
    const recorder = spawn('perf', ['record', '-F', String(FREQUENCY), '-e', 'cpu-clock', '-g', '-p', String(child.pid), '-o', data, '--', 'sleep', String(DURATION)], { stdio: 'ignore' });
    // Settles either way, so a perf that fails at once is reported after the load, not as an unhandled rejection.
    const recorded = new Promise((resolve) => {
      recorder.once('exit', (code) => resolve(code === 0 ? undefined : `exited with ${code}`));
      recorder.once('error', (error) => resolve(error.message));
    });
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
    const failure = await recorded;
    if (failure) throw new Error(`${mode}: perf record ${failure} (is the process allowed to profile? root, or kernel.perf_event_paranoid <= 1)`);
    const script = spawnSync('perf', ['script', '-i', data, '-F', 'comm,pid,tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (script.status !== 0) throw new Error(`${mode}: perf script failed: ${script.stderr}`);
    const perfMap = fs.existsSync(mapFile) ? loadPerfMap(mapFile) : { nameAt: () => undefined };
    return { mode, rps: result.requests.average, ...classify(renameJitFrames(script.stdout, perfMap), { frequency: FREQUENCY, requests: result.requests.total }) };
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(data, { force: true });
    fs.rmSync(mapFile, { force: true });
  }
}

(async () => {
  console.log(`${MODES.join(', ')}: ${WARMUP} s warm-up, then ${DURATION} s of load sampled at ${FREQUENCY} Hz, ${CONNECTIONS} connections; ${pinning()}`);
  const sink = await startSink();
  const runs = [];
  for (const [index, mode] of MODES.entries()) {
    runs.push(await profile(mode, index, sink));
    console.log(`${mode}: ${runs.at(-1).rps.toFixed(0)} req/s, ${runs.at(-1).total.toFixed(1)} µs sampled per request`);
  }
  sink.stop();
  const cell = (value) => (value === 0 ? '-' : value.toFixed(1));
  console.log(`\nµs of CPU per request, by what it was doing (Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}):\n`);
  console.log(`| | ${runs.map((run) => run.mode).join(' | ')} |`);
  console.log(`|---|${runs.map(() => '---').join('|')}|`);
  for (const category of CATEGORIES) {
    if (runs.every((run) => run.micros[category] === 0)) continue;
    console.log(`| ${category} | ${runs.map((run) => cell(run.micros[category])).join(' | ')} |`);
  }
  console.log(`| **all** | ${runs.map((run) => `**${run.total.toFixed(1)}**`).join(' | ')} |`);
  for (const run of runs.filter((run) => run.topFunctions.length > 0)) {
    console.log(`\n${run.mode}: the telemetry's functions, by where its samples first reach the telemetry from the leaf (µs per request):`);
    for (const { name, micros } of run.topFunctions.slice(0, TOP)) console.log(`  ${micros.toFixed(2).padStart(6)}  ${name}`);
  }
  console.log('\nother threads, by name (µs per request):');
  for (const run of runs) console.log(`  ${run.mode}: ${run.otherThreads.map(({ name, micros }) => `${name} ${micros.toFixed(1)}`).join(', ') || '-'}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
