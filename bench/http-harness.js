// What the HTTP benchmarks share: pinning (the server on one core, the load and the sink on
// the other), the OTLP sink, the bench app in a configuration, and what is read from the
// server process (CPU, RSS, GC pauses) and its log file.
'use strict';
const { fork, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const readline = require('node:readline');
const path = require('node:path');
const { pollIdleCores } = require('./halt-polling');

/** The configurations whose spans (100 % sampled) and access lines the benchmarks count. */
const TRACED = new Set(['full', 'tracing']);
const LOGGED = new Set(['full', 'logs']);
const SERVER_CPU = '0';
const LOAD_CPU = '1';

// Decided once, before re-running pinned: a pinned process sees one core.
const canPin = process.env.BENCH_PINNED === '1' || (os.availableParallelism() >= 2 && spawnSync('taskset', ['-c', LOAD_CPU, 'true']).status === 0);

let idleCores = 'guest halt polling not looked at';

/** How the run is pinned and how idle cores wait, for its first line. */
function pinning() {
  return `${canPin ? `server on CPU ${SERVER_CPU}, load and sink on CPU ${LOAD_CPU}` : 'not pinned (taskset or a second core missing)'}; ${idleCores}`;
}

/**
 * Re-runs the calling script on the load core, and exits with its status: autocannon and
 * the sink stay off the server's core. The process that runs the benchmark then sets how
 * idle cores wait (halt-polling.js) for as long as it runs.
 */
function runOnLoadCore(script) {
  if (canPin && process.env.BENCH_PINNED !== '1') {
    const child = spawnSync('taskset', ['-c', LOAD_CPU, process.execPath, script], { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } });
    process.exit(child.status ?? 1);
  }
  idleCores = pollIdleCores();
}

function startSink() {
  const child = fork(path.join(__dirname, 'otlp-sink.js'), [], { stdio: 'inherit' });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  return next().then(({ url }) => ({ url, stats: () => (child.send('stats'), next()), stop: () => child.send('stop') }));
}

/**
 * The bench app in the configuration a label names (`mode [options JSON] [--node-flags]`),
 * pinned to the server core, its log lines to `logFile`; resolves once it listens.
 */
function startApp(label, port, endpoint, logFile) {
  const [modeWord, ...options] = label.split(' ');
  // Words starting with `--` are flags for Node (the same app under another V8 setting), the rest telemetry options.
  const nodeFlags = options.filter((word) => word.startsWith('--'));
  const telemetryOptions = options.filter((word) => !word.startsWith('--')).join(' ');
  const { mode, appDir } = appOf(modeWord);
  const args = [...nodeFlags, path.join(appDir, 'app.js'), mode, String(port), endpoint, telemetryOptions];
  const command = canPin ? 'taskset' : process.execPath;
  const commandArgs = canPin ? ['-c', SERVER_CPU, process.execPath, ...args] : args;
  // Lines go to a file, as a log shipper reads them, never to a terminal that sets the pace.
  const out = fs.openSync(logFile, 'w');
  const child = spawn(command, commandArgs, { stdio: ['ignore', out, 'inherit', 'ipc'] });
  fs.closeSync(out);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${label}: app exited with ${code}`)));
  });
}

/** Whether a label checks the work was done: only default options (Node flags change no option). */
function checksTelemetry(label) {
  return label.split(' ').every((word, index) => index === 0 || word.startsWith('--'));
}

/** The mode of a label's first word, and the directory of the bench app that runs it (`baseline:` another checkout's). */
function appOf(modeWord) {
  if (!modeWord.startsWith('baseline:')) return { mode: modeWord, appDir: __dirname };
  const baseline = process.env.BENCH_BASELINE_DIR;
  if (!baseline) throw new Error(`${modeWord}: set BENCH_BASELINE_DIR to the checkout (built, with node_modules) to compare with`);
  return { mode: modeWord.slice('baseline:'.length), appDir: path.join(path.resolve(baseline), 'bench') };
}

/** User and system CPU of the server's own pid, in µs (under taskset the child is taskset's exec, the same process). */
function cpuMicros(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * 10_000, system: Number(fields[12]) * 10_000 };
}

/** The app's main-thread GC pauses so far (bench/app.js keeps them), in ms; NaN from a bench app that does not count them (an older baseline). */
function gcPauses(child) {
  return new Promise((resolve) => {
    const done = (pauses) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(pauses);
    };
    const onMessage = (message) => message?.gc && done(message.gc);
    const timer = setTimeout(() => done({ youngMs: NaN, fullMs: NaN }), 2000);
    child.on('message', onMessage);
    child.send('gc');
  });
}

function rssMb(pid) {
  return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
}

/** Access lines in a log file, read as a stream: a soak's million of them is more than one string holds. */
async function countAccessLines(file) {
  let count = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) if (line.includes('"request":{"method"')) count += 1;
  return count;
}

/** What the server has spent so far: its CPU (/proc) and its main thread's GC pauses (asked over IPC). */
async function sampleServer(child) {
  return { cpu: cpuMicros(child.pid), gc: await gcPauses(child) };
}

/** Between two samples, per request: CPU and its system part, and GC pauses, young and full, in µs. */
function costPerRequest(before, after, requests) {
  return {
    cpuPerRequest: (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / requests,
    // The kernel's share includes the wake-ups of the load generator on the other core (BENCHMARKS.md).
    systemPerRequest: (after.cpu.system - before.cpu.system) / requests,
    // Young: scavenges; full: mark-compact.
    youngGcPerRequest: ((after.gc.youngMs - before.gc.youngMs) * 1000) / requests,
    fullGcPerRequest: ((after.gc.fullMs - before.gc.fullMs) * 1000) / requests,
  };
}

/**
 * Throws unless every traced request's SERVER span reached the sink and every logged one
 * wrote its access line: between the responses read and the requests sent, since the last
 * request per connection is served but unread. Only labels with default options are checked.
 */
function verifyTelemetry(label, { served, sent, serverSpans, accessLines }) {
  if (!checksTelemetry(label)) return;
  const { mode } = appOf(label.split(' ')[0]);
  const accounted = (count) => count >= served && count <= sent;
  if (TRACED.has(mode) && !accounted(serverSpans)) {
    throw new Error(`${label}: ${served} responses read (${sent} requests sent) but ${serverSpans} server spans received: telemetry was dropped`);
  }
  if (LOGGED.has(mode) && !accounted(accessLines)) {
    throw new Error(`${label}: ${served} responses read (${sent} requests sent) but ${accessLines} access lines written: telemetry was dropped`);
  }
}

module.exports = { TRACED, LOGGED, pinning, runOnLoadCore, startSink, startApp, appOf, checksTelemetry, sampleServer, costPerRequest, verifyTelemetry, rssMb, countAccessLines };
