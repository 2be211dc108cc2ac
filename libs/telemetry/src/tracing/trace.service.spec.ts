import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemoryTracing } from '../testing/in-memory-tracing';
import { untracedRequestStorage } from '../tracking-id/tracking-id';
import { TraceService } from './trace.service';

describe('TraceService', () => {
  let tracing: InMemoryTracing;
  const traces = new TraceService();
  beforeEach(() => (tracing = InMemoryTracing.start()));
  afterEach(() => tracing.stop());

  it('should expose the active span, its trace id as tracking id and its span id', () => {
    traces.startActiveSpan('work', (span) => {
      expect(traces.getCurrentSpan()).toBe(span);
      expect(traces.getTrackingId()).toBe(span.spanContext().traceId);
      expect(traces.getTrackingId()).toMatch(/^[0-9a-f]{32}$/);
      expect(traces.getSpanId()).toBe(span.spanContext().spanId);
    });
  });

  it('should report no tracking id outside a request and the stored one in an untraced request', () => {
    expect(traces.getTrackingId()).toBeUndefined();
    expect(traces.getSpanId()).toBeUndefined();
    untracedRequestStorage.run({ trackingId: '0af7651916cd43dd8448eb211c80319c' }, () => {
      expect(traces.getTrackingId()).toBe('0af7651916cd43dd8448eb211c80319c');
    });
  });

  it('should start an active span with kind and attributes, ended when async work ends', async () => {
    const result = await traces.startActiveSpan(
      'reindex',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return trace.getActiveSpan()?.spanContext().spanId;
      },
      { kind: SpanKind.PRODUCER, attributes: { 'index.name': 'orders' } },
    );
    const span = tracing.span('reindex');
    expect(result).toBe(span.spanContext().spanId);
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.attributes).toEqual({ 'index.name': 'orders' });
  });

  it('should add events, attributes, status and errors to the active span', () => {
    traces.startActiveSpan('work', () => {
      expect(traces.addEvent('cache.miss', { key: 'k1' })).toBe(true);
      expect(traces.setAttributes({ 'order.id': 'o-1' })).toBe(true);
      expect(traces.recordError(new Error('declined'))).toBe(true);
    });
    const span = tracing.span('work');
    expect(span.events.map((event) => event.name)).toEqual(['cache.miss', 'exception']);
    expect(span.attributes).toEqual({ 'order.id': 'o-1' });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'declined' });
  });

  it('should record a non-Error throwable too', () => {
    traces.startActiveSpan('work', () => traces.recordError('plain string'));
    expect(tracing.span('work').status).toEqual({ code: SpanStatusCode.ERROR, message: 'plain string' });
  });

  it('should say false, and not throw, when there is no recording span', () => {
    expect(traces.addEvent('nothing')).toBe(false);
    expect(traces.setAttributes({ a: 1 })).toBe(false);
    expect(traces.setOk()).toBe(false);
    expect(tracing.spans()).toHaveLength(0);
  });
});
