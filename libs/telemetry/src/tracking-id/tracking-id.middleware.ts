import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import {
  assignTrackingId,
  traceIdOf,
  untracedRequestStorage,
  type RequestWithTrackingId,
  type ResponseWithHeaders,
} from './tracking-id';

/**
 * Makes the tracking id of a request without a span (ignored path, no SDK) readable
 * by business code for the rest of the request. The id itself was assigned when the
 * request reached the server (HttpRequestPipeline); this middleware assigns it only
 * for servers the pipeline does not see.
 * @publicApi
 */
@Injectable()
export class TrackingIdMiddleware implements NestMiddleware {
  private readonly header: string;

  constructor(@Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions) {
    this.header = options.trackingIdHeader;
  }

  use(request: RequestWithTrackingId, response: ResponseWithHeaders, next: (error?: unknown) => void): void {
    const trackingId = assignTrackingId(request, response, this.header);
    // A span carries the id, or the request pipeline already keeps it.
    if (traceIdOf(trace.getActiveSpan()) !== undefined || untracedRequestStorage.getStore()?.trackingId === trackingId) return next();
    untracedRequestStorage.run({ trackingId }, next);
  }
}
