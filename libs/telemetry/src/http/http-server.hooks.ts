import { context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { ResolvedSdkOptions } from '../options/resolved-telemetry-options.interface';
import { createPathMatcher } from '../sdk/ignored-paths';
import { TelemetryAttributes } from '../telemetry.constants';
import { routeTemplateOf, type RoutedRequest } from '../tracing/route-template';

interface ServerResponse {
  req: RoutedRequest;
  setHeader(name: string, value: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/*
 * The span side of the request pipeline, process-wide in the http instrumentation:
 * the tracking id on the response and the span as soon as the server span starts
 * (before express, so 404s and body-parser errors carry it too), and the span named
 * after the route template. What each app observes (metrics, access log) is the app's
 * own HttpRequestPipeline, on its own server.
 */

/**
 * The http instrumentation's configuration: ignored paths get no span (and tracing stays
 * suppressed for their whole handling), every server span gets its tracking id.
 * @internal
 */
export function httpServerInstrumentationConfig(options: ResolvedSdkOptions): HttpInstrumentationConfig {
  const isIgnored = createPathMatcher(options.ignorePaths);
  return {
    ignoreIncomingRequestHook: (request) => isIgnored(request.url),
    // Also called for outgoing requests, whose response (an IncomingMessage) has no headers to set.
    responseHook: (span, response) => {
      if (isServerResponse(response)) onServerSpanStart(span, response, options.trackingIdHeader);
    },
  };
}

/**
 * `responseHook`, as the server span starts: the tracking id header and attribute, and,
 * on close and ahead of the instrumentation's own close handler, the route template it
 * will name the span after (`GET /api/v1/sessions/:id`; nothing for an unmatched
 * request, whatever middleware route express last saw).
 * @internal
 */
export function onServerSpanStart(span: Span, response: ServerResponse, trackingIdHeader: string): void {
  const traceId = span.spanContext().traceId;
  span.setAttribute(TelemetryAttributes.TRACKING_ID, traceId);
  response.setHeader(trackingIdHeader, traceId);
  // The active context is the server span's: its RPC metadata is where the
  // instrumentation reads the route from when it ends the span.
  const rpcMetadata = getRPCMetadata(context.active());
  if (rpcMetadata?.type !== RPCType.HTTP) return;
  response.once('close', () => {
    rpcMetadata.route = routeTemplateOf(response.req);
  });
}

function isServerResponse(response: object): response is ServerResponse {
  return typeof (response as { setHeader?: unknown }).setHeader === 'function';
}
