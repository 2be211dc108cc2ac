import type { Provider } from '@nestjs/common';
import { AccessLog } from '../logging/access-log';
import type { TelemetryLogger } from '../logging/logger.factory';
import { TELEMETRY_LOGGER } from '../logging/logging.constants';
import { HttpMetrics } from '../metrics/http-metrics';
import { MetricFactory } from '../metrics/metric-factory';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import type { HttpRequestObserver } from './http-request-observer.interface';
import { HTTP_REQUEST_OBSERVERS } from './http.constants';

/**
 * The app's HTTP request observers, each only when its feature is on: the HTTP metrics
 * (`metrics.enabled`) and the access log (`logging.enabled` and `logging.accessLog`).
 * @internal
 */
export const httpObserversProvider: Provider = {
  provide: HTTP_REQUEST_OBSERVERS,
  inject: [TELEMETRY_OPTIONS, MetricFactory, TELEMETRY_LOGGER],
  useFactory: (options: ResolvedTelemetryOptions, factory: MetricFactory, telemetryLogger: TelemetryLogger): HttpRequestObserver[] => {
    const observers: HttpRequestObserver[] = [];
    if (options.metrics.enabled) observers.push(new HttpMetrics(factory));
    if (options.logging.enabled && options.logging.accessLog) observers.push(new AccessLog(telemetryLogger.logger, options.logging));
    return observers;
  },
};
