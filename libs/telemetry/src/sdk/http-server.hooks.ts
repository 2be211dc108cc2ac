import { context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { HttpMetrics } from '../metrics/http-metrics';
import { HTTP_METRICS_KEY, REQUEST_START_KEY } from '../metrics/metrics.constants';
import { TelemetryAttributes } from '../telemetry.constants';
import { routeTemplateOf, type RoutedRequest } from '../tracing/route-template';

interface ServerRequest extends RoutedRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { server?: { [HTTP_METRICS_KEY]?: HttpMetrics } } | null;
}
interface ServerResponse {
  req: ServerRequest;
  statusCode: number;
  writableFinished?: boolean;
  [REQUEST_START_KEY]?: number;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Everything the library does per HTTP request, run from the http instrumentation's
 * `responseHook` as the server span starts, before express or Nest see the request:
 * - the tracking id header and `tracking.id` attribute, so even a body-parser error or
 *   an unmatched route answers with it;
 * - on close, ahead of the instrumentation's own close handler: the route template
 *   (`GET /api/v1/sessions/:id`, nothing for an unmatched request) and the HTTP
 *   metrics, timed like the span itself.
 * The app's HTTP metrics hang on its `http.Server`, so apps sharing a process never mix.
 * @internal
 */
export function onServerRequest(span: Span, response: ServerResponse, trackingIdHeader: string): void {
  const spanContext = span.spanContext();
  span.setAttribute(TelemetryAttributes.TRACKING_ID, spanContext.traceId);
  response.setHeader(trackingIdHeader, spanContext.traceId);

  const started = performance.now();
  response[REQUEST_START_KEY] = started;
  const request = response.req;
  const metrics = request.socket?.server?.[HTTP_METRICS_KEY];
  metrics?.start(request);
  // The active context is the server span's: its RPC metadata is where the
  // instrumentation reads the route from when it ends the span.
  const rpcMetadata = getRPCMetadata(context.active());

  response.once('close', () => {
    if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = routeTemplateOf(request);
    metrics?.end(request, response, (performance.now() - started) / 1000, spanContext);
  });
}
