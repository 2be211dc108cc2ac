// An OTLP/HTTP sink in a process of its own, like a collector that keeps up: it reads and
// acknowledges every export at once, and counts the spans (SERVER spans apart) a few
// exports at a time, so the decoding stays small next to the load.
'use strict';
const http = require('node:http');
const protobuf = require('protobufjs');

// The part of opentelemetry-proto's ExportTraceServiceRequest needed to count spans by kind.
const { root } = protobuf.parse(
  `
  syntax = "proto3";
  message Request { repeated ResourceSpans resource_spans = 1; }
  message ResourceSpans { repeated ScopeSpans scope_spans = 2; }
  message ScopeSpans { repeated Span spans = 2; }
  message Span { int32 kind = 6; }
`,
  { keepCase: true },
);
const Request = root.lookupType('Request');
const SPAN_KIND_SERVER = 2;

// Exports kept undecoded until asked, or until this many wait (a few ms of decoding).
const MAX_PENDING = 20;
let pending = [];
const totals = { exports: 0, bytes: 0, spans: 0, serverSpans: 0 };

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    totals.exports += 1;
    totals.bytes += body.length;
    pending.push({ body, json: String(request.headers['content-type']).startsWith('application/json') });
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    // A long run (the soak) must not hold every export, nor stall on a large backlog the
    // way a collector that falls behind does (the app would then hold its exports).
    if (pending.length >= MAX_PENDING) setImmediate(count);
  });
});

function count() {
  for (const { body, json } of pending) {
    // OTLP/HTTP protobuf (the default), or OTLP/JSON (`otlpProtocol: 'http/json'`, camelCase fields).
    const request = json ? JSON.parse(body.toString('utf8')) : Request.decode(body);
    for (const resourceSpans of request.resource_spans ?? request.resourceSpans ?? []) {
      for (const scopeSpans of resourceSpans.scope_spans ?? resourceSpans.scopeSpans ?? []) {
        totals.spans += scopeSpans.spans.length;
        for (const span of scopeSpans.spans) if (span.kind === SPAN_KIND_SERVER) totals.serverSpans += 1;
      }
    }
  }
  pending = [];
  return { ...totals };
}

server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
// Never outlive the benchmark, even one that failed.
process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message === 'stats') process.send(count());
  if (message === 'stop') server.close(() => process.exit(0));
});
