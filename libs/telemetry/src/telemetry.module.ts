import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { HttpObserversFallbackMiddleware } from './http/http-observers.fallback.middleware';
import { createLoggerParams, type TelemetryLogger } from './logging/logger.factory';
import { TELEMETRY_LOGGER } from './logging/logging.constants';
import { LoggingLifecycle } from './logging/logging.lifecycle';
import { metricsProviders } from './metrics/metrics-registry.provider';
import { MetricsController } from './metrics/metrics.controller';
import { TELEMETRY_METRICS_REGISTRY } from './metrics/metrics.constants';
import { MetricsLifecycle } from './metrics/metrics.lifecycle';
import { MetricsService } from './metrics/metrics.service';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { getTelemetrySdk } from './sdk/telemetry-sdk';
import { TELEMETRY_OPTIONS } from './telemetry.constants';
import { TelemetryCoreModule } from './telemetry-core.module';
import { TELEMETRY_ASYNC_OPTIONS_TYPE, TELEMETRY_OPTIONS_TYPE } from './telemetry.module-definition';
import { TelemetryStartupCheck } from './telemetry-startup.check';
import { TraceService } from './tracing/trace.service';
import { TrackingIdMiddleware } from './tracking-id/tracking-id.middleware';

/**
 * Correlated traces, metrics and logs for a Nest app: a tracking id (= trace id) on
 * every response and log line, route-named server spans, `@Traced()`, `TraceService`,
 * `MetricsService` and `/metrics`, and nestjs-pino as the application logger.
 *
 * `TelemetryModule.forRoot(options)` or `TelemetryModule.forRootAsync({ useFactory, inject })`;
 * global by default (`isGlobal: false` to scope it).
 *
 * It registers no global interceptor on purpose: Nest's interceptor pipeline alone
 * halves the throughput of a small handler (bench/http-overhead.js), so request-level
 * work happens in the http instrumentation hooks and one middleware instead.
 * @publicApi
 */
@Module({
  providers: [
    TraceService,
    TrackingIdMiddleware,
    TelemetryStartupCheck,
    ...metricsProviders,
    MetricsService,
    MetricsLifecycle,
    LoggingLifecycle,
    HttpObserversFallbackMiddleware,
  ],
  exports: [TraceService, MetricsService, TELEMETRY_METRICS_REGISTRY],
})
export class TelemetryModule implements NestModule {
  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions) {}

  /** `forRoot()` with no argument runs on `OTEL_*` variables and defaults. */
  static forRoot(options: typeof TELEMETRY_OPTIONS_TYPE = {}): DynamicModule {
    const { isGlobal = true, ...rest } = options;
    return TelemetryModule.compose(TelemetryCoreModule.forRoot({ ...rest, isGlobal: false }), isGlobal);
  }

  static forRootAsync(options: typeof TELEMETRY_ASYNC_OPTIONS_TYPE): DynamicModule {
    const { isGlobal = true, ...rest } = options;
    return TelemetryModule.compose(TelemetryCoreModule.forRootAsync({ ...rest, isGlobal: false }), isGlobal);
  }

  private static compose(core: DynamicModule, isGlobal: boolean): DynamicModule {
    return {
      module: TelemetryModule,
      global: isGlobal,
      imports: [
        core,
        // nestjs-pino around the app's logger: PinoLogger, @InjectPinoLogger() and Logger
        // for the app, request-scoped context for `assign()`.
        LoggerModule.forRootAsync({
          imports: [core],
          inject: [TELEMETRY_LOGGER],
          useFactory: (telemetryLogger: TelemetryLogger) => createLoggerParams(telemetryLogger.logger),
        }),
        // Prometheus through @willsoto/nestjs-prometheus, whose `/metrics` controller is
        // ours: it serves the app's own registry with content negotiation and a token.
        PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: false }, path: '/metrics' }),
      ],
      exports: [core],
    };
  }

  /**
   * The tracking-id middleware serves requests that have no span (ignored paths, no
   * SDK). The HTTP metrics and access log come from the SDK's http hooks; the
   * fallback middleware feeds them only when that instrumentation is not running.
   */
  configure(consumer: MiddlewareConsumer): void {
    const hooked = getTelemetrySdk()?.options.instrumentations.http === true;
    const middleware = hooked ? [TrackingIdMiddleware] : [TrackingIdMiddleware, HttpObserversFallbackMiddleware];
    consumer.apply(...middleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
