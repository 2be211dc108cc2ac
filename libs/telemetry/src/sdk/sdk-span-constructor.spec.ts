import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Context, type HrTime, type Span } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { endTimeOf, sdkSpanConstructor } from './sdk-span-constructor';

class RecordingProcessor implements SpanProcessor {
  readonly started: Span[] = [];
  readonly finished: ReadableSpan[] = [];
  onStart(span: Span, _context: Context): void {
    this.started.push(span);
  }
  onEnd(span: ReadableSpan): void {
    this.finished.push(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

type Fields = Record<string, unknown>;

function setUp(spanLimits = {}) {
  const processor = new RecordingProcessor();
  const tracer = new TracerProvider({ spanProcessors: [processor], spanLimits }).getTracer('constructor-spec');
  const sample = tracer.startSpan('sample', { kind: SpanKind.SERVER, attributes: { a: 'one', b: 'two' } }, ROOT_CONTEXT);
  processor.started.length = 0;
  const SdkSpan = sdkSpanConstructor(sample.constructor as never, sample);
  const fields = sample as unknown as Fields;
  /** A span of the constructor's, as the starter makes one (attributes counted, processor told). */
  const make = (name: string, attributes: Record<string, string>, startedAt = performance.now()): Span => {
    const span = new SdkSpan!(
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 },
      name,
      SpanKind.SERVER,
      undefined,
      attributes,
      Object.keys(attributes).length,
      0,
      fields.resource as object,
      fields.instrumentationScope as object,
      fields._spanProcessor as object,
      fields._spanLimits as object,
      undefined,
      startedAt,
    );
    (fields._spanProcessor as SpanProcessor).onStart(span as never, ROOT_CONTEXT);
    return span;
  };
  return { processor, tracer, sample, SdkSpan, make };
}

// What differs between two spans started apart: their ids, their times, and the closure that counts each in the SDK's span metrics.
const IDS_AND_TIMES = ['_spanContext', 'startTime', '_performanceStartTime', '_performanceOffset', '_recordEndMetrics'];

function withoutIdsAndTimes(span: Span): Fields {
  return Object.fromEntries(Object.entries(span as unknown as Fields).filter(([key]) => !IDS_AND_TIMES.includes(key)));
}

describe('sdkSpanConstructor', () => {
  it("should make spans of the SDK's own class, with its own properties in the same order and the same values but ids and times", () => {
    const { tracer, sample, make } = setUp();
    const twin = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'url.path': '/items/1' } }, ROOT_CONTEXT);
    const span = make('GET', { 'url.path': '/items/1' });
    expect(Object.getPrototypeOf(span)).toBe(Object.getPrototypeOf(sample));
    expect(span).toBeInstanceOf(sample.constructor as never);
    expect(span.constructor).toBe(sample.constructor);
    expect(Object.keys(span)).toEqual(Object.keys(twin));
    expect(withoutIdsAndTimes(span)).toEqual(withoutIdsAndTimes(twin));
    twin.end();
  });

  it("should start at the wall clock's time, and end at the time since its start on the performance clock", () => {
    const { processor, make } = setUp();
    const before = Date.now();
    const startedAt = performance.now() - 5;
    const span = make('GET', {});
    const started = span as unknown as ReadableSpan;
    const startMillis = hrTimeToMicroseconds(started.startTime) / 1000;
    expect(startMillis).toBeGreaterThanOrEqual(before);
    expect(startMillis).toBeLessThanOrEqual(Date.now());
    // The start given on the performance clock is the one its end is measured from.
    const early = make('GET', {}, startedAt);
    early.end(endTimeOf(early, startedAt + 12.5));
    expect(hrTimeToMicroseconds((early as unknown as ReadableSpan).duration)).toBeCloseTo(12500, 0);
    span.end();
    expect(processor.finished).toEqual([early, span]);
  });

  it("should end where the SDK's own end would, given the same performance reading", () => {
    const { tracer } = setUp();
    const viaTracer = tracer.startSpan('GET', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const twin = tracer.startSpan('GET', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const waitedFrom = performance.now();
    while (performance.now() - waitedFrom < 4);
    const endedAt = performance.now() - 0.5;
    viaTracer.end(endedAt);
    twin.end(endTimeOf(twin, endedAt));
    const sdkEnd = hrTimeToMicroseconds((viaTracer as unknown as ReadableSpan).endTime);
    const end = hrTimeToMicroseconds((twin as unknown as ReadableSpan).endTime);
    // Each span's start is the wall clock's whole millisecond: the two ends differ by the rounding of those starts at most.
    expect(Math.abs(end - sdkEnd)).toBeLessThan(1000);
    const duration = hrTimeToMicroseconds((twin as unknown as ReadableSpan).duration);
    expect(duration).toBeCloseTo((endedAt - ((twin as unknown as Fields)._performanceStartTime as number)) * 1000, 0);
    expect(duration).toBeGreaterThan(3000);
  });

  it("should keep the SDK's own behaviour: its attribute count against the limit, events, status, and one end", () => {
    const { processor, make } = setUp({ attributeCountLimit: 3 });
    const span = make('GET', { a: '1', b: '2' });
    span.setAttribute('c', '3');
    span.setAttribute('d', 'over the limit');
    span.addEvent('retry');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    span.end();
    span.end();
    const [ended] = processor.finished;
    expect(processor.finished).toHaveLength(1);
    expect(ended.attributes).toEqual({ a: '1', b: '2', c: '3' });
    expect(ended.droppedAttributesCount).toBe(1);
    expect(ended.events.map((event) => event.name)).toEqual(['retry']);
    expect(ended.status).toEqual({ code: SpanStatusCode.ERROR, message: 'failed' });
    expect(ended.ended).toBe(true);
    expect(span.isRecording()).toBe(false);
  });

  it('should give no constructor for a span class of another shape', () => {
    const { sample } = setUp();
    // A later class with a field more, one less, or its fields in another order.
    const withExtra = Object.assign(Object.create(Object.getPrototypeOf(sample)), sample, { _newField: 1 }) as Span;
    const fields = { ...(sample as unknown as Fields) };
    delete fields._startTimeProvided;
    const withLess = Object.assign(Object.create(Object.getPrototypeOf(sample)), fields) as Span;
    const { kind, ...rest } = sample as unknown as Fields;
    const reordered = Object.assign(Object.create(Object.getPrototypeOf(sample)), rest, { kind }) as Span;
    for (const other of [withExtra, withLess, reordered]) expect(sdkSpanConstructor(sample.constructor as never, other)).toBeUndefined();
    // A class whose methods read a private field the constructor cannot set.
    class PrivateSpan {
      #context = sample.spanContext();
      spanContext() {
        return this.#context;
      }
    }
    const privateSample = Object.assign(new PrivateSpan(), sample) as unknown as Span;
    expect(sdkSpanConstructor(PrivateSpan as never, privateSample)).toBeUndefined();
    expect(sdkSpanConstructor(sample.constructor as never, sample)).toBeDefined();
  });
});
