// Sorts the samples of `perf script -F comm,pid,tid,ip,sym` (a whole server process, call
// stacks included) into what they were doing, per request: the app (Nest, express, the
// handler), each part of the telemetry, Node's own HTTP and socket work, garbage collection
// on the main thread, and the process's other threads. A sample belongs to the first frame
// from the leaf that is the app's or the telemetry's, so Node internals called by the
// telemetry (a `setHeader`, a file write) count as telemetry, and the app's code called
// through the request pipeline counts as the app's.
'use strict';

const GC = /Scavenger|MarkCompact|MinorMark|Heap::|Sweeper|ConcurrentMarking|IncrementalMarking/;
const APP = /node_modules\/(express|router|@nestjs|body-parser|finalhandler|send|on-finished|content-type|qs|type-is|statuses|rxjs|reflect-metadata|path-to-regexp|encodeurl|etag|fresh|vary|mime-types)\/|bench\/app\.js/;

/** The telemetry's parts, by the file of a frame (the library's build, or a package it runs). */
const TELEMETRY_PARTS = [
  ['telemetry: request start (server span, tracking id)', /libs\/telemetry\/dist\/(http\/(http-request-pipeline|server-span|request-context|http-method)|tracking-id\/)/],
  ['telemetry: request end (observers, span end)', /libs\/telemetry\/dist\/http\//],
  ['telemetry: access log and log writes', /libs\/telemetry\/dist\/logging\/|node_modules\/(pino|sonic-boom|nestjs-pino|pino-std-serializers)\//],
  ['telemetry: HTTP metrics', /libs\/telemetry\/dist\/metrics\/|node_modules\/prom-client\//],
  ['telemetry: span encoding and export', /libs\/telemetry\/dist\/sdk\/|node_modules\/@opentelemetry\/(otlp-|exporter-)/],
  ['telemetry: OpenTelemetry SDK and API (spans, context)', /node_modules\/@opentelemetry\//],
  ['telemetry: other', /libs\/telemetry\/dist\//],
];
const NODE = 'Node: HTTP parsing, sockets, event loop';
const GC_MAIN = 'garbage collection (main thread)';
const THREADS = 'other threads (GC helpers, libuv, V8 compiler)';
const CATEGORIES = ['app (Nest, express, the handler)', ...TELEMETRY_PARTS.map(([name]) => name), NODE, GC_MAIN, THREADS];

/** One sample per block: a header (`comm pid/tid`), then its frames from the leaf up, as `ip symbol`. */
function* samplesOf(text) {
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) continue;
    const ids = /(\d+)\/(\d+)/.exec(lines[0]);
    if (!ids) continue;
    yield { mainThread: ids[1] === ids[2], thread: lines[0].slice(0, ids.index).trim(), frames: lines.slice(1).map((line) => line.trim().replace(/^[0-9a-f]+\s+/, '')) };
  }
}

/** A frame's function and file, short: `begin http/http-request-pipeline.js`. */
function functionOf(frame) {
  const js = /^JS:[*+^~']*([^/]*?)\s*(\/\S+?)(:\d+)*$/.exec(frame);
  if (!js) return frame.replace(/\s*\(.*\)$/, '');
  const file = js[2].replace(/^.*\/libs\/telemetry\/dist\//, '').replace(/^.*\/node_modules\//, '');
  return `${js[1] || '(anonymous)'} ${file}`;
}

/**
 * µs per request by category, and by telemetry function (the first telemetry frame from
 * the leaf), from a profile sampled `frequency` times a second over `requests` requests.
 */
function classify(text, { frequency, requests }) {
  const micros = Object.fromEntries(CATEGORIES.map((name) => [name, 0]));
  const functions = new Map();
  const threads = new Map();
  const weight = 1e6 / frequency / requests;
  let total = 0;
  for (const { mainThread, thread, frames } of samplesOf(text)) {
    total += weight;
    if (!mainThread) {
      micros[THREADS] += weight;
      threads.set(thread, (threads.get(thread) ?? 0) + weight);
      continue;
    }
    if (frames.some((frame) => GC.test(frame))) {
      micros[GC_MAIN] += weight;
      continue;
    }
    let category = NODE;
    for (const frame of frames) {
      const part = TELEMETRY_PARTS.find(([, pattern]) => pattern.test(frame));
      if (part) {
        category = part[0];
        const name = functionOf(frame);
        functions.set(name, (functions.get(name) ?? 0) + weight);
        break;
      }
      if (APP.test(frame)) {
        category = CATEGORIES[0];
        break;
      }
    }
    micros[category] += weight;
  }
  const topFunctions = [...functions].sort((a, b) => b[1] - a[1]).map(([name, value]) => ({ name, micros: value }));
  // The other threads by name (V8's workers, libuv's pool): which of them a configuration keeps busy.
  const otherThreads = [...threads].sort((a, b) => b[1] - a[1]).map(([name, value]) => ({ name, micros: value }));
  return { micros, total, topFunctions, otherThreads };
}

module.exports = { classify, CATEGORIES };
