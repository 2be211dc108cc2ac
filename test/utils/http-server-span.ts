import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';

interface Req {
  method: string;
  url: string;
  headers: Record<string, unknown>;
}
interface Res {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * What `@opentelemetry/instrumentation-http` does for an incoming request, for
 * in-process tests: jest loads modules through its own registry, which the
 * instrumentation's require hook never sees. Continue `traceparent`, start a SERVER
 * span with RPC metadata, and on finish take the route from that metadata.
 */
export function httpServerSpan() {
  return (request: Req, response: Res, next: () => void): void => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = trace.getTracer('test-http').startSpan(request.method, { kind: SpanKind.SERVER }, parent);
    const spanContext = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
    response.once('finish', () => {
      const metadata = getRPCMetadata(spanContext);
      if (metadata?.type === RPCType.HTTP && metadata.route) {
        span.setAttribute('http.route', metadata.route);
        span.updateName(`${request.method} ${metadata.route}`);
      }
      span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    context.with(spanContext, next);
  };
}
