import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS, TelemetryAttributes } from '../telemetry.constants';
import {
  TRACKING_ID_KEY,
  traceIdOf,
  trackingIdWithoutSpan,
  untracedRequestStorage,
  type RequestWithTrackingId,
} from './tracking-id';

interface ResponseWithHeaders {
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * Gives every request its tracking id (the trace id of its server span), puts it on
 * the response header before any handler, filter or error can run, and on the span
 * as `tracking.id`. A client-sent tracking-id header is never trusted.
 * @publicApi
 */
@Injectable()
export class TrackingIdMiddleware implements NestMiddleware {
  private readonly header: string;

  constructor(@Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions) {
    this.header = options.trackingIdHeader;
  }

  use(request: RequestWithTrackingId, response: ResponseWithHeaders, next: (error?: unknown) => void): void {
    const span = trace.getActiveSpan();
    const traceId = traceIdOf(span);
    if (traceId !== undefined) {
      // The SDK's http hook has already set the header and attribute; a span from
      // elsewhere (no http instrumentation) has not.
      if (response.getHeader(this.header) === undefined) {
        span!.setAttribute(TelemetryAttributes.TRACKING_ID, traceId);
        this.assign(request, response, traceId);
      } else {
        request[TRACKING_ID_KEY] = traceId;
      }
      next();
      return;
    }
    const trackingId = trackingIdWithoutSpan(request.headers);
    this.assign(request, response, trackingId);
    untracedRequestStorage.run(trackingId, next);
  }

  /** Where the id is written; override to also copy it elsewhere (e.g. a request-scoped store). */
  protected assign(request: RequestWithTrackingId, response: ResponseWithHeaders, trackingId: string): void {
    request[TRACKING_ID_KEY] = trackingId;
    response.setHeader(this.header, trackingId);
  }
}
