import { context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  observersOf,
  REQUEST_START_KEY,
  type ObservedRequest,
  type ObservedResponse,
} from '../http/http-request-observer';
import { TelemetryAttributes } from '../telemetry.constants';
import { routeTemplateOf } from '../tracing/route-template';

interface ServerRequest extends ObservedRequest {
  [REQUEST_START_KEY]?: number;
}
interface ServerResponse extends ObservedResponse {
  req: ServerRequest;
  [REQUEST_START_KEY]?: number;
  setHeader(name: string, value: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/*
 * What the library does per HTTP request, from the http instrumentation's hooks, so
 * nothing runs in Nest's pipeline and every request is covered, body-parser errors
 * and unmatched routes included. The app's observers (metrics, access log) hang on
 * its `http.Server`, so apps sharing a process never mix.
 */

/** `startIncomingSpanHook`: just before the server span starts, the observers' clock starts. @internal */
export function onServerRequestStarting(request: ServerRequest): void {
  request[REQUEST_START_KEY] = performance.now();
}

/**
 * `responseHook`, as the server span starts: the tracking id header and attribute, the
 * observers' start, and, on close and ahead of the instrumentation's own close handler,
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
  const observers = observersOf(request);
  if (observers) for (const observer of observers) observer.start(request);
  // The active context is the server span's: its RPC metadata is where the
  // instrumentation reads the route from when it ends the span.
  const rpcMetadata = getRPCMetadata(context.active());
  response.once('close', () => {
    if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = routeTemplateOf(request);
  });
}

/**
 * `applyCustomAttributesOnSpan`, the last step before the span ends. The observers
 * run on the next tick, once the span has ended: their work (metrics, the access
 * line) stays out of the span, and a recorded span's own duration is what they get.
 * @internal
 */
export function onServerRequestEnded(span: Span, request: ServerRequest, response: ServerResponse): void {
  const started = response[REQUEST_START_KEY];
  const observers = observersOf(request);
  if (started === undefined || !observers) return;
  const measured = (performance.now() - started) / 1000;
  process.nextTick(() => {
    const seconds = durationOf(span) ?? measured;
    const spanContext = span.spanContext();
    for (const observer of observers) observer.end(request, response, seconds, spanContext);
  });
}

/** A recorded span's duration in seconds, once it has ended (an unsampled span has none). */
function durationOf(span: Span): number | undefined {
  const { duration, ended } = span as Partial<Pick<ReadableSpan, 'duration' | 'ended'>>;
  return ended && duration ? duration[0] + duration[1] / 1e9 : undefined;
}
