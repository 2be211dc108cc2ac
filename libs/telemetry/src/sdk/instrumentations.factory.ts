import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { onServerRequest, onServerRequestEnded, onServerRequestStarting } from './http-server.hooks';
import { createPathMatcher } from './ignored-paths';

type Instrumentation = NodeSDKConfiguration['instrumentations'][number];

// The start hook adds no attributes; the instrumentation copies what it returns.
const NO_ATTRIBUTES = Object.freeze({});

/**
 * The auto-instrumentations, lean by default: one SERVER span per request from
 * `http` (named after the route by our own hook), one CLIENT span per outgoing call
 * (`http` or `fetch`), the Nest controller spans. Express spans (one per middleware)
 * are opt-in: they cost more than the rest of a request's telemetry together.
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
        startIncomingSpanHook: (request) => {
          onServerRequestStarting(request as never);
          return NO_ATTRIBUTES;
        },
        // Both hooks also see outgoing requests, whose response (an IncomingMessage) has no headers to set.
        responseHook: (span, response) => {
          if (isServerResponse(response)) onServerRequest(span, response as never, options.trackingIdHeader);
        },
        applyCustomAttributesOnSpan: (span, request, response) => {
          if (isServerResponse(response)) onServerRequestEnded(span, request as never, response as never);
        },
      }),
    );
  }
  if (enabled.undici) list.push(new UndiciInstrumentation());
  if (enabled.express) list.push(new ExpressInstrumentation());
  if (enabled.nestjs) list.push(new NestInstrumentation());
  return list;
}

function isServerResponse(response: object): response is { setHeader(name: string, value: string): unknown } {
  return typeof (response as { setHeader?: unknown }).setHeader === 'function';
}
