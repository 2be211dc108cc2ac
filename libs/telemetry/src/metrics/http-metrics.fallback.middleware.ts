import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { createPathMatcher } from '../sdk/ignored-paths';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { HttpMetrics } from './http-metrics';
import { REQUEST_START_KEY } from './metrics.constants';

interface Req {
  originalUrl?: string;
  url?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}
interface Res {
  [REQUEST_START_KEY]?: number;
  statusCode: number;
  writableFinished?: boolean;
  getHeader(name: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * HTTP metrics for apps whose http instrumentation is off (or whose SDK was not
 * started): timed from this middleware to the response's close. With the
 * instrumentation on, its hooks record the metrics and this does nothing.
 * @internal
 */
@Injectable()
export class HttpMetricsFallbackMiddleware implements NestMiddleware {
  private readonly isIgnored: (url: string | undefined) => boolean;

  constructor(
    @Inject(HttpMetrics) private readonly metrics: HttpMetrics,
    @Inject(TELEMETRY_OPTIONS) options: ResolvedTelemetryOptions,
  ) {
    this.isIgnored = createPathMatcher(options.ignorePaths);
  }

  use(request: Req, response: Res, next: () => void): void {
    if (response[REQUEST_START_KEY] !== undefined || this.isIgnored(request.originalUrl ?? request.url)) return next();
    const started = performance.now();
    this.metrics.start(request);
    response.once('close', () => this.metrics.end(request, response, (performance.now() - started) / 1000));
    next();
  }
}
