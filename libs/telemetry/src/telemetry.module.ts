import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { DiscoveryModule } from '@nestjs/core';
import { HandlerErrorCapture } from './http/handler-error-capture';
import { httpObserversProvider } from './http/http-observers.provider';
import { HttpRequestPipeline, wrapsServerEmit } from './http/http-request-pipeline';
import { createLoggerParams, type TelemetryLogger } from './logging/logger.factory';
import { TELEMETRY_LOGGER } from './logging/logging.constants';
import { LoggingLifecycle } from './logging/logging.lifecycle';
import { MetricFactory } from './metrics/metric-factory';
import { metricsProviders } from './metrics/metrics-registry.provider';
import { MetricsController } from './metrics/metrics.controller';
import { TELEMETRY_METRICS_REGISTRY } from './metrics/metrics.constants';
import { MetricsLifecycle } from './metrics/metrics.lifecycle';
import { OperationRecorder } from './operations/operation-recorder';
import { OperationsEndpointMiddleware } from './operations/operations-endpoint.middleware';
import { MetricsService } from './metrics/metrics.service';
import type { TelemetryRuntime } from './sdk/telemetry-runtime';
import { TELEMETRY_OPTIONS, TELEMETRY_RUNTIME } from './telemetry.constants';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { TelemetryCoreModule } from './telemetry-core.module';
import { TELEMETRY_ASYNC_OPTIONS_TYPE, TELEMETRY_OPTIONS_TYPE } from './telemetry.module-definition';
import { TelemetryShutdown } from './telemetry-shutdown';
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
 * work happens in a listener on the app's server and the http instrumentation's hooks.
 *
 * SDK-level settings (identity, export, sampling, tracking id header, ignored paths)
 * come from the runtime `startTelemetry()` started (`TELEMETRY_RUNTIME`).
 * @publicApi
 */
@Module({
  providers: [
    TraceService,
    TrackingIdMiddleware,
    TelemetryStartupCheck,
    TelemetryShutdown,
    ...metricsProviders,
    MetricsService,
    OperationRecorder,
    OperationsEndpointMiddleware,
    MetricsLifecycle,
    LoggingLifecycle,
    httpObserversProvider,
    HttpRequestPipeline,
    HandlerErrorCapture,
  ],
  exports: [TraceService, MetricsService, MetricFactory, TELEMETRY_METRICS_REGISTRY],
})
export class TelemetryModule implements NestModule {
  constructor(
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

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
        // The app's controllers, for HandlerErrorCapture.
        DiscoveryModule,
        // nestjs-pino around the app's logger: PinoLogger, @InjectPinoLogger() and Logger
        // for the app, request-scoped context for `assign()`.
        LoggerModule.forRootAsync({
          imports: [core],
          inject: [TELEMETRY_LOGGER, TELEMETRY_OPTIONS],
          useFactory: (telemetryLogger: TelemetryLogger, options: ResolvedTelemetryOptions) =>
            createLoggerParams(telemetryLogger.logger, options.logging.enabled && options.logging.requestContext),
        }),
        // Prometheus through @willsoto/nestjs-prometheus, whose `/metrics` controller is
        // ours: it serves the app's own registry with content negotiation and a token.
        PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: false }, path: '/metrics' }),
      ],
      exports: [core],
    };
  }

  /**
   * HttpRequestPipeline, on the app's server, gives every request its tracking id and
   * feeds the HTTP metrics and access log. Where it cannot run the request in the request's
   * store (instrumentations.http off, or a foreign instrumentation already wrapping
   * `http` servers) and there are no SDK server spans, this middleware makes the
   * tracking id readable by business code for the rest of the request.
   */
  configure(consumer: MiddlewareConsumer): void {
    // Off by default: operation records carry metadata.
    if (this.options.metrics.operations.endpoint) {
      consumer.apply(OperationsEndpointMiddleware).forRoutes({ path: '_telemetry/operations', method: RequestMethod.GET });
    }
    // Where the request pipeline wraps the app's server, each request already runs in its
    // store (a span carrying its id, or untracedRequestStorage), SDK or not: a middleware
    // would only pass it on, at the price of a Nest middleware layer (route matching, a
    // few µs) on every request.
    if (wrapsServerEmit(this.options) || (this.runtime.sdkStarted && this.runtime.options.instrumentations.http)) return;
    consumer.apply(TrackingIdMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
