import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, TraceFlags, trace, type SpanContext } from '@opentelemetry/api';
import { endServerSpan, ServerRpcMetadata, ServerSpan } from './server-span';

const VALID: SpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

function serverSpanOf(spanContext: SpanContext, startedWithValidIds: boolean): ServerSpan {
  const span = trace.wrapSpanContext(spanContext);
  return new ServerSpan(span, new ServerRpcMetadata(span), ROOT_CONTEXT, startedWithValidIds);
}

describe('ServerSpan.validSpanContext', () => {
  it("should give a valid span's context and nothing for a no-op's, whether or not its starter vouched for its ids", () => {
    for (const vouched of [false, true]) {
      expect(serverSpanOf(VALID, vouched).validSpanContext()).toBe(VALID);
      expect(serverSpanOf(INVALID_SPAN_CONTEXT, vouched).validSpanContext()).toBeUndefined();
    }
  });

  it('should check the ids of a span no starter vouched for (a tracer of the user’s own)', () => {
    for (const ids of [
      { traceId: 'not-hex-not-hex-not-hex-not-hex!', spanId: VALID.spanId },
      { traceId: VALID.traceId.slice(1), spanId: VALID.spanId },
      { traceId: VALID.traceId, spanId: '0000000000000000' },
    ]) {
      expect(serverSpanOf({ ...VALID, ...ids }, false).validSpanContext()).toBeUndefined();
    }
  });
});

describe('endServerSpan', () => {
  it('should name the span `{METHOD} {route}` for every method and route, past the routes it keeps names of', () => {
    const names: string[] = [];
    const span = trace.wrapSpanContext(VALID);
    span.updateName = (name: string) => (names.push(name), span);
    const routes = Array.from({ length: 1005 }, (_, index) => `/items/${index}/:id`);
    for (const route of [...routes, ...routes]) {
      for (const method of ['GET', 'post', 'BREW']) endServerSpan(span, method, route, 200, false, undefined);
    }
    const expected = routes.flatMap((route) => [`GET ${route}`, `POST ${route}`, `_OTHER ${route}`]);
    expect(names).toEqual([...expected, ...expected]);
  });
});
