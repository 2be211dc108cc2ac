#!/usr/bin/env node
// What encoding a batch of finished spans for OTLP/HTTP protobuf costs per span:
// OpenTelemetry's ProtobufTraceSerializer against the library's OtlpTraceEncoder and its
// EncodedSpanBatch (each span encoded on its own, as the EncodingBatchSpanProcessor does
// when a span ends, then the batch framed): the same bytes, on batches of 512 SERVER
// spans shaped like the request pipeline's, interleaved rounds in one process. Prints µs
// per span; run after `npm run build`:
//   node bench/otlp-encoder.js
'use strict';
const { SpanKind, ROOT_CONTEXT } = require('@opentelemetry/api');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { TracerProvider } = require('@opentelemetry/sdk-trace');
// Internal to the package (not exported): loaded from the build.
const { OtlpTraceEncoder } = require('../libs/telemetry/dist/sdk/otlp-trace-encoder');
const { EncodedSpanBatch, EncodedSpanBatchSerializer } = require('../libs/telemetry/dist/sdk/encoded-span-batch');
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
const encodedBatch = new EncodedSpanBatch();
const batchSerializer = new EncodedSpanBatchSerializer();
const variants = {
  'ProtobufTraceSerializer (OpenTelemetry)': (batch) => ProtobufTraceSerializer.serializeRequest(batch),
  'OtlpTraceEncoder (nest-telemetry)': (batch) => encoder.serializeRequest(batch),
  'EncodedSpanBatch, span by span (nest-telemetry)': (batch) => {
    encodedBatch.clear();
    for (const span of batch) encodedBatch.add(span);
    return batchSerializer.serializeRequest(encodedBatch);
  },
};
const reference = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
for (const [name, encode] of Object.entries(variants)) {
  if (Buffer.compare(reference, Buffer.from(encode(spans))) !== 0) throw new Error(`${name}: its encoding differs from OpenTelemetry's`);
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
  console.log(`${name.padEnd(48)} median ${median(perSpan).toFixed(2)} µs/span  (rounds: ${perSpan.map((value) => value.toFixed(2)).join(', ')})`);
}
