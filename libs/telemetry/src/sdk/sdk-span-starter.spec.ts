import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SamplingDecision, SpanKind, TraceFlags, createTraceState, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { hrTimeToMicroseconds, suppressTracing } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
  type SpanLimits,
  type SpanProcessor,
  type TracerProviderOptions,
} from '@opentelemetry/sdk-trace';
import { PooledRandomIdGenerator } from './pooled-random-id-generator';
import { SdkSpanStarter } from './sdk-span-starter';

const ATTRIBUTES: Attributes = {
  'http.request.method': 'GET',
  'url.path': '/api/v1/items/42',
  'url.scheme': 'http',
  'user_agent.original': 'a-rather-long-user-agent',
  'http.request.header.x-tenant': ['blue', 'green-and-long'],
};

class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** Records what the SDK hands its span processors, as it happens. */
class RecordingProcessor implements SpanProcessor {
  readonly started: Array<[Span, Context]> = [];
  readonly finished: ReadableSpan[] = [];
  onStart(span: Span, context: Context): void {
    this.started.push([span, context]);
  }
  onEnd(span: ReadableSpan): void {
    this.finished.push(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
  reset(): void {
    this.started.length = 0;
    this.finished.length = 0;
  }
  getFinishedSpans(): ReadableSpan[] {
    return this.finished;
  }
}

function setUp(options: TracerProviderOptions = {}) {
  const exporter = new RecordingProcessor();
  const reader = new ManualReader();
  const provider = new TracerProvider({
    spanProcessors: [exporter],
    meterProvider: new MeterProvider({ readers: [reader] }),
    ...options,
  });
  const tracer = provider.getTracer('starter-spec');
  const starter = SdkSpanStarter.for(tracer)!;
  const learning = tracer.startSpan('learning', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  starter.learnFrom(learning);
  learning.end();
  exporter.reset();
  return { exporter, reader, tracer, starter };
}

/** The two ways to start the same span: the SDK's tracer, and the starter. */
function startBoth(setup: ReturnType<typeof setUp>, context: Context, attributes: () => Attributes = () => ({ ...ATTRIBUTES }), readsAttributes = true) {
  const viaTracer = setup.tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: attributes() }, context);
  const viaStarter = setup.starter.start('GET', SpanKind.SERVER, context, attributes, readsAttributes)!;
  return { viaTracer, viaStarter };
}

/** What must be equal between two spans started alike, ids and times aside. */
function comparable(span: ReadableSpan) {
  return {
    class: span.constructor,
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    links: span.links,
    events: span.events,
    status: span.status,
    parentSpanContext: span.parentSpanContext,
    traceFlags: span.spanContext().traceFlags,
    traceState: span.spanContext().traceState?.serialize(),
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
  };
}

function endAndCompare(setup: ReturnType<typeof setUp>, viaTracer: Span, viaStarter: Span): ReadableSpan[] {
  for (const span of [viaTracer, viaStarter]) {
    span.setAttribute('http.route', '/api/v1/items/:id');
    span.updateName('GET /api/v1/items/:id');
    span.end();
  }
  const finished = setup.exporter.getFinishedSpans();
  expect(finished).toHaveLength(2);
  expect(comparable(finished[1])).toEqual(comparable(finished[0]));
  return finished;
}

function remoteParent(traceFlags: TraceFlags): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags,
    isRemote: true,
    traceState: createTraceState('vendor=value'),
  });
}

describe('SdkSpanStarter', () => {
  it("should start the SDK's own span, equal to the tracer's in every field but its ids and times, through the same processors", () => {
    const setup = setUp();
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT);
    expect(viaStarter.constructor).toBe(viaTracer.constructor);
    expect(viaStarter.isRecording()).toBe(true);
    expect(setup.exporter.started.map(([span, context]) => [span === viaStarter, context])).toEqual([
      [false, ROOT_CONTEXT],
      [true, ROOT_CONTEXT],
    ]);
    const [tracerSpan, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(starterSpan.spanContext().traceId).not.toBe(tracerSpan.spanContext().traceId);
    expect(starterSpan.parentSpanContext).toBeUndefined();
    expect(starterSpan.endTime[0]).toBeGreaterThan(0);
  });

  it("should continue a caller's trace as the tracer does: its trace id, parent span and trace state", () => {
    const setup = setUp();
    const { viaTracer, viaStarter } = startBoth(setup, remoteParent(TraceFlags.SAMPLED));
    expect(viaStarter.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    const [, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(starterSpan.spanContext().traceState?.get('vendor')).toBe('value');
  });

  it("should give a non-recording span with the caller's trace id when the sampler drops it, and make no attributes for it", () => {
    const setup = setUp({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }) });
    const attributes = jest.fn(() => ({ ...ATTRIBUTES }));
    const span = setup.starter.start('GET', SpanKind.SERVER, remoteParent(TraceFlags.NONE), attributes, false)!;
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toEqual(expect.objectContaining({ traceId: '0af7651916cd43dd8448eb211c80319c', traceFlags: TraceFlags.NONE }));
    expect(span.spanContext().traceState?.get('vendor')).toBe('value');
    expect(attributes).not.toHaveBeenCalled();
    span.end();
    expect(setup.exporter.getFinishedSpans()).toHaveLength(0);
  });

  it("should give the sampler the attributes when it reads them, and take its attributes and trace state as the tracer does", () => {
    const seen: Attributes[] = [];
    const sampler: Sampler = {
      shouldSample: (_context, _traceId, _name, _kind, attributes) => {
        seen.push({ ...attributes });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { 'sampler.rule': 'tenant' }, traceState: createTraceState('rule=1') };
      },
      toString: () => 'recording sampler',
    };
    const setup = setUp({ sampler });
    seen.length = 0;
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT);
    expect(seen).toEqual([ATTRIBUTES, ATTRIBUTES]);
    const [, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.attributes['sampler.rule']).toBe('tenant');
    expect(starterSpan.spanContext().traceState?.serialize()).toBe('rule=1');
  });

  it("should check attributes of the app's own as the tracer does: empty keys and what is over the limit dropped and counted", () => {
    const setup = setUp({ spanLimits: { attributeCountLimit: 4 } });
    const own = () =>
      ({
        'order.id': 'o-1',
        'order.items': 3,
        'order.flags': [true, false],
        'order.nested': { not: 'allowed' },
        'order.mixed': [1, 'two'],
        'order.missing': undefined,
        '': 'an empty key',
        'order.late': 'over the count',
        'order.later': 'over the count too',
      }) as unknown as Attributes;
    const viaTracer = setup.tracer.startSpan('Orders.place', { kind: SpanKind.INTERNAL, attributes: own() }, ROOT_CONTEXT);
    const viaStarter = setup.starter.start('Orders.place', SpanKind.INTERNAL, ROOT_CONTEXT, own, true, false)!;
    const [, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    // Equal to the tracer's span (above); and what the SDK's checks did to them:
    expect(Object.keys(starterSpan.attributes)).toHaveLength(4);
    expect(starterSpan.attributes).toMatchObject({ 'order.id': 'o-1', 'order.items': 3, 'order.flags': [true, false] });
    expect(starterSpan.attributes['']).toBeUndefined();
    expect(starterSpan.droppedAttributesCount).toBeGreaterThanOrEqual(3);
    // Within the limits, the check alone drops them.
    const unlimited = setUp();
    const few = () => ({ '': 'an empty key', 'order.id': 'o-2', 'order.missing': undefined }) as unknown as Attributes;
    const checked = unlimited.starter.start('Orders.place', SpanKind.INTERNAL, ROOT_CONTEXT, few, true, false)!;
    const [, fewSpan] = endAndCompare(unlimited, unlimited.tracer.startSpan('Orders.place', { kind: SpanKind.INTERNAL, attributes: few() }, ROOT_CONTEXT), checked);
    expect(fewSpan.attributes).toEqual({ 'order.id': 'o-2', 'http.route': '/api/v1/items/:id' });
    expect(fewSpan.droppedAttributesCount).toBe(1);
  });

  it("should apply the SDK's span limits as the tracer does: values cut, attributes over the count dropped and counted", () => {
    const limits: SpanLimits = { attributeValueLengthLimit: 6, attributeCountLimit: 3 };
    const setup = setUp({ spanLimits: limits });
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT);
    const [, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.attributes['http.request.method']).toBe('GET');
    expect(starterSpan.attributes['url.path']).toBe('/api/v');
    expect(starterSpan.droppedAttributesCount).toBeGreaterThan(0);
  });

  it('should cut an array value over the length limit as the tracer does', () => {
    const setup = setUp({ spanLimits: { attributeValueLengthLimit: 8 } });
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT, () => ({ 'http.request.header.x-tenant': ['blue', 'green-and-long'] }));
    const [, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.attributes['http.request.header.x-tenant']).toEqual(['blue', 'green-an']);
  });

  it('should start no span in a context where tracing is suppressed', () => {
    const setup = setUp();
    const span = setup.starter.start('GET', SpanKind.SERVER, suppressTracing(ROOT_CONTEXT), () => ({ ...ATTRIBUTES }), true)!;
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
    expect(setup.exporter.getFinishedSpans()).toHaveLength(0);
  });

  it("should vouch for its spans' ids only when they come from the library's own generator", () => {
    expect(setUp().starter.startsValidIds).toBe(false);
    const setup = setUp({ idGenerator: new PooledRandomIdGenerator() });
    expect(setup.starter.startsValidIds).toBe(true);
    // What it vouches for: every span it starts is valid, a caller's trace continued, sampled out or suppressed (then the invalid context itself).
    const contexts = [ROOT_CONTEXT, remoteParent(TraceFlags.SAMPLED), remoteParent(TraceFlags.NONE)];
    for (let round = 0; round < 200; round++) {
      for (const context of contexts) {
        expect(trace.isSpanContextValid(setup.starter.start('GET', SpanKind.SERVER, context, () => ({}), false)!.spanContext())).toBe(true);
      }
    }
    expect(setup.starter.start('GET', SpanKind.SERVER, suppressTracing(ROOT_CONTEXT), () => ({}), false)!.spanContext()).toBe(INVALID_SPAN_CONTEXT);
  });

  it("should count its spans in the SDK's own span metrics, as the tracer's", async () => {
    const setup = setUp();
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT);
    const live = async () => {
      const { resourceMetrics } = await setup.reader.collect();
      return sumOf(resourceMetrics, 'otel.sdk.span.live');
    };
    expect(await live()).toBe(2);
    viaStarter.end();
    expect(await live()).toBe(1);
    viaTracer.end();
    expect(await live()).toBe(0);
    expect(sumOf((await setup.reader.collect()).resourceMetrics, 'otel.sdk.span.started')).toBe(3);
  });

  it('should not record span metrics that go to no meter: without a meter provider the tracer has only no-op instruments', () => {
    const processor = new RecordingProcessor();
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('no meter');
    const starter = SdkSpanStarter.for(tracer)!;
    const learning = tracer.startSpan('learning', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    starter.learnFrom(learning);
    const startSpanMetrics = jest.spyOn((tracer as unknown as { _tracerMetrics: { startSpan(): unknown } })._tracerMetrics, 'startSpan');
    const span = starter.start('GET', SpanKind.SERVER, ROOT_CONTEXT, () => ({ ...ATTRIBUTES }), false)!;
    span.end();
    expect(startSpanMetrics).not.toHaveBeenCalled();
    expect((span as unknown as { _recordEndMetrics?: unknown })._recordEndMetrics).toBeUndefined();
    expect(processor.finished).toContain(span);
    // With a meter provider (setUp's), every span is counted: the test above.
    const counted = setUp();
    const spy = jest.spyOn((counted.tracer as unknown as { _tracerMetrics: { startSpan(): unknown } })._tracerMetrics, 'startSpan');
    counted.starter.start('GET', SpanKind.SERVER, ROOT_CONTEXT, () => ({ ...ATTRIBUTES }), false)!.end();
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('should set attributes it is told are valid as setAttribute does: new, overwritten, over the count limit, cut, after the end', () => {
    const setup = setUp({ spanLimits: { attributeCountLimit: 6, attributeValueLengthLimit: 12 } });
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT, () => ({ 'http.request.method': 'GET', 'url.path': '/items/42' }));
    const operations: Array<[string, string | number]> = [
      ['http.route', '/items/:id'],
      ['http.response.status_code', 200],
      ['http.response.status_code', 404],
      ['error.type', 'a-value-longer-than-twelve'],
      ['tracking.id', 'abc'],
      ['late.one', 'dropped: over the count'],
      ['late.two', 7],
      ['', 'an empty key is invalid'],
    ];
    for (const [key, value] of operations) {
      viaTracer.setAttribute(key, value);
      setup.starter.setValidAttribute(viaStarter, key, value);
    }
    const [, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': 'a-value-lon' + 'g' });
    expect(Object.keys(starterSpan.attributes)).toHaveLength(6);
    expect(starterSpan.droppedAttributesCount).toBe(2);
  });

  it('should hand out the attributes of its own open spans only while the attributes asked for fit the limits, and count those set', () => {
    const setup = setUp({ spanLimits: { attributeCountLimit: 5, attributeValueLengthLimit: 12 } });
    const { viaTracer, viaStarter } = startBoth(setup, ROOT_CONTEXT, () => ({ 'http.request.method': 'GET', 'url.path': '/items/42' }));
    // Two attributes there: three more fit the count, a value of 13 characters does not fit the length.
    expect(setup.starter.writableAttributes(viaStarter, 4, 1)).toBeUndefined();
    expect(setup.starter.writableAttributes(viaStarter, 3, 13)).toBeUndefined();
    expect(setup.starter.writableAttributes(trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: TraceFlags.NONE }), 1, 1)).toBeUndefined();
    const attributes = setup.starter.writableAttributes(viaStarter, 3, 12)!;
    attributes['http.response.status_code'] = 200;
    attributes['url.path'] = '/items/43';
    setup.starter.countAttributes(viaStarter, 1);
    viaTracer.setAttribute('http.response.status_code', 200);
    viaTracer.setAttribute('url.path', '/items/43');
    // Counted as the SDK counts: two more new ones fit, a third is dropped on both.
    for (const span of [viaTracer, viaStarter]) {
      span.setAttribute('one', 1);
      span.setAttribute('two', 2);
      span.setAttribute('three', 3);
    }
    const [tracerSpan, starterSpan] = endAndCompare(setup, viaTracer, viaStarter);
    expect(starterSpan.droppedAttributesCount).toBe(tracerSpan.droppedAttributesCount);
    expect(setup.starter.writableAttributes(viaStarter, 0, 0)).toBeUndefined();
  });

  it("should start a span from the caller's reading of the performance clock, and end it at the time since that reading", () => {
    const setup = setUp();
    const startedAt = performance.now() - 40;
    const span = setup.starter.start('GET', SpanKind.SERVER, ROOT_CONTEXT, () => ({ ...ATTRIBUTES }), false, true, startedAt)!;
    setup.starter.end(span, startedAt + 7.5);
    const [ended] = setup.exporter.getFinishedSpans();
    expect(ended).toBe(span);
    // 7.5 ms from the given start, not from the moment start() ran (40 ms after it).
    expect(hrTimeToMicroseconds(ended.duration)).toBeCloseTo(7500, 0);
    expect(hrTimeToMicroseconds(ended.endTime) - hrTimeToMicroseconds(ended.startTime)).toBeCloseTo(7500, 0);
    // Counted as the constructor counts them: the limit applies from the first attribute set after the start.
    const limited = setUp({ spanLimits: { attributeCountLimit: Object.keys(ATTRIBUTES).length } });
    const full = limited.starter.start('GET', SpanKind.SERVER, ROOT_CONTEXT, () => ({ ...ATTRIBUTES }), false)!;
    full.setAttribute('one.more', 'dropped');
    full.end();
    expect(limited.exporter.getFinishedSpans()[0].droppedAttributesCount).toBe(1);
  });

  it('should end spans of other classes, and spans given a start time, as their own end() does', () => {
    const setup = setUp();
    const startTime = Date.now() - 1000;
    const timed = setup.tracer.startSpan('GET', { kind: SpanKind.SERVER, startTime }, ROOT_CONTEXT);
    const endedAt = performance.now();
    setup.starter.end(timed, endedAt);
    const viaEnd = setup.tracer.startSpan('GET', { kind: SpanKind.SERVER, startTime }, ROOT_CONTEXT);
    viaEnd.end(endedAt);
    const [first, second] = setup.exporter.getFinishedSpans();
    // Each span keeps its own offset between the performance clock and Date.now(), whose
    // millisecond steps let two spans started apart differ by up to a millisecond.
    expect(Math.abs(hrTimeToMicroseconds(first.endTime) - hrTimeToMicroseconds(second.endTime))).toBeLessThan(2_000);
    expect(hrTimeToMicroseconds(first.duration)).toBeGreaterThan(900_000);
    const other = new TracerProvider().getTracer('other').startSpan('other');
    setup.starter.end(other, performance.now());
    expect(other.isRecording()).toBe(false);
  });

  it('should leave a span that has ended as the SDK leaves it', () => {
    const setup = setUp();
    const span = setup.starter.start('GET', SpanKind.SERVER, ROOT_CONTEXT, () => ({}), false)!;
    span.end();
    setup.starter.setValidAttribute(span, 'after.end', 'x');
    expect((span as unknown as ReadableSpan).attributes['after.end']).toBeUndefined();
  });

  it("should set attributes on spans that are not its own through their setAttribute", () => {
    const setup = setUp();
    const unsampled = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: TraceFlags.NONE });
    expect(() => setup.starter.setValidAttribute(unsampled, 'http.route', '/x')).not.toThrow();
    const other = new TracerProvider().getTracer('other').startSpan('other') as unknown as ReadableSpan & Span;
    setup.starter.setValidAttribute(other, 'http.route', '/x');
    expect(other.attributes['http.route']).toBe('/x');
  });

  it('should start nothing before a span of the tracer has confirmed its fields, nor after one that does not match them', () => {
    const provider = new TracerProvider();
    const tracer = provider.getTracer('unconfirmed');
    const starter = SdkSpanStarter.for(tracer)!;
    expect(starter.ready).toBe(false);
    expect(starter.start('GET', SpanKind.SERVER, ROOT_CONTEXT, () => ({}), false)).toBeUndefined();
    // A span of another provider holds other processors and limits.
    starter.learnFrom(new TracerProvider().getTracer('other').startSpan('other'));
    expect(starter.ready).toBe(false);
    starter.learnFrom(tracer.startSpan('own'));
    expect(starter.ready).toBe(false);
  });

  it('should not take a tracer that is not the SDK’s', () => {
    expect(SdkSpanStarter.for(trace.getTracer('no provider registered'))).toBeUndefined();
    expect(SdkSpanStarter.for({ startSpan: () => trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }), startActiveSpan: () => undefined } as never)).toBeUndefined();
  });
});

function sumOf(resourceMetrics: ResourceMetrics, name: string): number {
  let sum = 0;
  for (const scope of resourceMetrics.scopeMetrics)
    for (const metric of scope.metrics) if (metric.descriptor.name === name) for (const point of metric.dataPoints) sum += point.value as number;
  return sum;
}
