// Diagnostic for `npm run bench:ab`: each encoded batch framed as the exporter frames it,
// then POSTed from a worker thread instead of the app's own thread. The worker is another V8
// isolate: its HTTP client runs Node's HTTP and stream code with feedback of its own, so
// the client's objects (its requests, the collector's responses) cannot turn the inline
// caches of the code the app's server runs through polymorphic or megamorphic.
//   BENCH_AB='full;full {} --require=./bench/diagnostics/export-from-worker.js' npm run bench:ab
// The collector's URL is the bench app's third argument (bench/app.js).
'use strict';
const { Worker } = require('node:worker_threads');
const builtLibrary = require('./built-library');

const url = process.argv[4];
if (!url) throw new Error('export-from-worker.js: the bench app has no OTLP endpoint argument');

const worker = new Worker(
  `
  const http = require('node:http');
  const { parentPort, workerData } = require('node:worker_threads');
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL(workerData.url);
  parentPort.on('message', ({ id, bytes }) => {
    const request = http.request(target, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': bytes.byteLength } }, (response) => {
      response.resume();
      response.on('end', () => parentPort.postMessage({ id, ok: response.statusCode < 300 }));
    });
    request.on('error', () => parentPort.postMessage({ id, ok: false }));
    request.end(Buffer.from(bytes));
  });
`,
  // Not the app's flags: they would preload this file into the worker too.
  { eval: true, workerData: { url }, execArgv: [] },
);
worker.unref();

const { OtlpEncodedSpanExporter } = builtLibrary('sdk/otlp-protobuf-trace-exporter.js');
const { EncodedSpanBatchSerializer } = builtLibrary('sdk/encoded-span-batch.js');
const serializer = new EncodedSpanBatchSerializer();
const waiting = new Map();
let next = 0;
worker.on('message', ({ id, ok }) => {
  const done = waiting.get(id);
  waiting.delete(id);
  if (waiting.size === 0) worker.unref();
  done?.({ code: ok ? 0 : 1 });
});

OtlpEncodedSpanExporter.prototype.export = function exportFromWorker(batch, resultCallback) {
  // The serializer reuses its buffer: the worker gets a copy, moved rather than cloned.
  const bytes = serializer.serializeRequest(batch).slice();
  const id = next++;
  waiting.set(id, resultCallback);
  worker.ref();
  worker.postMessage({ id, bytes }, [bytes.buffer]);
};
