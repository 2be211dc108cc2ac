import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

// Finished spans of every kind of content, for the OTLP encoders' specs: each compares its bytes with OpenTelemetry's serializer.

/** Spans as an app's tracer providers finish them, collected in order. */
export function collect(serviceName: string, record: (provider: TracerProvider) => void): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'process.pid': 4242, 'host.arch': 'amd64', 'service.instance.id': 'ä-1' }),
    spanLimits: { attributeValueLengthLimit: 100_000 },
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  record(provider);
  return ended;
}

function remoteParent(): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=a,other=b'),
  });
}

/** Spans with every kind of content OTLP carries: attribute types, unicode, events, links, status, remote parents, two scopes. */
export const variedSpans = (): ReadableSpan[] =>
  collect('orders', (provider) => {
    const tracer = provider.getTracer('nest-telemetry', '1.2.3');
    const server = tracer.startSpan(
      'GET',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'url.path': '/api/v1/items/42',
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/130.0 '.repeat(3),
          'http.request.header.x-tenant': ['acme', 'ünïcode'],
        },
      },
      remoteParent(),
    );
    server.setAttribute('http.response.status_code', 200);
    server.setAttribute('ratio', 0.25);
    server.setAttribute('negative', -17);
    server.setAttribute('large', 2 ** 40 + 3);
    server.setAttribute('huge', 2 ** 70);
    server.setAttribute('flag', false);
    server.setAttribute('ints', [1, 2, 300000]);
    server.setAttribute('bools', [true, false]);
    server.setAttribute('with-null', ['a', null as never, 'b']);
    server.setAttribute('emoji 🚀', 'naïve café 日本語 🚀');
    server.setAttribute('long ascii', 'x'.repeat(200));
    server.setAttribute('long unicode', 'é'.repeat(90));
    server.setAttribute('very long', 'y'.repeat(20_000));
    server.addEvent('exception', { 'exception.type': 'TypeError', 'exception.message': 'boom ✗' });
    server.addEvent('no attributes');
    server.addLink({ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0, traceState: new TraceState('k=v') }, attributes: { why: 'batch' } });
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'went wrong' });
    server.updateName('GET /api/v1/items/:id');
    const child = tracer.startSpan('child', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, server));
    child.setStatus({ code: SpanStatusCode.OK });
    child.end();
    server.end();
    provider.getTracer('other-scope').startSpan('internal, no version').end();
    tracer.startSpan('unsampled parent', { kind: SpanKind.CONSUMER }, trace.setSpanContext(ROOT_CONTEXT, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 0 })).end();
  });
