import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { collect, variedSpans } from '@test/finished-spans';
import { EncodedSpanBatch, EncodedSpanBatchSerializer } from './encoded-span-batch';

function batchOf(spans: readonly ReadableSpan[]): EncodedSpanBatch {
  const batch = new EncodedSpanBatch();
  for (const span of spans) batch.add(span);
  return batch;
}

describe('EncodedSpanBatch', () => {
  it("should frame spans encoded one by one as the same request OpenTelemetry's serializer writes for the batch", () => {
    const spans = [...variedSpans(), ...collect('billing', (provider) => provider.getTracer('nest-telemetry', '1.2.3').startSpan('second resource').end())];
    const serializer = new EncodedSpanBatchSerializer();
    const batch = batchOf(spans);
    expect(batch.count).toBe(spans.length);
    expect(Buffer.from(serializer.serializeRequest(batch))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
  });

  it('should group spans of scopes and resources that end interleaved, as the serializer groups them', () => {
    const ended: ReadableSpan[] = [];
    const first = collect('orders', (provider) => {
      const a = provider.getTracer('a');
      const b = provider.getTracer('b', '2.0.0');
      for (let index = 0; index < 5; index++) {
        a.startSpan(`a${index}`).end();
        b.startSpan(`b${index}`).end();
      }
    });
    const second = collect('billing', (provider) => provider.getTracer('a').startSpan('other resource').end());
    ended.push(first[0], second[0], ...first.slice(1));
    const batch = batchOf(ended);
    expect(Buffer.from(new EncodedSpanBatchSerializer().serializeRequest(batch))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(ended)!));
  });

  it('should start empty again once cleared, its buffer reused for the next batch', () => {
    const serializer = new EncodedSpanBatchSerializer();
    const batch = batchOf(variedSpans());
    batch.clear();
    expect(batch.count).toBe(0);
    expect(Buffer.from(serializer.serializeRequest(batch))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest([])!));
    const many = collect('orders', (provider) => {
      const tracer = provider.getTracer('nest-telemetry');
      for (let index = 0; index < 600; index++) tracer.startSpan(`GET /items/${index}`, { attributes: { 'url.path': `/items/${index}` } }).end();
    });
    for (const span of many) batch.add(span);
    expect(Buffer.from(serializer.serializeRequest(batch))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest(many)!));
  });

  it('should leave the batch as it was when a span cannot be encoded', () => {
    const [good, other] = variedSpans();
    const batch = batchOf([good]);
    const broken = Object.create(other, { attributes: { get: () => ({ 'url.path': '/x', get bad(): string { throw new Error('unreadable attribute'); } }) } }) as ReadableSpan;
    expect(() => batch.add(broken)).toThrow('unreadable attribute');
    batch.add(other);
    expect(batch.count).toBe(2);
    expect(Buffer.from(new EncodedSpanBatchSerializer().serializeRequest(batch))).toEqual(Buffer.from(ProtobufTraceSerializer.serializeRequest([good, other])!));
  });
});
