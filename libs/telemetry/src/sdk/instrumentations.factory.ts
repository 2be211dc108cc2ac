import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TelemetryAttributes } from '../telemetry.constants';
import { routeTemplateOf, type RoutedRequest } from '../tracing/route-template';
import { createPathMatcher } from './ignored-paths';

type Instrumentation = NodeSDKConfiguration['instrumentations'][number];

/**
 * The auto-instrumentations, lean by default: one SERVER span per request from
 * `http`, one CLIENT span per outgoing call (`http` or `fetch`), the Nest controller
 * span, and express used only to learn the route (a span per express layer costs
 * more than the rest of the request's telemetry together).
 * @internal
 */
export function createInstrumentations(options: ResolvedTelemetryOptions): Instrumentation[] {
  const { instrumentations: enabled } = options;
  const isIgnored = createPathMatcher(options.ignorePaths);
  const list: Instrumentation[] = [];

  if (enabled.http) {
    list.push(
      new HttpInstrumentation({
        // Probes and scrapes get no span; tracing stays suppressed for their whole handling.
        ignoreIncomingRequestHook: (request) => isIgnored(request.url),
        // Called as the server span starts, before express runs: even a body-parser
        // error or an unmatched route answers with the tracking id.
        responseHook: (span, response) => {
          if (!isServerResponse(response)) return;
          const trackingId = span.spanContext().traceId;
          span.setAttribute(TelemetryAttributes.TRACKING_ID, trackingId);
          response.setHeader(options.trackingIdHeader, trackingId);
        },
        // Called as the response ends, before the span does: name it after the route
        // template when no other instrumentation (express) already has.
        applyCustomAttributesOnSpan: (span, request) => {
          const route = routeTemplateOf(request as RoutedRequest);
          if (route === undefined || (span as Partial<ReadableSpan>).attributes?.[ATTR_HTTP_ROUTE] !== undefined) return;
          span.setAttribute(ATTR_HTTP_ROUTE, route);
          span.updateName(`${(request as { method?: string }).method ?? 'GET'} ${route}`);
        },
      }),
    );
  }
  if (enabled.undici) list.push(new UndiciInstrumentation());
  if (enabled.express) {
    list.push(
      new ExpressInstrumentation({
        ignoreLayersType: enabled.expressLayerSpans
          ? []
          : [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
      }),
    );
  }
  if (enabled.nestjs) list.push(new NestInstrumentation());
  return list;
}

/** The hook also sees client responses (`IncomingMessage`), which have no headers to set. */
function isServerResponse(response: object): response is { setHeader(name: string, value: string): unknown } {
  return typeof (response as { setHeader?: unknown }).setHeader === 'function';
}
