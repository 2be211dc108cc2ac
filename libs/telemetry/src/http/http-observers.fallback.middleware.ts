import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { createPathMatcher } from '../sdk/ignored-paths';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { observersOf, REQUEST_START_KEY, type ObservedRequest, type ObservedResponse } from './http-request-observer';

interface Res extends ObservedResponse {
  [REQUEST_START_KEY]?: number;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Feeds the HTTP observers (metrics, access log) for apps whose http instrumentation
 * is off or whose SDK was not started: timed from this middleware to the response's
 * close. With the instrumentation on, its hooks feed them and this is not mounted.
 * @internal
 */
@Injectable()
export class HttpObserversFallbackMiddleware implements NestMiddleware {
  private readonly isIgnored: (url: string | undefined) => boolean;

  constructor(@Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions) {
    this.isIgnored = createPathMatcher(options.ignorePaths);
  }

  use(request: ObservedRequest, response: Res, next: () => void): void {
    const observers = observersOf(request);
    if (!observers || response[REQUEST_START_KEY] !== undefined || this.isIgnored(request.originalUrl ?? request.url)) {
      return next();
    }
    const started = performance.now();
    for (const observer of observers) observer.start(request);
    response.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      for (const observer of observers) observer.end(request, response, seconds);
    });
    next();
  }
}
