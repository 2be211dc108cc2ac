import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { collect, variedSpans } from '@test/finished-spans';
import { OtlpTraceEncoder } from './otlp-trace-encoder';

describe('OtlpTraceEncoder', () => {
  it("should write the same bytes as OpenTelemetry's protobuf serializer, for every kind of span content", () => {
    const spans = [...variedSpans(), ...collect('billing', (provider) => provider.getTracer('nest-telemetry', '1.2.3').startSpan('second resource').end())];
    const expected = ProtobufTraceSerializer.serializeRequest(spans)!;
    expect(expected.length).toBeGreaterThan(20_000);
    expect(Buffer.from(new OtlpTraceEncoder().serializeRequest(spans))).toEqual(Buffer.from(expected));
  });

  it('should write the same bytes batch after batch, its buffer reused and grown, and hand out copies', () => {
    const encoder = new OtlpTraceEncoder();
    const batches = [variedSpans(), collect('orders', (provider) => {
      const tracer = provider.getTracer('nest-telemetry');
      for (let index = 0; index < 600; index++) tracer.startSpan(`GET /items/${index}`, { attributes: { 'url.path': `/items/${index}` } }).end();
    }), variedSpans()];
    const outputs = batches.map((spans) => encoder.serializeRequest(spans));
    batches.forEach((spans, index) => expect(Buffer.from(outputs[index])).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!)));
    expect(Buffer.from(encoder.serializeRequest([]))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest([])!));
  });

  it("should read the collector's answer as OpenTelemetry does", () => {
    const encoder = new OtlpTraceEncoder();
    expect(encoder.deserializeResponse(new Uint8Array())).toEqual(ProtobufTraceSerializer.deserializeResponse(new Uint8Array()));
  });
});
