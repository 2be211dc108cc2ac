#!/usr/bin/env node
// What encoding a batch of finished spans for OTLP/HTTP protobuf costs per span:
// OpenTelemetry's ProtobufTraceSerializer against the library's OtlpTraceEncoder (the
// same bytes), on batches of 512 SERVER spans shaped like the request pipeline's,
// interleaved rounds in one process. Prints µs per span; run after `npm run build`:
//   node bench/otlp-encoder.js
'use strict';
const { SpanKind, ROOT_CONTEXT } = require('@opentelemetry/api');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { TracerProvider } = require('@opentelemetry/sdk-trace');
// Internal to the package (not exported): loaded from the build.
const { OtlpTraceEncoder } = require('../libs/telemetry/dist/sdk/otlp-trace-encoder');
const median = require('./median');

const BATCH = 512;
const BATCHES = Number(process.env.BATCHES ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const spans = [];
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0', 'deployment.environment.name': 'prod', 'host.name': 'bench-host', 'process.pid': process.pid }),
  spanProcessors: [{ onStart() {}, onEnd: (span) => spans.push(span), forceFlush: async () => {}, shutdown: async () => {} }],
});
const tracer = provider.getTracer('nest-telemetry', '0.1.0');
for (let i = 0; i < BATCH; i++) {
  const span = tracer.startSpan('GET', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'url.path': `/api/v1/items/${i}`,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'user_agent.original': 'autocannon/9.0.0',
      'client.address': '127.0.0.1',
      'network.protocol.version': '1.1',
    },
  }, ROOT_CONTEXT);
  span.setAttribute('tracking.id', span.spanContext().traceId);
  span.setAttribute('http.route', '/api/v1/items/:id');
  span.setAttribute('http.response.status_code', 200);
  span.updateName('GET /api/v1/items/:id');
  span.end();
}

const encoder = new OtlpTraceEncoder();
const variants = {
  'ProtobufTraceSerializer (OpenTelemetry)': (batch) => ProtobufTraceSerializer.serializeRequest(batch),
  'OtlpTraceEncoder (nest-telemetry)': (batch) => encoder.serializeRequest(batch),
};
if (Buffer.compare(Buffer.from(variants['ProtobufTraceSerializer (OpenTelemetry)'](spans)), Buffer.from(encoder.serializeRequest(spans))) !== 0) {
  throw new Error('the two encodings differ');
}
const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, encode] of Object.entries(variants)) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCHES; i++) encode(spans);
    results[name].push(Number(process.hrtime.bigint() - started) / (BATCHES * BATCH) / 1000);
  }
}
console.log(`${BATCHES} batches of ${BATCH} spans × ${ROUNDS} interleaved rounds (Node ${process.version}), identical bytes checked`);
for (const [name, perSpan] of Object.entries(results)) {
  console.log(`${name.padEnd(42)} median ${median(perSpan).toFixed(2)} µs/span  (rounds: ${perSpan.map((value) => value.toFixed(2)).join(', ')})`);
}
