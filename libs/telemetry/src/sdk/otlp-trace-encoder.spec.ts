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

  it('should write the same bytes when attribute values repeat, alternate, change type and keep changing (the KeyValue memo)', () => {
    const values = (index: number): Record<string, string | number | boolean | string[]> => ({
      'http.request.method': 'GET', // always the same
      'url.path': `/items/${index}`, // never the same
      'client.address': index % 2 === 0 ? '10.0.0.1' : '10.0.0.2', // alternating
      'http.response.status_code': index < 40 ? 200 : 404, // stable, then stable again at another value
      'app.flag': index % 3 === 0, // a boolean that repeats
      'app.mixed': index % 4 === 0 ? 1 : index % 4 === 1 ? '1' : index % 4 === 2 ? 1.5 : -0, // one key, several types
      'app.list': ['a', String(index % 2)], // arrays are never remembered
      'app.long': 'x'.repeat(300 + (index % 2)), // over the memo's size limit
      [`app.key.${index % 7}`]: 'rotating keys',
    });
    const encoder = new OtlpTraceEncoder();
    for (let round = 0; round < 3; round++) {
      const spans = collect('memo', (provider) => {
        const tracer = provider.getTracer('nest-telemetry');
        for (let index = 0; index < 80; index++) tracer.startSpan('GET', { attributes: values(index + round) }).end();
      });
      expect(Buffer.from(encoder.serializeRequest(spans))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
    }
  });

  it("should read the collector's answer as OpenTelemetry does", () => {
    const encoder = new OtlpTraceEncoder();
    expect(encoder.deserializeResponse(new Uint8Array())).toEqual(ProtobufTraceSerializer.deserializeResponse(new Uint8Array()));
  });
});
