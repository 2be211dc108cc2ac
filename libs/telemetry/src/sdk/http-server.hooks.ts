import { context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { HttpMetrics } from '../metrics/http-metrics';
import { HTTP_METRICS_KEY, REQUEST_START_KEY } from '../metrics/metrics.constants';
import { TelemetryAttributes } from '../telemetry.constants';
import { routeTemplateOf, type RoutedRequest } from '../tracing/route-template';

interface ServerRequest extends RoutedRequest {
  [REQUEST_START_KEY]?: number;
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
 * What the library does per HTTP request, from the http instrumentation's hooks, so
 * nothing runs in Nest's pipeline and every request is covered, body-parser errors
 * and unmatched routes included. The app's HTTP metrics hang on its `http.Server`,
 * so apps sharing a process never mix.
 */

/** `startIncomingSpanHook`: just before the server span starts, the metric's clock starts. @internal */
export function onServerRequestStarting(request: ServerRequest): void {
  request[REQUEST_START_KEY] = performance.now();
}

/**
 * `responseHook`, as the server span starts: the tracking id header and attribute, the
 * in-flight gauge, and, on close and ahead of the instrumentation's own close handler,
 * the route template it will name the span after (`GET /api/v1/sessions/:id`; nothing
 * for an unmatched request, whatever middleware route express last saw).
 * @internal
 */
export function onServerRequest(span: Span, response: ServerResponse, trackingIdHeader: string): void {
  const traceId = span.spanContext().traceId;
  span.setAttribute(TelemetryAttributes.TRACKING_ID, traceId);
  response.setHeader(trackingIdHeader, traceId);

  const request = response.req;
  response[REQUEST_START_KEY] = request[REQUEST_START_KEY] ?? performance.now();
  metricsOf(request)?.start(request);
  // The active context is the server span's: its RPC metadata is where the
  // instrumentation reads the route from when it ends the span.
  const rpcMetadata = getRPCMetadata(context.active());
  response.once('close', () => {
    if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = routeTemplateOf(request);
  });
}

/** `applyCustomAttributesOnSpan`, the last step before the span ends: the HTTP metrics. @internal */
export function onServerRequestEnded(span: Span, request: ServerRequest, response: ServerResponse): void {
  const started = response[REQUEST_START_KEY];
  const metrics = metricsOf(request);
  if (started === undefined || !metrics) return;
  metrics.end(request, response, (performance.now() - started) / 1000, span.spanContext());
}

function metricsOf(request: ServerRequest): HttpMetrics | undefined {
  return request.socket?.server?.[HTTP_METRICS_KEY];
}
