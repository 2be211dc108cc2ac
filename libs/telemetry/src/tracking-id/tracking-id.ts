import { AsyncLocalStorage } from 'node:async_hooks';
import { trace, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { parseTraceparent } from '../propagation/traceparent';
import { PooledRandomIdGenerator } from '../sdk/pooled-random-id-generator';
import { TelemetryAttributes } from '../telemetry.constants';

/** Property of the request object holding its tracking id. @internal */
export const TRACKING_ID_KEY = Symbol.for('nest-telemetry.tracking-id');

/** A request object that the tracking-id middleware has seen. @internal */
export interface RequestWithTrackingId {
  [TRACKING_ID_KEY]?: string;
  headers: Record<string, string | string[] | undefined>;
}

const ids = new PooledRandomIdGenerator();

/** A new random tracking id: 32 lowercase hex characters, like a trace id. @internal */
export function newTrackingId(): string {
  return ids.generateTraceId();
}

/**
 * A request that has no span (tracing off, path ignored): its tracking id, and the class
 * of the error its handler threw (HandlerErrorSlot), which a span would otherwise hold.
 * @internal
 */
export interface UntracedRequest {
  readonly trackingId: string;
  handlerError?: string;
}

/**
 * Holds the requests that have no span, so business code can still read their tracking
 * id. Requests with a span read it from the span.
 * @internal
 */
export const untracedRequestStorage = new AsyncLocalStorage<UntracedRequest>();

/** The trace id of a span, when the span carries a valid one. @internal */
export function traceIdOf(span: Span | undefined): string | undefined {
  const spanContext = span?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * The tracking id for a request with no span: the trace id of a valid incoming
 * `traceparent`, otherwise a new random id. Never a client-chosen `X-Tracking-ID`.
 * @internal
 */
export function trackingIdWithoutSpan(headers: RequestWithTrackingId['headers']): string {
  // By the W3C rules, even when no propagator is registered globally.
  return parseTraceparent(headers.traceparent)?.traceId ?? ids.generateTraceId();
}

/** A response the tracking id can be written on. @internal */
export interface ResponseWithHeaders {
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * Gives a request its tracking id once: the trace id of its span (the given one, or the
 * active one), with the header and `tracking.id` attribute unless they are already set,
 * or, without a span, a trace id of its own. A client-sent tracking-id header is never trusted.
 * @internal
 */
export function assignTrackingId(
  request: RequestWithTrackingId,
  response: ResponseWithHeaders,
  header: string,
  span: Span | undefined = trace.getActiveSpan(),
): string {
  const assigned = request[TRACKING_ID_KEY];
  if (assigned !== undefined) return assigned;
  const traceId = traceIdOf(span);
  let trackingId: string;
  if (traceId === undefined) {
    trackingId = trackingIdWithoutSpan(request.headers);
    response.setHeader(header, trackingId);
  } else {
    trackingId = traceId;
    // A span from an instrumentation of the user's own may have set them already.
    if (response.getHeader(header) === undefined) markSpanAndResponse(span!, response, header, traceId);
  }
  request[TRACKING_ID_KEY] = trackingId;
  return trackingId;
}

/**
 * assignTrackingId for the SERVER span the request pipeline has just started and found
 * valid: the pipeline sees the response before any other code, so no header is set yet,
 * and the trace id is known good (not checked again: two regular expressions a request).
 * @internal
 */
export function assignServerSpanTrackingId(request: RequestWithTrackingId, response: ResponseWithHeaders, header: string, span: Span, traceId: string): string {
  const assigned = request[TRACKING_ID_KEY];
  if (assigned !== undefined) return assigned;
  markSpanAndResponse(span, response, header, traceId);
  request[TRACKING_ID_KEY] = traceId;
  return traceId;
}

/** The span's `tracking.id` attribute and the response's header, both the trace id. */
function markSpanAndResponse(span: Span, response: ResponseWithHeaders, header: string, traceId: string): void {
  // A SERVER span the span starter made carries it from its start; one the SDK's tracer made does not.
  if ((span as Partial<ReadableSpan>).attributes?.[TelemetryAttributes.TRACKING_ID] !== traceId) span.setAttribute(TelemetryAttributes.TRACKING_ID, traceId);
  response.setHeader(header, traceId);
}
