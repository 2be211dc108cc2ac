import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpObserversFallbackMiddleware } from './http/http-observers.fallback.middleware';
import { metricsProviders } from './metrics/metrics-registry.provider';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsLifecycle } from './metrics/metrics.lifecycle';
import { MetricsService } from './metrics/metrics.service';
import { TELEMETRY_METRICS_REGISTRY } from './metrics/metrics.constants';
import { resolveTelemetryOptions } from './options/telemetry-options.resolver';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { getTelemetrySdk } from './sdk/telemetry-sdk';
import { TELEMETRY_OPTIONS } from './telemetry.constants';
import {
  ConfigurableTelemetryModule,
  TELEMETRY_MODULE_OPTIONS,
  TELEMETRY_OPTIONS_TYPE,
} from './telemetry.module-definition';
import { TelemetryStartupCheck } from './telemetry-startup.check';
import { TraceService } from './tracing/trace.service';
import { TrackingIdMiddleware } from './tracking-id/tracking-id.middleware';

/**
 * Correlated traces for a Nest app: a tracking id (= trace id) on every response,
 * route-named server spans, `@Traced()` and `TraceService`.
 *
 * It registers no global interceptor on purpose: Nest's interceptor pipeline alone
 * halves the throughput of a small handler (bench/http-overhead.js), so request-level
 * work happens in the http instrumentation hooks and one middleware instead.
 *
 * `TelemetryModule.forRoot(options)` or `TelemetryModule.forRootAsync({ useFactory, inject })`;
 * global by default (`isGlobal: false` to scope it).
 * @publicApi
 */
@Module({
  // Prometheus through @willsoto/nestjs-prometheus, whose `/metrics` controller is
  // ours: it serves the app's own registry with content negotiation and a token.
  imports: [PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: false }, path: '/metrics' })],
  providers: [
    {
      provide: TELEMETRY_OPTIONS,
      // Validates here, so a bad option stops NestFactory.create with a message naming it.
      useFactory: resolveTelemetryOptions,
      inject: [TELEMETRY_MODULE_OPTIONS],
    },
    TraceService,
    TrackingIdMiddleware,
    TelemetryStartupCheck,
    ...metricsProviders,
    MetricsService,
    MetricsLifecycle,
    HttpObserversFallbackMiddleware,
  ],
  exports: [TELEMETRY_OPTIONS, TraceService, MetricsService, TELEMETRY_METRICS_REGISTRY],
})
export class TelemetryModule extends ConfigurableTelemetryModule implements NestModule {
  /** `forRoot()` with no argument runs on `OTEL_*` variables and defaults. */
  static override forRoot(options: typeof TELEMETRY_OPTIONS_TYPE = {}) {
    return super.forRoot(options);
  }

  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions) {
    super();
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
